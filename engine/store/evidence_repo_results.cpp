// JUnit test results, written on the database thread: the block the parser
// fills (TestResultBlock), the identity interning, the prepared statements
// and the writer (TestResultWriter) that uses them. About 650 lines, kept in
// one file on purpose: everything here but the two public classes is the
// writer's private machinery, tuned together for ingest speed (docs/
// BENCHMARKS.md); a split would put it in a header for no other reader.
#include "store/evidence_repo.hpp"

#include "store/evidence_repo_internal.hpp"

#include "util/error.hpp"
#include "util/hash.hpp"

#include <SQLiteCpp/Savepoint.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>
#include <tuple>

namespace rl::store {

void
TestResultBlock::add(std::string_view identity,
                     std::string_view file,
                     std::string_view suite,
                     model::ResultStatus status,
                     std::optional<double> duration,
                     std::string_view message)
{
  Row row;
  row.identity_hash = util::fnv1a64(identity);
  row.identity = append(identity);
  // Every case of a file usually shares its file and suite: stored once.
  const Row* previous = m_rows.empty() ? nullptr : &m_rows.back();
  row.file = previous != nullptr && text(previous->file) == file ? previous->file : append(file);
  row.suite = previous != nullptr && text(previous->suite) == suite ? previous->suite : append(suite);
  row.message = append(message);
  row.status = status;
  row.duration = duration;
  m_rows.push_back(row);
}

void
TestResultBlock::index_identities()
{
  std::vector<std::size_t> by_identity(m_rows.size());
  std::iota(by_identity.begin(), by_identity.end(), std::size_t{0});
  // Stable: a test repeated in the block is interned with its first row's file and suite.
  std::stable_sort(by_identity.begin(), by_identity.end(), [this](std::size_t a, std::size_t b) {
    return text(m_rows[a].identity) < text(m_rows[b].identity);
  });
  m_distinct.clear();
  m_first_with_identity.resize(m_rows.size());
  for (const std::size_t row : by_identity) {
    if (m_distinct.empty() || text(m_rows[m_distinct.back()].identity) != text(m_rows[row].identity)) {
      m_distinct.push_back(row);
    }
    m_first_with_identity[row] = m_distinct.back();
  }
}

void
TestResultBlock::clear()
{
  m_text.clear();
  m_rows.clear();
  m_distinct.clear();
  m_first_with_identity.clear();
}

TestResultBlock::Text
TestResultBlock::append(std::string_view text)
{
  const Text t{m_text.size(), text.size()};
  m_text.append(text);
  return t;
}

namespace {

// A prepared statement for the per-row inserts, on the sqlite3 API: text is
// bound without a copy (SQLiteCpp copies a string_view's text, and its
// no-copy binds need a std::string or a terminating NUL).
class RowStatement
{
public:
  RowStatement(SQLite::Database& db, const char* sql)
    : m_db(db.getHandle())
  {
    check(sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr));
  }
  ~RowStatement()
  {
    sqlite3_finalize(m_stmt);
  }
  RowStatement(const RowStatement&) = delete;
  RowStatement& operator=(const RowStatement&) = delete;

  // `text` must stay unchanged until the next step().
  void bind(int index, std::string_view text)
  {
    check(sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC));
  }
  void bind(int index, std::int64_t value)
  {
    check(sqlite3_bind_int64(m_stmt, index, value));
  }
  void bind(int index, double value)
  {
    check(sqlite3_bind_double(m_stmt, index, value));
  }
  void bind_null(int index)
  {
    check(sqlite3_bind_null(m_stmt, index));
  }

  // Runs the statement and resets it; true when it returned a row (then
  // first_column() holds the row's first column).
  bool step()
  {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
      m_row = sqlite3_column_int64(m_stmt, 0);
    }
    sqlite3_reset(m_stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      check(rc);
    }
    return rc == SQLITE_ROW;
  }
  // The first column of the row step() returned.
  std::int64_t first_column() const
  {
    return m_row;
  }

