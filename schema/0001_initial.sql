-- 0001: the program's definitions, loaded from YAML. Append-only: never edit
-- this file after release; add schema/NNNN_name.sql instead.
--
-- Every definition table is rebuilt from the YAML files by `load` (the YAML is
-- the source of truth). List-valued prose fields are JSON arrays (query them
-- with json_each). source_path/source_line point back at the YAML.

CREATE TABLE source_file (
  path      TEXT PRIMARY KEY,           -- relative to the program root
  size      INTEGER NOT NULL CHECK (size >= 0),
  mtime_ns  INTEGER NOT NULL
) STRICT;

CREATE TABLE program (
  id                   INTEGER PRIMARY KEY CHECK (id = 1),
  name                 TEXT NOT NULL,
  title                TEXT NOT NULL,
  repository           TEXT NOT NULL,
  fork                 TEXT NOT NULL,
  start_date           TEXT NOT NULL,
  baseline_commit      TEXT NOT NULL,
  log_path             TEXT NOT NULL,
  toolcalls_path       TEXT NOT NULL,
  milestone_docs_path  TEXT NOT NULL,
  context_title        TEXT NOT NULL,
  context              TEXT NOT NULL,
  governance           TEXT NOT NULL,
  references_json      TEXT NOT NULL CHECK (json_valid(references_json)),
  principles_json      TEXT NOT NULL CHECK (json_valid(principles_json)),
  principles_note      TEXT NOT NULL,
  deprecation_policy   TEXT NOT NULL,
  deprecation_note     TEXT NOT NULL,
  tool_logging         TEXT NOT NULL,
  recovery_protocol    TEXT NOT NULL,
  risks_intro          TEXT NOT NULL,
  score_targets_label  TEXT NOT NULL,
  source_path          TEXT NOT NULL,
  source_line          INTEGER NOT NULL
) STRICT;

CREATE TABLE score_dimension (
  id           TEXT PRIMARY KEY,
  position     INTEGER NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('numeric', 'label')),
  max_value    REAL NOT NULL,
  target       REAL,
  target_text  TEXT NOT NULL
) STRICT;

CREATE TABLE fact (
  position      INTEGER PRIMARY KEY,
  metric        TEXT NOT NULL,
  value         TEXT NOT NULL,            -- as written ("1,353+")
  value_number  REAL,                     -- when the value is a plain number
  source        TEXT NOT NULL,
  as_of         TEXT NOT NULL,
  source_path   TEXT NOT NULL,
  source_line   INTEGER NOT NULL,
  UNIQUE (metric, as_of)
) STRICT;

CREATE TABLE phase (
  id           INTEGER PRIMARY KEY CHECK (id >= 0),
  name         TEXT NOT NULL,
  goal         TEXT NOT NULL,
  future_json  TEXT NOT NULL CHECK (json_valid(future_json)),
  source_path  TEXT NOT NULL,
  source_line  INTEGER NOT NULL
) STRICT;

CREATE TABLE category (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  position     INTEGER NOT NULL,
  source_path  TEXT NOT NULL,
  source_line  INTEGER NOT NULL
) STRICT;

