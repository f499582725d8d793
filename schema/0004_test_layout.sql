-- 0004: a narrower layout for test evidence. A first ingest of a million test
-- cases wrote four B-trees of 230 MB; this layout writes three of about 120 MB.
--
-- * test_case is keyed by its identity (WITHOUT ROWID): one B-tree serves
--   interning and GLOB selectors, where a rowid table and its UNIQUE index
--   on identity were two holding the identity twice. Its id (what
--   test_result and test_latest refer to) is assigned by `ingest` from
--   test_case_seq, inside its write transaction; ids are never reused or
--   renumbered, and may have gaps.
-- * The file and suite a test comes from are interned in test_source (a
--   JUnit file's 2,000 cases share one or two), instead of repeated per test.
-- * test_latest no longer copies taken_at: the evidence row it names has it.

CREATE TABLE test_source (
  id     INTEGER PRIMARY KEY,
  file   TEXT NOT NULL,                  -- the test's source file when the producer says, else ''
  suite  TEXT NOT NULL,                  -- the enclosing <testsuite> name
  UNIQUE (file, suite)
) STRICT;
INSERT INTO test_source (file, suite)
  SELECT DISTINCT file, suite FROM test_case ORDER BY file, suite;

-- Interned test identities: one row per distinct test, whatever the number of
-- runs. identity is "<classname>::<name>" (or "<suite>::<name>" without a
-- classname). source_id is not declared as a foreign key, for the reason
-- given for test_result in 0002: only `ingest` writes it, parent first.
CREATE TABLE test_case_v4 (
  identity   TEXT PRIMARY KEY,           -- also serves GLOB selectors (a range of this key)
  id         INTEGER NOT NULL,           -- from test_case_seq; unique by construction
  source_id  INTEGER NOT NULL            -- test_source (id)
) STRICT, WITHOUT ROWID;
INSERT INTO test_case_v4 (identity, id, source_id)
  SELECT tc.identity, tc.id, s.id
  FROM test_case AS tc JOIN test_source AS s ON s.file = tc.file AND s.suite = tc.suite
  ORDER BY tc.identity;
DROP TABLE test_case;
ALTER TABLE test_case_v4 RENAME TO test_case;

-- The last test_case id handed out (one row).
CREATE TABLE test_case_seq (
  one      INTEGER PRIMARY KEY CHECK (one = 1),
  last_id  INTEGER NOT NULL
) STRICT;
INSERT INTO test_case_seq (one, last_id) SELECT 1, coalesce(max(id), 0) FROM test_case;

-- The latest result of every test: the one of the evidence taken last (by
-- evidence.taken_at, then by ingestion order, i.e. evidence id), kept up to
-- date by `ingest` so that rules never scan the whole history.
CREATE TABLE test_latest_v4 (
  test_id      INTEGER PRIMARY KEY,      -- test_case (id)
  evidence_id  INTEGER NOT NULL,         -- evidence (id); its taken_at is the result's time
  status       INTEGER NOT NULL CHECK (status BETWEEN 0 AND 5),
  message      TEXT
) STRICT;
INSERT INTO test_latest_v4 (test_id, evidence_id, status, message)
  SELECT test_id, evidence_id, status, message FROM test_latest ORDER BY test_id;
DROP TABLE test_latest;
ALTER TABLE test_latest_v4 RENAME TO test_latest;
