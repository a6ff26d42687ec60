-- Foundation schema: organisation, people and skills, accounts, sessions, audit.
-- One file serves SQLite and PostgreSQL: only portable types are used
-- (BIGINT, DOUBLE PRECISION, TEXT), dates are ISO text (YYYY-MM-DD, sortable),
-- instants are Unix seconds in UTC, and {{PK}} becomes each backend's
-- auto-increment primary key (see docs/adr/0002-one-schema-two-backends.md).

CREATE TABLE organisation (
    id {{PK}},
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE sites (
    id {{PK}},
    name TEXT NOT NULL UNIQUE,
    address TEXT
);

CREATE TABLE people (
    id {{PK}},
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    job_role TEXT NOT NULL,
    start_date TEXT NOT NULL,
    contracted_hours DOUBLE PRECISION NOT NULL,
    working_pattern TEXT,
    comm_channel TEXT NOT NULL,
    comm_style TEXT NOT NULL,
    site_id BIGINT REFERENCES sites(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE teams (
    id {{PK}},
    name TEXT NOT NULL UNIQUE,
    purpose TEXT,
    site_id BIGINT REFERENCES sites(id),
    leader_id BIGINT REFERENCES people(id),
    created_at BIGINT NOT NULL
);

-- Membership keeps its history: to_date is the last day in the team, NULL while current.
CREATE TABLE team_memberships (
    id {{PK}},
    person_id BIGINT NOT NULL REFERENCES people(id),
    team_id BIGINT NOT NULL REFERENCES teams(id),
    from_date TEXT NOT NULL,
    to_date TEXT
);
CREATE INDEX team_memberships_person ON team_memberships (person_id, from_date);
CREATE INDEX team_memberships_team ON team_memberships (team_id, from_date);

CREATE TABLE skills (
    id {{PK}},
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    level_1 TEXT NOT NULL,
    level_2 TEXT NOT NULL,
    level_3 TEXT NOT NULL,
    level_4 TEXT NOT NULL,
    level_5 TEXT NOT NULL
);

CREATE TABLE person_skills (
    person_id BIGINT NOT NULL REFERENCES people(id),
    skill_id BIGINT NOT NULL REFERENCES skills(id),
    level BIGINT NOT NULL,
    assessed_by BIGINT REFERENCES people(id),
    assessed_on TEXT NOT NULL,
    evidence TEXT,
    PRIMARY KEY (person_id, skill_id)
);

CREATE TABLE learning_goals (
    person_id BIGINT NOT NULL REFERENCES people(id),
    skill_id BIGINT NOT NULL REFERENCES skills(id),
    target_level BIGINT NOT NULL,
    set_on TEXT NOT NULL,
    PRIMARY KEY (person_id, skill_id)
);

CREATE TABLE capacities (
    person_id BIGINT NOT NULL REFERENCES people(id),
    channel TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    PRIMARY KEY (person_id, channel)
);

CREATE TABLE absences (
    id {{PK}},
    person_id BIGINT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    note TEXT
);
CREATE INDEX absences_person ON absences (person_id, from_date);

CREATE TABLE users (
    id {{PK}},
    person_id BIGINT REFERENCES people(id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password BIGINT NOT NULL,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    last_login_at BIGINT
);

-- Only hashes of session ids and tokens are stored, so a copy of the
-- database cannot be used to log in.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id {{PK}},
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);

CREATE TABLE login_failures (
    id {{PK}},
    email TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);

-- A single row holds the chain's head so that concurrent writers serialise on it.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    summary TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_subject ON audit_events (subject, seq);