private:
  void check(int rc) const
  {
    if (rc != SQLITE_OK) {
      throw SQLite::Exception(m_db, rc);
    }
  }

  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
  std::int64_t m_row = 0;
};

// Test identity hash -> test_case id, open addressing with linear probing:
// 16 bytes per slot and no allocation per entry, so that looking up a million
// identities costs about a million cache misses and nothing more. Id 0 marks
// an empty slot (test_case rowids start at 1).
class IdentityIds
{
public:
  // 0 when not cached.
  std::int64_t find(std::uint64_t hash) const
  {
    if (m_slots.empty()) {
      return 0;
    }
    for (std::size_t i = slot_of(hash);; i = (i + 1) & (m_slots.size() - 1)) {
      const Slot& slot = m_slots[i];
      if (slot.id == 0 || slot.hash == hash) {
        return slot.id;
      }
    }
  }

  // Starts loading the slot where `hash` would be, for a find() or insert() soon after.
  void prefetch(std::uint64_t hash) const
  {
    if (!m_slots.empty()) {
      __builtin_prefetch(&m_slots[slot_of(hash)]);
    }
  }

  // Keeps an existing entry of `hash`; false when the table is full.
  bool insert(std::uint64_t hash, std::int64_t id)
  {
    if ((m_used + 1) * 4 > m_slots.size() * 3) {
      if (m_slots.size() >= k_max_slots) {
        return false;
      }
      rehash(m_slots.empty() ? k_min_slots : m_slots.size() * 2, std::numeric_limits<std::int64_t>::max());
    }
    place(hash, id);
    return true;
  }

  // Makes room for `entries` (as far as the size limit allows).
  void reserve(std::size_t entries)
  {
    std::size_t slots = m_slots.empty() ? k_min_slots : m_slots.size();
    while (slots < k_max_slots && entries * 4 > slots * 3) {
      slots *= 2;
    }
    if (slots != m_slots.size()) {
      rehash(slots, std::numeric_limits<std::int64_t>::max());
    }
  }

  // Forgets the ids from `first` on (interned by a file that was rolled back).
  void erase_from(std::int64_t first)
  {
    rehash(m_slots.size(), first);
  }

private:
  struct Slot
  {
    std::uint64_t hash = 0;
    std::int64_t id = 0;
  };
  static constexpr std::size_t k_min_slots = std::size_t{1} << 16;
  // 64 MiB: about 3 million identities; more are looked up in the database.
  static constexpr std::size_t k_max_slots = std::size_t{1} << 22;

  std::size_t slot_of(std::uint64_t hash) const
  {
    // Fibonacci hashing spreads FNV's weaker low bits over the table.
    return static_cast<std::size_t>((hash * 0x9E3779B97F4A7C15ULL) >> (64 - std::countr_zero(m_slots.size())));
  }

  void place(std::uint64_t hash, std::int64_t id)
  {
    for (std::size_t i = slot_of(hash);; i = (i + 1) & (m_slots.size() - 1)) {
      Slot& slot = m_slots[i];
      if (slot.id == 0) {
        slot = {hash, id};
        ++m_used;
        return;
      }
      if (slot.hash == hash) {
        return;
      }
    }
  }

  // Rebuilds the table with `slots` slots, keeping the ids below `id_limit`.
  void rehash(std::size_t slots, std::int64_t id_limit)
  {
    std::vector<Slot> old(slots);
    old.swap(m_slots);
    m_used = 0;
    for (const Slot& slot : old) {
      if (slot.id != 0 && slot.id < id_limit) {
        place(slot.hash, slot.id);
      }
    }
  }

  std::vector<Slot> m_slots;
  std::size_t m_used = 0;
};

// Result rows are inserted this many at a time: one statement execution (a
// cursor opened, the table's end sought) per group instead of per row.
constexpr std::size_t k_rows_per_insert = 64;

// New identities likewise.
constexpr std::size_t k_cases_per_insert = 32;

std::string
insert_cases_sql(std::size_t rows)
{
  std::string sql = "INSERT OR FAIL INTO test_case (identity, id, source_id) VALUES ";
  for (std::size_t i = 0; i < rows; ++i) {
    sql += i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)";
  }
  return sql + " ON CONFLICT (identity) DO NOTHING";
}

