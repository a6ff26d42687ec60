-- Contingency plans: per team, a named trigger with pre-agreed actions, and
-- the reviews held after the plan was used.

-- One plan guards one of the team's queues (its effects are computed on that
-- queue's forecast). threshold is kept as typed ('10', '0.75'); intervals is
-- the run length of a service-level trigger and 0 for the other kinds.
CREATE TABLE contingency_plans (
    id {{PK}},
    team_id BIGINT NOT NULL REFERENCES teams(id),
    queue TEXT NOT NULL,
    name TEXT NOT NULL,
    owner TEXT NOT NULL,
    trigger_kind TEXT NOT NULL,
    threshold TEXT NOT NULL,
    intervals BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (team_id, name)
);

-- A plan's actions in the order they are taken; amount is kept as typed.
CREATE TABLE contingency_actions (
    plan_id BIGINT NOT NULL REFERENCES contingency_plans(id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    amount TEXT NOT NULL,
    PRIMARY KEY (plan_id, position)
);

-- What happened when a plan was used, and what the team learnt.
CREATE TABLE contingency_reviews (
    id {{PK}},
    plan_id BIGINT NOT NULL REFERENCES contingency_plans(id),
    held_on TEXT NOT NULL,
    trigger_fired TEXT NOT NULL,
    actions_taken TEXT NOT NULL,
    outcome TEXT NOT NULL,
    lessons TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
