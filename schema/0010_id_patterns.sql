-- 0010: a program may choose the id pattern of each kind (program.yaml ids:,
-- e.g. deferrals written M04-V01): a JSON object {"milestone", "invariant",
-- "risk", "deferral"} of RE2 patterns, an absent or empty one meaning the
-- default. Append-only: never edit this file after release; add
-- schema/NNNN_name.sql instead.
--
-- Emptying source_file makes the next command reload every YAML file, which
-- fills the new column; the YAML is the source of truth, so nothing is lost.

ALTER TABLE program ADD COLUMN id_patterns_json TEXT NOT NULL DEFAULT '{}';

DELETE FROM source_file;
