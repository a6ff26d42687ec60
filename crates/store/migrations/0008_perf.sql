-- Faster imports (docs/benchmarks.md, "Imports").
--
-- First contact resolution needs, per case (customer and topic), the stored
-- contacts that arrive or are anchored near a batch's contacts. Two indexes
-- served that, one by arrival and one by anchor; each is keyed by customer,
-- so every imported row was a random insert into both. One is enough: a
-- contact's anchor (ended_at, or answered_at) is never more than the largest
-- anchor lag stored before its arrival, so "anchored in [lo, hi]" is found
-- among "arrived in [lo - max lag, hi]" on the arrival index. The bound only
-- grows; an import raises it in the same transaction as the rows that need
-- it, so a killed import cannot leave rows it does not cover.
DROP INDEX interactions_case_anchor;

CREATE TABLE kpi_import_bounds (
    id BIGINT PRIMARY KEY,
    -- Nanoseconds: the largest fcr_anchor - arrived_at of any interaction
    -- stored since this table was made (never lowered).
    max_anchor_lag BIGINT NOT NULL
);
INSERT INTO kpi_import_bounds (id, max_anchor_lag)
SELECT 1, COALESCE(MAX(fcr_anchor - arrived_at), 0) FROM interactions;