std::string
insert_results_sql(std::size_t rows)
{
  std::string sql = "INSERT OR FAIL INTO test_result (evidence_id, test_id, status, duration, message) VALUES ";
  for (std::size_t i = 0; i < rows; ++i) {
    sql += i == 0 ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)";
  }
  return sql;
}

// Every known identity's hash -> id (until `ids` is full), once per command:
// on the sqlite3 API, as SQLiteCpp's columns cost an atomic reference count each.
void
load_identities(SQLite::Database& db, IdentityIds& ids)
{
  // Ids are nearly dense (rows are never deleted): the last one handed out is about the count, and cheaper.
  ids.reserve(static_cast<std::size_t>(db.execAndGet("SELECT last_id FROM test_case_seq").getInt64()));
  sqlite3_stmt* raw = nullptr;
  if (const int rc = sqlite3_prepare_v2(db.getHandle(), "SELECT identity, id FROM test_case", -1, &raw, nullptr);
      rc != SQLITE_OK) {
    throw SQLite::Exception(db.getHandle(), rc);
  }
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> q(raw, &sqlite3_finalize);
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
    const std::string_view identity(reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 0)),
                                    static_cast<std::size_t>(sqlite3_column_bytes(q.get(), 0)));
    if (!ids.insert(util::fnv1a64(identity), sqlite3_column_int64(q.get(), 1))) {
      return;
    }
  }
  if (rc != SQLITE_DONE) {
    throw SQLite::Exception(db.getHandle(), rc);
  }
}

// The statements that store JUnit files, prepared once per command (not per
// file: the multi-row inserts take a while to compile).
struct WriteStatements
{
  explicit WriteStatements(SQLite::Database& db)
    : insert_case(db, insert_cases_sql(1).c_str())
    , insert_cases(db, insert_cases_sql(k_cases_per_insert).c_str())
    , find_case(db, "SELECT id FROM test_case WHERE identity = ?")
    , insert_result(db, insert_results_sql(1).c_str())
    , insert_results(db, insert_results_sql(k_rows_per_insert).c_str())
    , last_case_id(db, "SELECT last_id FROM test_case_seq")
    , set_last_case_id(db, "UPDATE test_case_seq SET last_id = ?")
    , insert_source(db, "INSERT INTO test_source (file, suite) VALUES (?, ?) ON CONFLICT (file, suite) DO NOTHING")
    , find_source(db, "SELECT id FROM test_source WHERE file = ? AND suite = ?")
    , update_evidence(db,
                      "UPDATE evidence SET tests = :tests, passed = :passed, failed = :failed, "
                      "errors = :errors, skipped = :skipped, "
                      "taken_at = CASE WHEN :taken_at = '' THEN taken_at ELSE :taken_at END "
                      "WHERE id = :id")
    ,
    // True when junit evidence taken after this file's is stored: then its
    // results replace only the older latest results.
    newer_evidence(db,
                   "SELECT EXISTS (SELECT 1 FROM evidence WHERE kind = 'junit' AND id <> :id AND "
                   "taken_at > (SELECT taken_at FROM evidence WHERE id = :id))")
    ,
    // Later results replace earlier ones; within one file the last row of a
    // test wins (gotestsum repeats rerun tests). The file's evidence has the
    // largest id, so on equal times it wins too.
    update_latest(db, latest_sql(""))
    , update_latest_if_older(db,
                             latest_sql("WHERE (SELECT taken_at FROM evidence WHERE id = test_latest.evidence_id) "
                                        "<= (SELECT taken_at FROM evidence WHERE id = excluded.evidence_id)"))
  {
  }

