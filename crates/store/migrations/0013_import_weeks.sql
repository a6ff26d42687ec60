-- Faster imports of large files (docs/benchmarks.md, "Imports").
--
-- First contact resolution finds a case's stored contacts (same customer and
-- topic) near a batch's arrivals through an index. Keyed by customer first,
-- every imported row was an insert at a random place in it, and once the
-- index outgrew the page cache (a few million contacts) each batch rewrote
-- tens of thousands of its pages. Keyed by the week of arrival first, the
-- rows of a time-ordered file go into the last week or two, whose pages stay
-- in the cache; a lookup probes the few weeks its window spans. A file that
-- is not in time order is still correct, only slower.
--
-- arrival_week is arrived_at (nanoseconds) divided by one week, truncated
-- (the same in SQLite, PostgreSQL and the import's code); only the import
-- writes interactions, and it always sets it. The default only serves the
-- ALTER on existing rows, which the UPDATE then fills.
ALTER TABLE interactions ADD COLUMN arrival_week BIGINT NOT NULL DEFAULT 0;
UPDATE interactions SET arrival_week = arrived_at / 604800000000000;
DROP INDEX interactions_case_arrival;
CREATE INDEX interactions_week_case ON interactions (arrival_week, customer_id, topic, arrived_at);
