-- Work allocation: work items, their required skills and progress notes, the
-- live open load per person and channel, every assignment ever made (for the
-- fairness view), and draft batches with their proposed lines.
-- Instants are Unix seconds in UTC; dates are ISO text.

CREATE TABLE work_items (
    id {{PK}},
    external_id TEXT UNIQUE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    channel TEXT NOT NULL,
    priority TEXT NOT NULL,
    due_at BIGINT,
    effort_minutes BIGINT NOT NULL,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    state TEXT NOT NULL,
    assignee_id BIGINT REFERENCES people(id),
    stretch BIGINT NOT NULL DEFAULT 0,
    rationale TEXT,
    check_in_on TEXT,
    created_at BIGINT NOT NULL,
    assigned_at BIGINT,
    started_at BIGINT,
    done_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX work_items_team_state ON work_items (team_id, state);
CREATE INDEX work_items_assignee_state ON work_items (assignee_id, state);

CREATE TABLE work_item_skills (
    item_id BIGINT NOT NULL REFERENCES work_items(id),
    skill_id BIGINT NOT NULL REFERENCES skills(id),
    level BIGINT NOT NULL,
    PRIMARY KEY (item_id, skill_id)
);

CREATE TABLE work_notes (
    id {{PK}},
    item_id BIGINT NOT NULL REFERENCES work_items(id),
    author TEXT NOT NULL,
    at BIGINT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX work_notes_item ON work_notes (item_id, at);

-- Items assigned or in progress, per person and channel. Every assignment,
-- completion and reassignment changes it in the same transaction, so a
-- decision reads it instead of counting items.
CREATE TABLE work_load (
    person_id BIGINT NOT NULL REFERENCES people(id),
    channel TEXT NOT NULL,
    open_items BIGINT NOT NULL,
    PRIMARY KEY (person_id, channel)
);

-- One row per time an item was given to someone; ended_at is set when it
-- moved on or was done.
CREATE TABLE work_assignments (
    id {{PK}},
    item_id BIGINT NOT NULL REFERENCES work_items(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    how TEXT NOT NULL,
    stretch BIGINT NOT NULL,
    reason TEXT,
    at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX work_assignments_person ON work_assignments (person_id, at);
CREATE INDEX work_assignments_item ON work_assignments (item_id, at);

CREATE TABLE work_batches (
    id {{PK}},
    team_id BIGINT NOT NULL REFERENCES teams(id),
    plan_date TEXT NOT NULL,
    state TEXT NOT NULL,
    problem TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT
);
CREATE INDEX work_batches_team ON work_batches (team_id, created_at);

CREATE TABLE work_batch_lines (
    batch_id BIGINT NOT NULL REFERENCES work_batches(id),
    item_id BIGINT NOT NULL REFERENCES work_items(id),
    person_id BIGINT REFERENCES people(id),
    stretch BIGINT NOT NULL,
    rationale TEXT NOT NULL,
    adjusted_reason TEXT,
    PRIMARY KEY (batch_id, item_id)
);
