-- 0003: milestone closeout. Append-only: never edit this file after release;
-- add schema/NNNN_name.sql instead.
--
-- Gate configuration joins the definitions (rebuilt from YAML by every load).
-- closeout_record mirrors milestones/<ID>.closeout.json (also rebuilt on load:
-- the committed files are the source of truth). approval and audit_log are
-- history kept only here until a closeout record carries them.

ALTER TABLE program ADD COLUMN checkout TEXT NOT NULL DEFAULT '.';
ALTER TABLE program ADD COLUMN gates_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE milestone ADD COLUMN gates_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE milestone ADD COLUMN base_commit TEXT NOT NULL DEFAULT '';

CREATE TABLE closeout_record (
  milestone    TEXT PRIMARY KEY,
  record_json  TEXT NOT NULL CHECK (json_valid(record_json)),  -- the file's text
  source_path  TEXT NOT NULL
) STRICT;

-- A person's sign-off on an approval gate (`approve M02 closeout --by NAME`).
CREATE TABLE approval (
  id          INTEGER PRIMARY KEY,
  milestone   TEXT NOT NULL,
  name        TEXT NOT NULL,
  by_user     TEXT NOT NULL,
  note        TEXT NOT NULL,
  at          TEXT NOT NULL,
  commit_sha  TEXT NOT NULL
) STRICT;
CREATE INDEX approval_by_milestone ON approval (milestone, name);

-- Every command that changed the ledger. Append-only: the triggers refuse
-- updates and deletes. `id` is a content hash, so entries carried by closeout
-- records are imported once after a rebuild.
CREATE TABLE audit_log (
  seq         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  at          TEXT NOT NULL,
  user        TEXT NOT NULL,
  action      TEXT NOT NULL,
  milestone   TEXT NOT NULL,
  command     TEXT NOT NULL,
  commit_sha  TEXT NOT NULL,
  summary     TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted');
END;
