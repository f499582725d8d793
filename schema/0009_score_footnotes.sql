-- 0009: a score dimension may carry a footnote (how it is scored: its scale,
-- its source), written under REFACTOR.md's score trend. Append-only: never
-- edit this file after release; add schema/NNNN_name.sql instead.
--
-- Emptying source_file makes the next command reload every YAML file, which
-- fills the new column; the YAML is the source of truth, so nothing is lost.

ALTER TABLE score_dimension ADD COLUMN footnote TEXT NOT NULL DEFAULT '';

DELETE FROM source_file;
