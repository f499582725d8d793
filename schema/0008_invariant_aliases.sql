-- 0008: an invariant keeps its earlier ids (aliases: a JSON array of ids), so
-- that a renamed invariant is still found under them. Append-only: never edit
-- this file after release; add schema/NNNN_name.sql instead.
--
-- Emptying source_file makes the next command reload every YAML file, which
-- fills the new column; the YAML is the source of truth, so nothing is lost.

ALTER TABLE invariant ADD COLUMN aliases_json TEXT NOT NULL DEFAULT '[]';

DELETE FROM source_file;
