-- Quality assurance: scorecards, sampling, spot checks, evaluations, disputes
-- and calibration. Instants are Unix seconds, like 0001; a contact's time is
-- copied from its interaction (or entered, for off-system contacts).

-- One row per version of a form. `form_key` is shared by every version;
-- `definition` is the checked sections and criteria as JSON
-- (core::quality::SectionDraft list), never changed once `status` is
-- published, so an evaluation always scores against the form it was made on.
CREATE TABLE qa_scorecards (
    id {{PK}},
    form_key TEXT NOT NULL,
    name TEXT NOT NULL,
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    published_at BIGINT,
    UNIQUE (form_key, version)
);

-- Comments on and proposed changes to a criterion by team members, with the
-- leader's recorded decision (accepted or declined) and note.
CREATE TABLE qa_criterion_proposals (
    id {{PK}},
    scorecard_id BIGINT NOT NULL REFERENCES qa_scorecards(id),
    criterion_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    author_person_id BIGINT REFERENCES people(id),
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    decision TEXT,
    decision_note TEXT,
    decided_by TEXT,
    decided_at BIGINT
);
CREATE INDEX qa_criterion_proposals_card ON qa_criterion_proposals (scorecard_id);

-- A team's sampling plan: contacts per agent per week, shared across channels
-- in proportion to each agent's contacts, plus risk top-ups per agent.
CREATE TABLE qa_sampling_plans (
    id {{PK}},
    team_id BIGINT NOT NULL REFERENCES teams(id),
    scorecard_id BIGINT NOT NULL REFERENCES qa_scorecards(id),
    per_agent_weekly BIGINT NOT NULL,
    top_up_low_csat BIGINT NOT NULL,
    top_up_complaint BIGINT NOT NULL,
    top_up_new_starter BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- One draw of a plan: the period and the seed (a u64 kept as text, since
-- BIGINT is signed), so anyone can repeat it.
CREATE TABLE qa_draws (
    id {{PK}},
    plan_id BIGINT NOT NULL REFERENCES qa_sampling_plans(id),
    period_start BIGINT NOT NULL,
    period_end BIGINT NOT NULL,
    seed TEXT NOT NULL,
    drawn_by TEXT NOT NULL,
    drawn_at BIGINT NOT NULL
);

-- The spot-check queue: each drawn contact with its evaluator, and the
-- evaluation once done.
CREATE TABLE qa_spot_checks (
    id {{PK}},
    draw_id BIGINT NOT NULL REFERENCES qa_draws(id),
    interaction_id TEXT NOT NULL REFERENCES interactions(id),
    agent_person_id BIGINT NOT NULL REFERENCES people(id),
    evaluator_person_id BIGINT NOT NULL REFERENCES people(id),
    reason TEXT NOT NULL,
    evaluation_id BIGINT,
    UNIQUE (draw_id, interaction_id)
);
CREATE INDEX qa_spot_checks_evaluator ON qa_spot_checks (evaluator_person_id, evaluation_id);

-- Calibration sessions: several evaluators score the same contacts blind;
-- scores stay hidden until revealed_at is set.
CREATE TABLE qa_calibration_sessions (
    id {{PK}},
    scorecard_id BIGINT NOT NULL REFERENCES qa_scorecards(id),
    title TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revealed_at BIGINT
);

-- The contacts of a session and, once agreed, their calibrated score.
CREATE TABLE qa_calibration_contacts (
    session_id BIGINT NOT NULL REFERENCES qa_calibration_sessions(id),
    interaction_id TEXT NOT NULL REFERENCES interactions(id),
    agreed_score DOUBLE PRECISION,
    PRIMARY KEY (session_id, interaction_id)
);

-- Evaluations of interactions (interaction_id set) or of off-system contacts
-- (contact_kind mystery_visit, mystery_call or observed, described in
-- contact_note). A calibration evaluation carries its session and never
-- counts in anyone's QA numbers. score and raw_score follow docs/quality.md
-- and are recomputed when a dispute is upheld.
CREATE TABLE qa_evaluations (
    id {{PK}},
    scorecard_id BIGINT NOT NULL REFERENCES qa_scorecards(id),
    agent_person_id BIGINT NOT NULL REFERENCES people(id),
    evaluator_person_id BIGINT REFERENCES people(id),
    evaluator TEXT NOT NULL,
    contact_kind TEXT NOT NULL,
    interaction_id TEXT REFERENCES interactions(id),
    contact_note TEXT,
    contact_at BIGINT NOT NULL,
    calibration_session_id BIGINT REFERENCES qa_calibration_sessions(id),
    score DOUBLE PRECISION NOT NULL,
    raw_score DOUBLE PRECISION NOT NULL,
    critical_failed BIGINT NOT NULL,
    summary TEXT,
    created_at BIGINT NOT NULL,
    acknowledged_at BIGINT
);
CREATE INDEX qa_evaluations_agent ON qa_evaluations (agent_person_id, contact_at);

-- One rating per criterion: "n/a" or the value on the criterion's scale.
CREATE TABLE qa_ratings (
    evaluation_id BIGINT NOT NULL REFERENCES qa_evaluations(id),
    criterion_id TEXT NOT NULL,
    rating TEXT NOT NULL,
    comment TEXT,
    PRIMARY KEY (evaluation_id, criterion_id)
);

-- Coaching actions raised from an evaluation.
CREATE TABLE qa_coaching_actions (
    id {{PK}},
    evaluation_id BIGINT NOT NULL REFERENCES qa_evaluations(id),
    action TEXT NOT NULL,
    due_on TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- A dispute of one criterion's rating by the evaluated agent; a second
-- reviewer (never the evaluator) upholds it with a new rating or rejects it.
CREATE TABLE qa_disputes (
    id {{PK}},
    evaluation_id BIGINT NOT NULL REFERENCES qa_evaluations(id),
    criterion_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    raised_by_person_id BIGINT NOT NULL REFERENCES people(id),
    raised_at BIGINT NOT NULL,
    decision TEXT,
    old_rating TEXT NOT NULL,
    new_rating TEXT,
    decision_note TEXT,
    decided_by_person_id BIGINT REFERENCES people(id),
    decided_by TEXT,
    decided_at BIGINT
);
CREATE INDEX qa_disputes_evaluation ON qa_disputes (evaluation_id);
