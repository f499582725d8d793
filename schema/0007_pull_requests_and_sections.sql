-- 0007: a milestone's pull request has a state (merge.state: open, e.g.
-- pending upstream; merged; closed without merging); NULL when the YAML does
-- not say, shown as merged, as before. The program lists the sections of
-- REFACTOR.md it writes itself (program.sections, a JSON array). Append-only:
-- never edit this file after release; add schema/NNNN_name.sql instead.
--
-- Emptying source_file makes the next command reload every YAML file, which
-- fills the new columns; the YAML is the source of truth, so nothing is lost.

ALTER TABLE milestone ADD COLUMN merge_state TEXT CHECK (merge_state IN ('open', 'merged', 'closed'));
ALTER TABLE program ADD COLUMN sections_json TEXT NOT NULL DEFAULT '[]';

DELETE FROM source_file;
