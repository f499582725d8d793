// query_guard: the SQL of `refactor-ledger query`, run by
// store::run_readonly_query on a small ledger (the real migrations, the tiny
// program stored as `load` stores it). The database is opened read-write
// here, so the guard (authorizer + sqlite3_stmt_readonly) is the only
// protection: after every input the database must be unchanged (the schema,
// every table's row count, user_version, schema_version, the connection's
// count of changed rows, no open transaction), or that is a finding. The
// limits are tighter than `query`'s defaults (see below).

#include "fuzz/harness.hpp"

#include "store/database.hpp"
#include "store/definitions_repo.hpp"
#include "store/migrations.hpp"
#include "store/query.hpp"
#include "util/diagnostic.hpp"

#include <SQLiteCpp/Statement.h>

#include <functional>
#include <memory>

#include <sqlite3.h>

namespace {

SQLite::Database&
ledger()
{
  static const std::unique_ptr<SQLite::Database> db = [] {
    // As `query` does: SQLite's memory limit needs its memory statistics.
    (void)rl::store::keep_sqlite_memory_statistics();
    auto d = std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    d->exec("PRAGMA foreign_keys = ON");
    rl::store::migrate(*d, rl::store::all_migrations());
    rl::util::DiagnosticSink sink;
    rl::loader::LoadedProgram loaded = rl::loader::load_program(rl::fuzz::tiny_program_sources(), sink);
    sink.throw_if_errors();
    rl::store::replace_definitions(*d, loaded.definitions, {}, loaded.records);
    return d;
  }();
  return *db;
}

// Everything a write could change, as one string.
std::string
fingerprint(SQLite::Database& db)
{
  std::string out;
  auto append_rows = [&](const std::string& sql) {
    SQLite::Statement q(db, sql);
    const int columns = q.getColumnCount();
    while (q.executeStep()) {
      for (int i = 0; i < columns; ++i) {
        const SQLite::Column c = q.getColumn(i);
        out += std::to_string(c.getType());
        out += ':';
        out.append(static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
        out += '\x1f';
      }
      out += '\x1e';
    }
  };
  append_rows("PRAGMA user_version");
  append_rows("PRAGMA schema_version");
  append_rows("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name");
  std::vector<std::string> tables;
  {
    SQLite::Statement q(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    while (q.executeStep()) {
      tables.push_back(q.getColumn(0).getString());
    }
  }
  for (const std::string& t : tables) {
    out += t;
    out += '\x1d';
    append_rows("SELECT count(*) FROM \"" + t + "\"");
  }
  out += std::to_string(db.getTotalChanges());
  out += sqlite3_get_autocommit(db.getHandle()) != 0 ? "auto" : "IN-TRANSACTION";
  return out;
}

} // namespace

int
rl_fuzz_query_guard(const std::uint8_t* data, std::size_t size)
{
  SQLite::Database& db = ledger();
  static const std::string before = fingerprint(db);
  const std::string sql = rl::fuzz::as_text(data, size);
  // Tighter limits than `query`'s defaults (5 s, 256 MiB), so that runaway
  // statements (recursive CTEs, cross joins) end in milliseconds: the same
  // limit checks run, and the fuzzer keeps its pace.
  rl::store::QueryLimits limits;
  limits.timeout_seconds = 0.2;
  limits.max_memory_bytes = 16ull << 20;
  rl::fuzz::expect_input_error_only([&] { (void)rl::store::run_readonly_query(db, sql, limits); });
  if (fingerprint(db) != before) {
    rl::fuzz::finding("query_guard: the query changed the database");
  }
  return 0;
}
