-- 0006: a deferral's target may be free text ("post-M10", "Phase 3") when it
-- names no milestone, and a deferral keeps its dated history (opened,
-- re-targeted, resolved, dropped, reopened; see model::DeferralEvent) as a
-- JSON array. Append-only: never edit this file after release; add
-- schema/NNNN_name.sql instead.
--
-- Emptying source_file makes the next command reload every YAML file, which
-- fills the new columns; the YAML is the source of truth, so nothing is lost.

ALTER TABLE deferral ADD COLUMN deferred_to_text TEXT NOT NULL DEFAULT '';
ALTER TABLE deferral ADD COLUMN history_json TEXT NOT NULL DEFAULT '[]';

DELETE FROM source_file;