  static std::string latest_sql(const std::string& condition)
  {
    return R"sql(
        INSERT OR FAIL INTO test_latest (test_id, evidence_id, status, message)
        SELECT r.test_id, r.evidence_id, r.status, r.message
        FROM test_result AS r
        WHERE r.rowid BETWEEN :first AND :last AND r.evidence_id = :id
        ORDER BY r.rowid
        ON CONFLICT (test_id) DO UPDATE SET
          evidence_id = excluded.evidence_id, status = excluded.status, message = excluded.message
      )sql" + condition;
  }

  RowStatement insert_case;
  RowStatement insert_cases; // k_cases_per_insert at once
  RowStatement find_case;
  RowStatement insert_result;
  RowStatement insert_results; // k_rows_per_insert at once
  RowStatement last_case_id;
  RowStatement set_last_case_id;
  RowStatement insert_source;
  RowStatement find_source;
  SQLite::Statement update_evidence;
  SQLite::Statement newer_evidence;
  SQLite::Statement update_latest;
  SQLite::Statement update_latest_if_older;
};

} // namespace

struct TestCaseCache::Impl
{
  bool loaded = false;
  IdentityIds ids;
  std::optional<WriteStatements> statements; // for the database of the first writer
};

TestCaseCache::TestCaseCache()
  : m_impl(std::make_unique<Impl>())
{
}

TestCaseCache::~TestCaseCache() = default;

struct TestResultWriter::Impl
{
  Impl(SQLite::Database& database, const EvidenceHeader& header, TestCaseCache::Impl& cache_impl)
    : db(database)
    , savepoint(database, "rl_ingest_file")
    , cache(cache_impl)
    , statements(cache.statements ? *cache.statements : cache.statements.emplace(database))
    , insert_case(statements.insert_case)
    , insert_cases(statements.insert_cases)
    , find_case(statements.find_case)
    , insert_result(statements.insert_result)
    , insert_results(statements.insert_results)
  {
    evidence_id = detail::insert_evidence(db, header);
    if (!cache.loaded) {
      load_identities(db, cache.ids);
      cache.loaded = true;
    }
  }

  // The test_source id of a row's file and suite, interned on first use.
  // Rows of a block with the same file share its text, so consecutive rows
  // usually match the last one without a string comparison.
  std::int64_t source_of(const TestResultBlock& block, const TestResultBlock::Row& r)
  {
    if (last_source != 0 && r.file.offset == last_file.offset && r.file.size == last_file.size
        && r.suite.offset == last_suite.offset && r.suite.size == last_suite.size) {
      return last_source;
    }
    const std::string_view file = block.text(r.file);
    const std::string_view suite = block.text(r.suite);
    std::pair<std::string, std::string> key(file, suite);
    auto it = sources.find(key);
    if (it == sources.end()) {
      statements.insert_source.bind(1, file);
      statements.insert_source.bind(2, suite);
      statements.insert_source.step();
      statements.find_source.bind(1, file);
      statements.find_source.bind(2, suite);
      if (!statements.find_source.step()) {
        throw util::StoreError(fmt::format("test source '{}' / '{}' was neither inserted nor found", file, suite));
      }
      it = sources.emplace(std::move(key), statements.find_source.first_column()).first;
    }
    last_file = r.file;
    last_suite = r.suite;
    last_source = it->second;
    return last_source;
  }

  // Inserts the identities of block rows [begin, end) (at most
  // k_cases_per_insert, none in test_case when the block began) with the
  // ids proposed for them in `ids` (by row; above last_case_id), and caches
  // their ids; `ids` ends with the id each identity has in test_case.
  void intern(const TestResultBlock& block,
              const std::size_t* begin,
              const std::size_t* end,
              std::vector<std::int64_t>& ids)
  {
    const auto n = static_cast<std::int64_t>(end - begin);
    RowStatement& s = n == 1 ? insert_case : insert_cases;
    int column = 1;
    for (const std::size_t* row = begin; row != end; ++row) {
      const TestResultBlock::Row& r = block.m_rows[*row];
      s.bind(column++, block.text(r.identity));
      s.bind(column++, ids[*row]);
      s.bind(column++, source_of(block, r));
      cache.ids.prefetch(r.identity_hash); // inserted below, once SQLite is done
    }
    s.step();
    const int inserted = db.getChanges();
    if (inserted > 0 && first_interned == 0) {
      first_interned = last_case_id + 1; // no other process writes meanwhile
    }
    if (inserted != n) { // some were interned already (by another process, or beyond the cache's size)
      for (const std::size_t* row = begin; row != end; ++row) {
        find_case.bind(1, block.text(block.m_rows[*row].identity));
        if (!find_case.step()) {
          throw util::StoreError(
            fmt::format("test identity '{}' was neither inserted nor found", block.text(block.m_rows[*row].identity)));
        }
        ids[*row] = find_case.first_column();
      }
    }
    for (const std::size_t* row = begin; row != end; ++row) {
      cache.ids.insert(block.m_rows[*row].identity_hash, ids[*row]);
    }
  }

