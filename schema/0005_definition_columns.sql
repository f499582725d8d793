-- 0005: definitions remember where they were written to the column, and score
-- dimensions where they were written at all, so that reading the definitions
-- back gives exactly what the loader parsed. Append-only: never edit this file
-- after release; add schema/NNNN_name.sql instead.
--
-- Rows stored before this migration have column 0 (and score dimensions no
-- source). Emptying source_file makes the next command reload every YAML file
-- (its audit entry reads "definitions loaded from N files"), which fills the
-- new columns; the YAML is the source of truth, so nothing is lost.

ALTER TABLE program ADD COLUMN source_column INTEGER NOT NULL DEFAULT 0;
ALTER TABLE score_dimension ADD COLUMN source_path TEXT NOT NULL DEFAULT '';
ALTER TABLE score_dimension ADD COLUMN source_line INTEGER NOT NULL DEFAULT 0;
ALTER TABLE score_dimension ADD COLUMN source_column INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fact ADD COLUMN source_column INTEGER NOT NULL DEFAULT 0;
ALTER TABLE phase ADD COLUMN source_column INTEGER NOT NULL DEFAULT 0;
ALTER TABLE category ADD COLUMN source_column INTEGER NOT NULL DEFAULT 0;
ALTER TABLE milestone ADD COLUMN source_column INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invariant ADD COLUMN source_column INTEGER NOT NULL DEFAULT 0;
ALTER TABLE risk ADD COLUMN source_column INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deferral ADD COLUMN source_column INTEGER NOT NULL DEFAULT 0;

DELETE FROM source_file;
