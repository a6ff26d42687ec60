-- Daily rollups per agent (docs/benchmarks.md, "KPIs").

-- The same counts per local day and agent, kept beside the daily rollups by
-- every import (in the same transaction, from the same deltas). The daily
-- rollups are keyed by day, agent, queue, channel and topic, which with
-- hundreds of agents and queues is nearly a row per contact; a report that
-- needs no queue, channel or topic (by agent, team, day, week or month) reads
-- this table instead, at most one row per agent per day. The days at either
-- end of a period of whole weeks come from here too.
CREATE TABLE kpi_rollups_agent_daily (
    day TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    week TEXT NOT NULL,
    month TEXT NOT NULL,
    contacts BIGINT NOT NULL,
    short_abandons BIGINT NOT NULL,
    answered BIGINT NOT NULL,
    answered_within_t BIGINT NOT NULL,
    abandoned BIGINT NOT NULL,
    abandoned_within_t BIGINT NOT NULL,
    wait_ms BIGINT NOT NULL,
    handled BIGINT NOT NULL,
    handle_ms BIGINT NOT NULL,
    fcr_resolved BIGINT NOT NULL,
    csat_responses BIGINT NOT NULL,
    csat_satisfied BIGINT NOT NULL,
    nps_responses BIGINT NOT NULL,
    nps_promoters BIGINT NOT NULL,
    nps_detractors BIGINT NOT NULL,
    ces_responses BIGINT NOT NULL,
    ces_sum BIGINT NOT NULL,
    PRIMARY KEY (day, agent_id)
) {{WITHOUT_ROWID}};
-- Backfilled from the daily rollups; the week and month of a day are the
-- same on every row of that day, so grouping by them as well changes nothing.
INSERT INTO kpi_rollups_agent_daily (day, agent_id, week, month, contacts, short_abandons, answered, answered_within_t, abandoned, abandoned_within_t, wait_ms, handled, handle_ms, fcr_resolved, csat_responses, csat_satisfied, nps_responses, nps_promoters, nps_detractors, ces_responses, ces_sum)
SELECT day, agent_id, week, month, SUM(contacts), SUM(short_abandons), SUM(answered), SUM(answered_within_t), SUM(abandoned), SUM(abandoned_within_t), SUM(wait_ms), SUM(handled), SUM(handle_ms), SUM(fcr_resolved), SUM(csat_responses), SUM(csat_satisfied), SUM(nps_responses), SUM(nps_promoters), SUM(nps_detractors), SUM(ces_responses), SUM(ces_sum)
FROM kpi_rollups GROUP BY day, agent_id, week, month;