CREATE TABLE milestone (
  id               TEXT PRIMARY KEY,
  position         INTEGER NOT NULL UNIQUE,   -- canonical order (M06 < M06-A < M07)
  title            TEXT NOT NULL,
  phase_id         INTEGER NOT NULL REFERENCES phase (id),
  status           TEXT NOT NULL
                   CHECK (status IN ('planned', 'in_progress', 'closed', 'deferred', 'cancelled')),
  priority         TEXT CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
  effort_estimate  REAL CHECK (effort_estimate >= 0),
  effort_actual    REAL CHECK (effort_actual >= 0),
  effort_note      TEXT NOT NULL,
  change_class     TEXT CHECK (change_class IN ('documentation-only', 'verification-only',
                                                'mechanical-refactor', 'behavioral-change',
                                                'ci-change')),
  mode             TEXT NOT NULL,
  risk             TEXT NOT NULL,
  rollback         TEXT NOT NULL,
  intent           TEXT NOT NULL,
  scope_summary    TEXT NOT NULL,
  scope_in         TEXT NOT NULL CHECK (json_valid(scope_in)),
  scope_out        TEXT NOT NULL CHECK (json_valid(scope_out)),
  scope_paths      TEXT NOT NULL CHECK (json_valid(scope_paths)),
  non_goals        TEXT NOT NULL CHECK (json_valid(non_goals)),
  deliverables     TEXT NOT NULL CHECK (json_valid(deliverables)),   -- [{text, path, done}]
  verification_plan TEXT NOT NULL CHECK (json_valid(verification_plan)),
  verification     TEXT NOT NULL CHECK (json_valid(verification)),
  findings         TEXT NOT NULL CHECK (json_valid(findings)),       -- [{label, text}]
  outcome          TEXT NOT NULL CHECK (json_valid(outcome)),
  notes            TEXT NOT NULL CHECK (json_valid(notes)),
  see              TEXT NOT NULL CHECK (json_valid(see)),            -- [{title, path}]
  commits          TEXT NOT NULL CHECK (json_valid(commits)),        -- [{sha, message}]
  closeout_date    TEXT,
  closeout_locked  INTEGER CHECK (closeout_locked IN (0, 1)),
  closeout_artifacts TEXT CHECK (closeout_artifacts IS NULL OR json_valid(closeout_artifacts)),
  closeout_verdict TEXT,
  has_merge        INTEGER NOT NULL CHECK (has_merge IN (0, 1)),
  merge_pr         INTEGER CHECK (merge_pr >= 1),
  merge_repository TEXT NOT NULL,
  merge_commit     TEXT NOT NULL,
  ci_workflow      TEXT NOT NULL,
  source_path      TEXT NOT NULL,
  source_line      INTEGER NOT NULL
) STRICT;

CREATE TABLE milestone_dependency (
  milestone_id  TEXT NOT NULL REFERENCES milestone (id) ON DELETE CASCADE,
  depends_on    TEXT NOT NULL REFERENCES milestone (id),
  position      INTEGER NOT NULL,
  PRIMARY KEY (milestone_id, depends_on)
) STRICT;

CREATE TABLE milestone_invariant (
  milestone_id  TEXT NOT NULL REFERENCES milestone (id) ON DELETE CASCADE,
  invariant_id  TEXT NOT NULL REFERENCES invariant (id),
  role          TEXT NOT NULL CHECK (role IN ('introduced', 'protected', 'verified')),
  position      INTEGER NOT NULL,
  note          TEXT NOT NULL,
  metrics       TEXT NOT NULL CHECK (json_valid(metrics)),   -- [{name, value}]
  PRIMARY KEY (milestone_id, invariant_id, role)
) STRICT;
CREATE INDEX milestone_invariant_by_invariant ON milestone_invariant (invariant_id);

