#pragma once

#include "model/evidence.hpp"
#include "store/database.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace rl::store {

struct EvidenceHeader
{
  model::EvidenceKind kind = model::EvidenceKind::junit;
  std::string content_hash;
  std::string source;
  std::string path;
  std::string commit;
  model::Timestamp taken_at;
  model::Timestamp recorded_at;
};

// The content hashes of every stored evidence row of `kind`.
std::unordered_set<std::string> evidence_hashes(SQLite::Database& db, model::EvidenceKind kind);

// True when evidence of `kind` with this content hash is already stored.
bool evidence_exists(SQLite::Database& db, model::EvidenceKind kind, const std::string& hash);

// Test results in document order, their text packed into one buffer. Built
// on the parsing thread (add() hashes the identity, index_identities() sorts
// them there, and freeing a block is a few large frees), written on the
// database thread by TestResultWriter::add.
class TestResultBlock
{
public:
  void add(std::string_view identity,
           std::string_view file,
           std::string_view suite,
           model::ResultStatus status,
           std::optional<double> duration,
           std::string_view message);
  // Finds the distinct identities, in identity order, for interning them;
  // TestResultWriter::add does it when the builder has not. No add() after it
  // (until clear()).
  void index_identities();
  std::size_t size() const
  {
    return m_rows.size();
  }
  void clear();

private:
  friend class TestResultWriter;
  struct Text
  {
    std::size_t offset = 0;
    std::size_t size = 0;
  };
  struct Row
  {
    std::uint64_t identity_hash = 0;
    Text identity;
    Text file;
    Text suite;
    Text message; // size 0: no message
    model::ResultStatus status = model::ResultStatus::passed;
    std::optional<double> duration;
  };

  Text append(std::string_view text);
  std::string_view text(Text t) const
  {
    return std::string_view(m_text).substr(t.offset, t.size);
  }

  bool indexed() const
  {
    return m_first_with_identity.size() == m_rows.size();
  }

  std::string m_text;
  std::vector<Row> m_rows;
  // From index_identities(): the first row of each identity, by identity;
  // and for each row, the first row with its identity.
  std::vector<std::size_t> m_distinct;
  std::vector<std::size_t> m_first_with_identity;
};

struct ResultCounts
{
  std::int64_t tests = 0;
  std::int64_t passed = 0;
  std::int64_t failed = 0;
  std::int64_t errors = 0;
  std::int64_t skipped = 0;
};

// Interned test identities (hash -> test_case id), loaded once per command and
// shared by the files it ingests. Rows are never deleted or renumbered, so a
// cache that misses rows added meanwhile by another process stays correct;
// that also lets the cache stop growing at a fixed size (beyond it, lookups
// fall back to test_case's key), which bounds memory for any input.
// It also keeps the writers' prepared statements: use it with one database.
class TestCaseCache
{
public:
  TestCaseCache();
  ~TestCaseCache();
  TestCaseCache(const TestCaseCache&) = delete;
  TestCaseCache& operator=(const TestCaseCache&) = delete;

private:
  friend class TestResultWriter;
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// A write transaction spanning several ingested files (BEGIN IMMEDIATE), so
// that many small files do not each pay for a commit. Each file still lands
// completely or not at all (TestResultWriter uses a savepoint inside it).
// checkpoint() commits what is done and begins again, letting concurrent
// commands in (the caller does it every k_batch_rows results, after adding
// the batch's audit entry, so that every commit carries its own);
// destruction without commit() rolls back the files not yet committed.
// Committed pages are copied from the WAL into the database file on another
// thread meanwhile.
class IngestBatch
{
public:
  explicit IngestBatch(SQLite::Database& db);
  ~IngestBatch();
  IngestBatch(const IngestBatch&) = delete;
  IngestBatch& operator=(const IngestBatch&) = delete;

  // Results written after which the caller should checkpoint().
  static constexpr std::int64_t k_batch_rows = 250'000;

  // Commits what is done and begins a new transaction.
  void checkpoint();
  void commit();

private:
  SQLite::Database& m_db;
  BackgroundCheckpointer m_checkpointer;
  bool m_active = false;
};

// Stores one JUnit file as a unit inside an IngestBatch: construction opens a
// savepoint and inserts the evidence row; add() appends narrow result rows,
// interning test identities (a file may be added in several blocks);
// commit() records the counts and releases the savepoint. If the writer is destroyed without commit(), nothing of the
// file remains.
class TestResultWriter
{
public:
  TestResultWriter(SQLite::Database& db, const EvidenceHeader& header, TestCaseCache& cache);
  ~TestResultWriter();
  TestResultWriter(const TestResultWriter&) = delete;
  TestResultWriter& operator=(const TestResultWriter&) = delete;

  void add(TestResultBlock& block);
  // `taken_at` replaces the header's when the file said when it ran.
  std::int64_t commit(const ResultCounts& counts, const std::optional<model::Timestamp>& taken_at);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

enum class StoreResult { stored, already_stored, run_unknown };

// Stores one run (with its jobs) under `header`, in one transaction; a run
// already stored under the same key is `already_stored` (its jobs are added
// when it had none).
StoreResult store_ci_run(SQLite::Database& db, const EvidenceHeader& header, const model::CiRunRecord& run);

// Adds jobs to an already stored run; `run_unknown` when it is not stored.
StoreResult store_ci_jobs(SQLite::Database& db,
                          const std::string& provider,
                          const std::string& repository,
                          std::int64_t run_id,
                          std::int64_t attempt,
                          const std::vector<model::CiJobRecord>& jobs);

// Stores metrics under one evidence row.
void store_metrics(SQLite::Database& db,
                   const EvidenceHeader& header,
                   const std::vector<std::pair<std::string, double>>& metrics);

// ---- reads for the rule engine ----------------------------------------------

// The latest results of the tests matching any of the GLOB `selectors`,
// summarised in SQL (counts by status and run; at most `max_offenders` failed
// and as many not-run tests, by identity).
model::TestSelection select_tests(SQLite::Database& db,
                                  const std::vector<std::string>& selectors,
                                  int max_offenders = 10);

// Every stored CI run, newest first (by updated time, then attempt).
std::vector<model::CiRunEvidence> ci_runs(SQLite::Database& db);

// The latest value of each named metric.
std::vector<model::MetricEvidence> latest_metrics(SQLite::Database& db);

// Number of evidence rows (for `status`).
std::int64_t evidence_count(SQLite::Database& db);

} // namespace rl::store
