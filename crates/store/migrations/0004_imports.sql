-- Imports: what the import history needs beyond 0002's import_runs, and the
-- theme rules of customer comments.

-- The rows an import rejected, so they can be downloaded from its history
-- entry. `line` is the row's line in the file (for Zendesk pages, the
-- record's position in the import).
CREATE TABLE import_rejections (
    id {{PK}},
    run_id BIGINT NOT NULL REFERENCES import_runs(id),
    line BIGINT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX import_rejections_run ON import_rejections (run_id, line);

-- Where an import came from and how long it took. import_runs keeps one
-- instant for start and finish; these are wall-clock milliseconds measured
-- around the whole import. source is csv, ndjson, zendesk or connect;
-- skipped counts records that were not contacts (deleted tickets, tasks).
CREATE TABLE import_details (
    run_id BIGINT PRIMARY KEY REFERENCES import_runs(id),
    source TEXT NOT NULL,
    started_ms BIGINT NOT NULL,
    finished_ms BIGINT NOT NULL,
    skipped BIGINT NOT NULL
);

-- Themes of customer comments: a comment belongs to every theme one of whose
-- keywords it contains (matching in crewdeck_core::imports::themes).
-- keywords is one keyword or phrase per line.
CREATE TABLE comment_themes (
    id {{PK}},
    name TEXT NOT NULL UNIQUE,
    keywords TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