CREATE TABLE evidence_gap (
  milestone_id  TEXT NOT NULL REFERENCES milestone (id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  text          TEXT NOT NULL,
  deferred_to   TEXT REFERENCES milestone (id),
  PRIMARY KEY (milestone_id, position)
) STRICT;

CREATE TABLE milestone_ci_run (
  milestone_id  TEXT NOT NULL REFERENCES milestone (id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  number        INTEGER NOT NULL CHECK (number >= 1),
  run_id        INTEGER,
  conclusion    TEXT NOT NULL
                CHECK (conclusion IN ('success', 'failure', 'cancelled', 'skipped', 'timed_out',
                                      'neutral', 'action_required', 'stale', 'startup_failure')),
  issue         TEXT NOT NULL,
  fix           TEXT NOT NULL,
  commit_sha    TEXT NOT NULL,
  PRIMARY KEY (milestone_id, position)
) STRICT;

CREATE TABLE score_row (
  milestone_id  TEXT PRIMARY KEY REFERENCES milestone (id) ON DELETE CASCADE,
  date          TEXT NOT NULL,
  label         TEXT NOT NULL
) STRICT;

CREATE TABLE score_value (
  milestone_id  TEXT NOT NULL REFERENCES score_row (milestone_id) ON DELETE CASCADE,
  dimension_id  TEXT NOT NULL REFERENCES score_dimension (id),
  position      INTEGER NOT NULL,
  value_number  REAL,
  value_text    TEXT NOT NULL,
  PRIMARY KEY (milestone_id, dimension_id)
) STRICT;

CREATE TABLE invariant (
  id                 TEXT PRIMARY KEY,
  position           INTEGER NOT NULL UNIQUE,
  category_id        TEXT NOT NULL REFERENCES category (id),
  name               TEXT NOT NULL,
  statement          TEXT NOT NULL,
  surface            TEXT NOT NULL,
  coverage           TEXT NOT NULL CHECK (coverage IN ('strong', 'partial', 'weak', 'missing')),
  coverage_note      TEXT NOT NULL,
  priority           TEXT NOT NULL CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
  notes              TEXT NOT NULL CHECK (json_valid(notes)),
  has_recommendation INTEGER NOT NULL CHECK (has_recommendation IN (0, 1)),
  rec_action         TEXT NOT NULL,
  rec_text           TEXT NOT NULL,
  rec_milestone      TEXT REFERENCES milestone (id),
  statement_changed  TEXT NOT NULL,
  source_path        TEXT NOT NULL,
  source_line        INTEGER NOT NULL
) STRICT;

CREATE TABLE invariant_verification (
  invariant_id  TEXT NOT NULL REFERENCES invariant (id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  method        TEXT NOT NULL CHECK (method IN ('static', 'dynamic', 'integration', 'numerical',
                                                'snapshot', 'policy', 'benchmark')),
  text          TEXT NOT NULL,
  PRIMARY KEY (invariant_id, position)
) STRICT;

CREATE TABLE risk (
  id               TEXT PRIMARY KEY,
  position         INTEGER NOT NULL UNIQUE,
  title            TEXT NOT NULL,
  priority         TEXT NOT NULL CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
  status           TEXT NOT NULL CHECK (status IN ('active', 'mitigated', 'resolved', 'accepted')),
  milestones_note  TEXT NOT NULL,
  description      TEXT NOT NULL,
  source_path      TEXT NOT NULL,
  source_line      INTEGER NOT NULL
) STRICT;

CREATE TABLE risk_milestone (
  risk_id       TEXT NOT NULL REFERENCES risk (id) ON DELETE CASCADE,
  milestone_id  TEXT NOT NULL REFERENCES milestone (id),
  position      INTEGER NOT NULL,
  PRIMARY KEY (risk_id, milestone_id)
) STRICT;

CREATE TABLE risk_invariant (
  risk_id       TEXT NOT NULL REFERENCES risk (id) ON DELETE CASCADE,
  invariant_id  TEXT NOT NULL REFERENCES invariant (id),
  position      INTEGER NOT NULL,
  PRIMARY KEY (risk_id, invariant_id)
) STRICT;

CREATE TABLE risk_history (
  risk_id       TEXT NOT NULL REFERENCES risk (id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  date          TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('active', 'mitigated', 'resolved', 'accepted')),
  milestone_id  TEXT REFERENCES milestone (id),
  note          TEXT NOT NULL,
  PRIMARY KEY (risk_id, position)
) STRICT;

CREATE TABLE deferral (
  id             TEXT PRIMARY KEY,
  position       INTEGER NOT NULL UNIQUE,
  what           TEXT NOT NULL,
  why            TEXT NOT NULL,
  risk           TEXT NOT NULL,
  discovered_in  TEXT NOT NULL REFERENCES milestone (id),
  deferred_to    TEXT REFERENCES milestone (id),
  exit_criteria  TEXT NOT NULL,
  blocker        INTEGER NOT NULL CHECK (blocker IN (0, 1)),
  status         TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'dropped')),
  source_ref     TEXT NOT NULL,
  source_path    TEXT NOT NULL,
  source_line    INTEGER NOT NULL
) STRICT;
