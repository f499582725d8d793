-- 0002: evidence. Test results, CI runs and metrics ingested from files or
-- recorded by hand. Unlike the definitions, evidence is not rebuilt from YAML:
-- these tables are only appended to by `ingest` and `record`, and never refer
-- to definition tables (a reload of the YAML never touches them).

-- One ingested artefact (a JUnit file, a CI run document, a coverage or SARIF
-- report) or one hand-recorded metric.
CREATE TABLE evidence (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('junit', 'ci_run', 'coverage', 'sarif', 'metric')),
  content_hash TEXT NOT NULL,            -- SHA-256 of the file (metric: of its record)
  source       TEXT NOT NULL,            -- label: --source, else the file path as given
  path         TEXT NOT NULL,            -- file as given ('' for `record metric`)
  commit_sha   TEXT NOT NULL,            -- the commit the evidence was taken at ('' unknown)
  taken_at     TEXT NOT NULL,            -- UTC, YYYY-MM-DDTHH:MM:SSZ
  recorded_at  TEXT NOT NULL,            -- when refactor-ledger stored it
  tests        INTEGER NOT NULL DEFAULT 0,
  passed       INTEGER NOT NULL DEFAULT 0,
  failed       INTEGER NOT NULL DEFAULT 0,
  errors       INTEGER NOT NULL DEFAULT 0,
  skipped      INTEGER NOT NULL DEFAULT 0,
  UNIQUE (kind, content_hash)
) STRICT;
CREATE INDEX evidence_by_time ON evidence (taken_at);

-- Interned test identities: one row per distinct test, whatever the number of
-- runs. identity is "<classname>::<name>" (or "<suite>::<name>" without a
-- classname); file is the source file when the producer says.
CREATE TABLE test_case (
  id        INTEGER PRIMARY KEY,
  identity  TEXT NOT NULL UNIQUE,        -- its index also serves GLOB selectors
  file      TEXT NOT NULL,
  suite     TEXT NOT NULL
) STRICT;

-- One narrow row per <testcase> per ingested file.
-- status: 0 passed, 1 failed, 2 error, 3 skipped, 4 expected failure, 5 flaky (passed on retry)
-- evidence_id and test_id are not declared as foreign keys: rows are only
-- written by `ingest`, which creates both parents first, and checking two
-- parents per row would double the cost of ingesting a million results.
CREATE TABLE test_result (
  evidence_id  INTEGER NOT NULL,         -- evidence (id)
  test_id      INTEGER NOT NULL,         -- test_case (id)
  status       INTEGER NOT NULL CHECK (status BETWEEN 0 AND 5),
  duration     REAL,                     -- seconds; NULL when not given
  message      TEXT                      -- failure / error / skip message, capped; NULL if none
) STRICT;
-- No index on test_id: rules read test_latest; history queries filter by
-- evidence (rowid ranges), which keeps ingestion append-only.

-- The latest result of every test (by taken_at, then ingestion order), kept
-- up to date by `ingest` so that rules never scan the whole history.
CREATE TABLE test_latest (
  test_id      INTEGER PRIMARY KEY,      -- test_case (id)
  evidence_id  INTEGER NOT NULL,         -- evidence (id)
  taken_at     TEXT NOT NULL,
  status       INTEGER NOT NULL CHECK (status BETWEEN 0 AND 5),
  message      TEXT
) STRICT;

-- A CI workflow run (GitHub Actions), keyed as the provider keys it.
CREATE TABLE ci_run (
  evidence_id   INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
  provider      TEXT NOT NULL,           -- 'github'
  repository    TEXT NOT NULL,           -- owner/name
  run_id        INTEGER NOT NULL,
  attempt       INTEGER NOT NULL CHECK (attempt >= 1),
  workflow_name TEXT NOT NULL,
  workflow_path TEXT NOT NULL,
  head_sha      TEXT NOT NULL,
  head_branch   TEXT NOT NULL,
  event         TEXT NOT NULL,
  status        TEXT NOT NULL,           -- queued, in_progress, completed, ...
  conclusion    TEXT NOT NULL CHECK (conclusion IN ('', 'success', 'failure', 'cancelled',
                  'skipped', 'timed_out', 'neutral', 'action_required', 'stale',
                  'startup_failure')),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  url           TEXT NOT NULL,
  PRIMARY KEY (provider, repository, run_id, attempt)
) STRICT;
-- (provider, repository, run_id, attempt) is unique: re-ingesting a run is a no-op.
-- (milestone_ci_run holds the CI progression written in a milestone's YAML.)

CREATE TABLE ci_job (
  provider     TEXT NOT NULL,
  repository   TEXT NOT NULL,
  run_id       INTEGER NOT NULL,
  attempt      INTEGER NOT NULL,
  job_id       INTEGER NOT NULL,
  name         TEXT NOT NULL,
  status       TEXT NOT NULL,
  conclusion   TEXT NOT NULL,
  started_at   TEXT NOT NULL,
  completed_at TEXT NOT NULL,
  steps        TEXT NOT NULL CHECK (json_valid(steps)),   -- [{name, number, status, conclusion}]
  PRIMARY KEY (provider, repository, run_id, attempt, job_id),
  FOREIGN KEY (provider, repository, run_id, attempt)
    REFERENCES ci_run (provider, repository, run_id, attempt) ON DELETE CASCADE
) STRICT;

-- A named number at a commit: coverage %, SARIF finding counts, or `record metric`.
CREATE TABLE metric (
  evidence_id  INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  value        REAL NOT NULL,
  PRIMARY KEY (evidence_id, name)
) STRICT;
CREATE INDEX metric_by_name ON metric (name);

-- Verification rules and waivers of invariants (from the YAML `verify:` and
-- `waiver:`). verify_json is the rule tree as JSON, or null without rules.
ALTER TABLE invariant ADD COLUMN verify_json TEXT NOT NULL DEFAULT 'null'
  CHECK (json_valid(verify_json));
ALTER TABLE invariant ADD COLUMN waiver_owner TEXT;
ALTER TABLE invariant ADD COLUMN waiver_reason TEXT;
ALTER TABLE invariant ADD COLUMN waiver_expires TEXT;
