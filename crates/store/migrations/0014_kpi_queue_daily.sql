-- Daily rollups per queue and channel (docs/benchmarks.md, "KPIs").

-- The same counts per local day, queue and channel, with the contacts nobody
-- answered (agent_id '' in the daily rollups) kept apart from the answered
-- ones, written beside the other rollups by every import from the same
-- deltas. Queue and channel dashboards, the list of queues and channels, and
-- the rule that gives a team the unanswered contacts of the queues it owns
-- all need totals per queue with no agent: summed from the daily rollups,
-- whose key includes agent and topic, they read nearly a row per contact.
-- Here a day holds at most two rows per queue and channel.
CREATE TABLE kpi_rollups_queue_daily (
    day TEXT NOT NULL,
    queue TEXT NOT NULL,
    channel TEXT NOT NULL,
    unanswered BIGINT NOT NULL,
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
    PRIMARY KEY (day, queue, channel, unanswered)
) {{WITHOUT_ROWID}};
INSERT INTO kpi_rollups_queue_daily (day, queue, channel, unanswered, contacts, short_abandons, answered, answered_within_t, abandoned, abandoned_within_t, wait_ms, handled, handle_ms, fcr_resolved, csat_responses, csat_satisfied, nps_responses, nps_promoters, nps_detractors, ces_responses, ces_sum)
SELECT day, queue, channel, CASE WHEN agent_id = '' THEN 1 ELSE 0 END, SUM(contacts), SUM(short_abandons), SUM(answered), SUM(answered_within_t), SUM(abandoned), SUM(abandoned_within_t), SUM(wait_ms), SUM(handled), SUM(handle_ms), SUM(fcr_resolved), SUM(csat_responses), SUM(csat_satisfied), SUM(nps_responses), SUM(nps_promoters), SUM(nps_detractors), SUM(ces_responses), SUM(ces_sum)
FROM kpi_rollups GROUP BY day, queue, channel, CASE WHEN agent_id = '' THEN 1 ELSE 0 END;
