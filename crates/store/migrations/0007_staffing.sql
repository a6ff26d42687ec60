-- Staffing: the days forecasting leaves out, and each queue's staffing settings.

-- Days whose contacts are left out of forecasting (fitting and backtest
-- scoring): bank holidays, campaigns, outages. queue is '' for a day that
-- applies to every queue (a primary key column cannot be NULL on PostgreSQL).
-- day is a local date, YYYY-MM-DD, in the organisation's time zone.
CREATE TABLE staffing_special_days (
    day TEXT NOT NULL,
    queue TEXT NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (day, queue)
);

-- How a queue is staffed. Shares and targets are kept as the decimal text the
-- planner typed ('0.8', '0.125'), so the shrinkage ceiling is decided exactly
-- on them. workload is 'queue' (voice, chat: Erlang C, or Erlang A when
-- patience_seconds is set) or 'backlog' (email, back office: each item done
-- within response_window_minutes). team_id says whose plan shows the queue.
CREATE TABLE staffing_queue_settings (
    queue TEXT PRIMARY KEY,
    team_id BIGINT REFERENCES teams(id),
    workload TEXT NOT NULL,
    service_level TEXT NOT NULL,
    answer_within_seconds BIGINT NOT NULL,
    patience_seconds BIGINT,
    concurrency BIGINT NOT NULL,
    response_window_minutes BIGINT NOT NULL,
    shrinkage_planned TEXT NOT NULL,
    shrinkage_unplanned TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The forecast reads one queue's contacts over a date range, aggregated per
-- quarter hour in SQL; without this index that read scans every contact.
CREATE INDEX interactions_queue_arrival ON interactions (queue, arrived_at);
