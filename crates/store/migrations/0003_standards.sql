-- Service standards, team targets and the small-sample setting of the KPI
-- dashboards.
--
-- Thresholds are in the KPI's own units: a fraction for percentages (0.8 for
-- 80%), seconds for times, points for NPS and CES. A NULL channel or queue
-- means every channel or queue.
CREATE TABLE service_standards (
    id {{PK}},
    name TEXT NOT NULL,
    kpi TEXT NOT NULL,
    channel TEXT,
    queue TEXT,
    threshold DOUBLE PRECISION NOT NULL,
    comparison TEXT NOT NULL,
    amber_band DOUBLE PRECISION NOT NULL,
    created_at BIGINT NOT NULL
);

-- A team's own level for a standard: the same or stricter (checked in
-- crewdeck-core). set_by is the name of whoever set it, kept as text so the
-- rule shown on a dashboard survives an account being renamed or removed;
-- set_on is the organisation's local date.
CREATE TABLE team_targets (
    team_id BIGINT NOT NULL REFERENCES teams(id),
    standard_id BIGINT NOT NULL REFERENCES service_standards(id),
    threshold DOUBLE PRECISION NOT NULL,
    amber_band DOUBLE PRECISION NOT NULL,
    set_by TEXT NOT NULL,
    set_on TEXT NOT NULL,
    PRIMARY KEY (team_id, standard_id)
);

-- One row: survey KPIs with fewer responses than min_responses are flagged
-- "too few responses" on dashboards.
CREATE TABLE dashboard_settings (
    id BIGINT PRIMARY KEY,
    min_responses BIGINT NOT NULL
);
INSERT INTO dashboard_settings (id, min_responses) VALUES (1, 30);

-- The drill-down from a dashboard figure lists one agent's (or a team's)
-- contacts in a period.
CREATE INDEX interactions_agent_day ON interactions (agent_id, day);
