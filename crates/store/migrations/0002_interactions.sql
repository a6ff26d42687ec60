-- Interactions, surveys, KPI rollups and the import history.
--
-- Instants here are BIGINT nanoseconds since the Unix epoch, UTC (not seconds
-- as in 0001): RFC 3339 times may carry up to nine fractional digits, and the
-- KPI rules compare waits exactly (a 20.0000001 s voice wait misses a 20 s
-- service level), so counts rebuilt from stored rows must see the same
-- instants the import saw. The range this allows is 1677 to 2262.
-- Days are local dates (YYYY-MM-DD) in the organisation's time zone at import.

-- One row per contact, keyed by the source platform's id (kept as text).
-- `day` is the local date of arrived_at; `fcr_anchor` is ended_at, or
-- answered_at when ended_at is empty (NULL when never answered);
-- `fcr` is 1 when the contact is resolved first time under the settings of
-- the import that last touched it. `import_run`/`import_line` say which import
-- and line last wrote the row, which finds a duplicate id within one file
-- without holding every id of the file in memory.
CREATE TABLE interactions (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    queue TEXT NOT NULL,
    agent_id TEXT,
    customer_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    arrived_at BIGINT NOT NULL,
    answered_at BIGINT,
    ended_at BIGINT,
    wrap_seconds BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    day TEXT NOT NULL,
    fcr_anchor BIGINT,
    fcr BIGINT NOT NULL,
    import_run BIGINT NOT NULL,
    import_line BIGINT NOT NULL
);
CREATE INDEX interactions_case_arrival ON interactions (customer_id, topic, arrived_at);
CREATE INDEX interactions_case_anchor ON interactions (customer_id, topic, fcr_anchor);

-- A survey is identified by its interaction and the moment of the response.
CREATE TABLE surveys (
    interaction_id TEXT NOT NULL REFERENCES interactions(id),
    responded_at BIGINT NOT NULL,
    csat BIGINT,
    nps BIGINT,
    ces BIGINT,
    comment TEXT,
    import_run BIGINT NOT NULL,
    import_line BIGINT NOT NULL,
    PRIMARY KEY (interaction_id, responded_at)
);

-- Additive KPI counts per local day, agent, queue, channel and topic, kept
-- up to date by every import, so a report sums these rows and never reads
-- interactions. agent_id is '' for contacts nobody answered (a primary key
-- column cannot be NULL on PostgreSQL; an imported agent_id is never empty).
-- week and month are derived from day and stored so that a report by week
-- or month groups in SQL. Durations are whole milliseconds.
CREATE TABLE kpi_rollups (
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
);

-- Which person an agent id of a contact platform belongs to, so that KPIs can
-- be grouped by team through the person's team membership history. An agent
-- id with no row here is matched to the person whose email equals it
-- (ignoring letter case).
CREATE TABLE agent_ids (
    agent_id TEXT PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people(id)
);

-- The import history: who imported which file when, and what came of it.
-- status is running or completed; a run killed part-way stays running, with
-- the counts of the batches it committed. started_at and finished_at are Unix
-- seconds, like the instants of 0001.
CREATE TABLE import_runs (
    id {{PK}},
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    actor TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    status TEXT NOT NULL,
    imported BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    rejected BIGINT NOT NULL
);
