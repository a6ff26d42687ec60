-- Faster imports and reports (docs/benchmarks.md, "Imports" and "KPIs").

-- The rollups, rebuilt as one B-tree in key order on SQLite (WITHOUT ROWID;
-- on PostgreSQL the table is copied as it was): every
-- imported contact upserts a rollup row, and a table with a text key of five
-- columns otherwise costs two B-tree writes per row (the rows and the key's
-- index) instead of one.
CREATE TABLE kpi_rollups_keyed (
    day TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    queue TEXT NOT NULL,
    channel TEXT NOT NULL,
    topic TEXT NOT NULL,
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
    PRIMARY KEY (day, agent_id, queue, channel, topic)
) {{WITHOUT_ROWID}};
INSERT INTO kpi_rollups_keyed (
    day, agent_id, queue, channel, topic, week, month, contacts, short_abandons, answered,
    answered_within_t, abandoned, abandoned_within_t, wait_ms, handled, handle_ms, fcr_resolved,
    csat_responses, csat_satisfied, nps_responses, nps_promoters, nps_detractors, ces_responses, ces_sum
)
SELECT
    day, agent_id, queue, channel, topic, week, month, contacts, short_abandons, answered,
    answered_within_t, abandoned, abandoned_within_t, wait_ms, handled, handle_ms, fcr_resolved,
    csat_responses, csat_satisfied, nps_responses, nps_promoters, nps_detractors, ces_responses, ces_sum
FROM kpi_rollups;
DROP TABLE kpi_rollups;
ALTER TABLE kpi_rollups_keyed RENAME TO kpi_rollups;

-- The same counts per ISO week and agent, kept beside the daily rollups by
-- every import (in the same transaction, from the same deltas). A report
-- grouped by nothing but agent and week, with no team, queue or channel
-- filter, reads whole weeks here and only the days at either end of the
-- period from the daily rollups: with hundreds of agents and queues, the
-- daily rollups hold nearly a row per contact, and a year's report would
-- otherwise sum millions of rows.
CREATE TABLE kpi_rollups_weekly (
    week TEXT NOT NULL,
    agent_id TEXT NOT NULL,
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
    PRIMARY KEY (week, agent_id)
) {{WITHOUT_ROWID}};
INSERT INTO kpi_rollups_weekly (week, agent_id, contacts, short_abandons, answered, answered_within_t, abandoned, abandoned_within_t, wait_ms, handled, handle_ms, fcr_resolved, csat_responses, csat_satisfied, nps_responses, nps_promoters, nps_detractors, ces_responses, ces_sum)
SELECT week, agent_id, SUM(contacts), SUM(short_abandons), SUM(answered), SUM(answered_within_t), SUM(abandoned), SUM(abandoned_within_t), SUM(wait_ms), SUM(handled), SUM(handle_ms), SUM(fcr_resolved), SUM(csat_responses), SUM(csat_satisfied), SUM(nps_responses), SUM(nps_promoters), SUM(nps_detractors), SUM(ces_responses), SUM(ces_sum)
FROM kpi_rollups GROUP BY week, agent_id;
