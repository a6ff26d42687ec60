-- A sampling plan may target a precision instead of a fixed quota: enough
-- evaluations for each agent's QA mean to be known within ± this many points
-- (95% interval), sized from the agent's observed spread. NULL: quota only.
ALTER TABLE qa_sampling_plans ADD COLUMN precision_margin DOUBLE PRECISION;