  // Rolled back: the identities interned by this file are gone again. Its ids
  // are the highest (rowids grow, and no other process writes meanwhile).
  ~Impl()
  {
    if (!committed && first_interned != 0) {
      cache.ids.erase_from(first_interned);
    }
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  std::int64_t first_interned = 0; // the first test_case id this file added
  bool committed = false;
  // This file's result rows are contiguous rowids (one writer at a time).
  std::int64_t first_rowid = 0;
  std::int64_t last_rowid = -1;
  SQLite::Database& db;
  SQLite::Savepoint savepoint;
  TestCaseCache::Impl& cache;
  WriteStatements& statements;
  RowStatement& insert_case;
  RowStatement& insert_cases;
  RowStatement& find_case;
  RowStatement& insert_result;
  RowStatement& insert_results;
  std::int64_t evidence_id = 0;
  std::int64_t last_case_id = -1; // test_case_seq.last_id as this file moved it; -1 until read
  // This file's test sources, and the last one looked up (by block text).
  std::map<std::pair<std::string, std::string>, std::int64_t> sources;
  TestResultBlock::Text last_file;
  TestResultBlock::Text last_suite;
  std::int64_t last_source = 0;
  // Scratch space of add(), kept across blocks: test ids by row, and the
  // uncached identities' rows.
  std::vector<std::int64_t> test_ids;
  std::vector<std::size_t> uncached;
  std::vector<char> is_new; // by row: the first row of an identity to intern
};

TestResultWriter::TestResultWriter(SQLite::Database& db, const EvidenceHeader& header, TestCaseCache& cache)
  : m_impl(std::make_unique<Impl>(db, header, *cache.m_impl))
{
}

TestResultWriter::~TestResultWriter() = default;

void
TestResultWriter::add(TestResultBlock& block)
{
  Impl& w = *m_impl;
  if (!block.indexed()) {
    block.index_identities();
  }
  const std::vector<TestResultBlock::Row>& rows = block.m_rows;
  // Look every distinct identity up, then intern the missing ones in identity
  // order: test_case (keyed by identity) then takes adjacent keys (hot pages,
  // fewer page splits) instead of keys scattered over the whole tree.
  w.test_ids.assign(rows.size(), 0);
  w.uncached.clear();
  // The cache is large and its slots are random: ask for them a few rows ahead.
  constexpr std::size_t k_prefetch_ahead = 16;
  const std::vector<std::size_t>& distinct = block.m_distinct;
  for (std::size_t k = 0; k < std::min(k_prefetch_ahead, distinct.size()); ++k) {
    w.cache.ids.prefetch(rows[distinct[k]].identity_hash);
  }
  for (std::size_t k = 0; k < distinct.size(); ++k) {
    if (k + k_prefetch_ahead < distinct.size()) {
      w.cache.ids.prefetch(rows[distinct[k + k_prefetch_ahead]].identity_hash);
    }
    const std::size_t row = distinct[k];
    w.test_ids[row] = w.cache.ids.find(rows[row].identity_hash);
    if (w.test_ids[row] == 0) {
      w.uncached.push_back(row);
    }
  }
  w.last_source = 0; // text offsets are the block's
  if (!w.uncached.empty()) {
    if (w.last_case_id < 0) {
      if (!w.statements.last_case_id.step()) {
        throw util::StoreError("the ledger has no test_case_seq row");
      }
      w.last_case_id = w.statements.last_case_id.first_column();
    }
    // New ids follow document order (the first row of each new identity), so
    // that this file's results, and its test_latest rows, come in id order:
    // test_latest is then appended to, instead of inserted into all over.
    w.is_new.assign(rows.size(), 0);
    for (const std::size_t row : w.uncached) {
      w.is_new[row] = 1;
    }
    std::int64_t id = w.last_case_id;
    for (std::size_t row = 0; row < rows.size(); ++row) {
      if (w.is_new[row] != 0) {
        w.test_ids[row] = ++id;
      }
    }
  }
  for (std::size_t k = 0; k < w.uncached.size(); k += k_cases_per_insert) {
    const std::size_t n = std::min(k_cases_per_insert, w.uncached.size() - k);
    if (n == k_cases_per_insert) {
      w.intern(block, &w.uncached[k], &w.uncached[k] + n, w.test_ids);
    } else {
      for (std::size_t i = k; i < k + n; ++i) {
        w.intern(block, &w.uncached[i], &w.uncached[i] + 1, w.test_ids);
      }
    }
  }
  if (!w.uncached.empty()) {
    w.last_case_id += static_cast<std::int64_t>(w.uncached.size()); // ids of identities found stay unused
    w.statements.set_last_case_id.bind(1, w.last_case_id);
    w.statements.set_last_case_id.step();
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    w.test_ids[i] = w.test_ids[block.m_first_with_identity[i]];
  }
  for (std::size_t i = 0; i < rows.size();) {
    const std::size_t n = rows.size() - i >= k_rows_per_insert ? k_rows_per_insert : 1;
    RowStatement& s = n == 1 ? w.insert_result : w.insert_results;
    for (int column = 1; column <= static_cast<int>(n) * 5; i += 1) {
      const TestResultBlock::Row& row = rows[i];
      s.bind(column++, w.evidence_id);
      s.bind(column++, w.test_ids[i]);
      s.bind(column++, static_cast<std::int64_t>(row.status));
      if (row.duration) {
        s.bind(column++, *row.duration);
      } else {
        s.bind_null(column++);
      }
      if (row.message.size == 0) {
        s.bind_null(column++);
      } else {
        s.bind(column++, block.text(row.message));
      }
    }
    s.step();
    // The rows of one statement take consecutive rowids.
    w.last_rowid = w.db.getLastInsertRowid();
    if (w.first_rowid == 0) {
      w.first_rowid = w.last_rowid - static_cast<std::int64_t>(n) + 1;
    }
  }
}

std::int64_t
TestResultWriter::commit(const ResultCounts& counts, const std::optional<model::Timestamp>& taken_at)
{
  Impl& w = *m_impl;
  // Reset first: a statement left mid-way by an error elsewhere would refuse new values.
  SQLite::Statement& s = w.statements.update_evidence;
  s.reset();
  s.bind(":tests", counts.tests);
  s.bind(":passed", counts.passed);
  s.bind(":failed", counts.failed);
  s.bind(":errors", counts.errors);
  s.bind(":skipped", counts.skipped);
  s.bind(":taken_at", stored_time(taken_at));
  s.bind(":id", w.evidence_id);
  s.exec();
  SQLite::Statement& newer = w.statements.newer_evidence;
  newer.reset();
  newer.bind(":id", w.evidence_id);
  newer.executeStep();
  const bool backfill = newer.getColumn(0).getInt() != 0;
  newer.reset();
  // Usually this file is the latest evidence and its results replace every
  // earlier one without comparing times row by row.
  SQLite::Statement& latest = backfill ? w.statements.update_latest_if_older : w.statements.update_latest;
  latest.reset();
  latest.bind(":id", w.evidence_id);
  latest.bind(":first", w.first_rowid);
  latest.bind(":last", w.last_rowid);
  latest.exec();
  w.savepoint.release();
  w.committed = true;
  return w.evidence_id;
}

} // namespace rl::store
