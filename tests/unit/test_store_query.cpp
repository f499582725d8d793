// `query` against hostile SQL: time and memory limits, the authorizer, column
// names. The attack statements are files in tests/fixtures/hostile/query/,
// named by what must happen: timeout_*, memory_*, toobig_*, refused_*,
// allowed_*.
#include "loader/loader.hpp"
#include "store/database.hpp"
#include "store/definitions_repo.hpp"
#include "store/query.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace {

namespace fs = std::filesystem;

// Runs before main, so before any test opens a connection: the memory limit
// needs SQLite's memory statistics (as `query` keeps them; see run_query).
const bool k_memory_statistics = rl::store::keep_sqlite_memory_statistics();

const fs::path k_attacks = fs::path(RL_SOURCE_DIR) / "tests/fixtures/hostile/query";

// A ledger holding the minimal program; `db()` opens it read-only, as `query` does.
class Ledger
{
public:
  Ledger()
  {
    rl::util::DiagnosticSink sink;
    auto definitions = rl::loader::load_definitions(rl::test::minimal_program(), sink);
    REQUIRE_FALSE(sink.has_errors());
    auto db = rl::store::open_ledger(path());
    rl::store::replace_definitions(db, definitions, {});
  }
  fs::path path() const
  {
    return m_dir.path() / "ledger.db";
  }
  SQLite::Database db() const
  {
    return rl::store::open_ledger_readonly(path());
  }

private:
  rl::test::TempDir m_dir;
};

std::string
read(const fs::path& path)
{
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The attack files whose name starts with `prefix`, by name.
std::map<std::string, std::string>
attacks(const std::string& prefix)
{
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::directory_iterator(k_attacks)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0) {
      out[name] = read(entry.path());
    }
  }
  REQUIRE_FALSE(out.empty());
  return out;
}

// The message and help of the InputError `run` throws ("" when none).
std::pair<std::string, std::string>
input_error(const std::function<void()>& run)
{
  try {
    run();
  } catch (const rl::util::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    return {e.diagnostics()[0].message, e.diagnostics()[0].help};
  }
  return {};
}

using Catch::Matchers::Contains;

} // namespace

TEST_CASE("a query that runs past its time limit is stopped with the limit named", "[store][query][hostile]")
{
  Ledger ledger;
  SQLite::Database db = ledger.db();
  for (const auto& [name, sql] : attacks("timeout_")) {
    CAPTURE(name);
    const auto start = std::chrono::steady_clock::now();
    const auto [message, help] = input_error([&] { rl::store::run_readonly_query(db, sql, {0.5, 256ull << 20}); });
    CHECK(message == "query stopped: it ran longer than the 0.5 s limit");
    CHECK_THAT(help, Contains("--timeout SECONDS"));
    // A generous guard: without the limit these run for hours.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
  }
  // The connection is usable afterwards, without the limit's handler.
  CHECK(std::get<std::int64_t>(rl::store::run_readonly_query(db, "SELECT 7").rows[0][0]) == 7);
}

TEST_CASE("a query that needs more memory than its limit is stopped with the limit named", "[store][query][hostile]")
{
  Ledger ledger;
  SQLite::Database db = ledger.db();
  REQUIRE(k_memory_statistics);
  const rl::store::QueryLimits limits{60, 8ull << 20};
  const sqlite3_int64 hard_before = sqlite3_hard_heap_limit64(-1);
  for (const auto& [name, sql] : attacks("memory_")) {
    CAPTURE(name);
    const auto [message, help] = input_error([&] { rl::store::run_readonly_query(db, sql, limits); });
    CHECK(message == "query stopped: it needed more than the 8 MiB memory limit");
    CHECK_THAT(help, Contains("--max-memory MB"));
  }
  for (const auto& [name, sql] : attacks("toobig_")) {
    CAPTURE(name);
    const auto [message, help] = input_error([&] { rl::store::run_readonly_query(db, sql, limits); });
    CHECK(message
          == "query stopped: a value or row is longer than 2 MiB, the most one may hold (a quarter of the "
             "memory limit)");
    CHECK_THAT(help, Contains("--max-memory MB"));
  }
  // The process-wide heap limit is the one from before the query.
  CHECK(sqlite3_hard_heap_limit64(-1) == hard_before);
  // With the default limits a single value may be 64 MiB.
  CHECK(rl::store::max_value_bytes({}) == 64ull << 20);
  const auto [message, help] = input_error([&] { rl::store::run_readonly_query(db, "SELECT zeroblob(67108865)"); });
  CHECK(message
        == "query stopped: a value or row is longer than 64 MiB, the most one may hold (a quarter of the memory "
           "limit)");
  const auto blob = rl::store::run_readonly_query(db, "SELECT zeroblob(1000)");
  CHECK(std::get<rl::model::Blob>(blob.rows[0][0]).bytes == std::string(1000, '\0'));
}

TEST_CASE("query refuses functions and PRAGMAs that load, reach out or set, and the ledger stays as it was",
          "[store][query][hostile]")
{
  Ledger ledger;
  SQLite::Database db = ledger.db();
  const auto version = db.execAndGet("PRAGMA user_version").getInt();
  for (const auto& [name, sql] : attacks("refused_")) {
    CAPTURE(name);
    const auto [message, help] = input_error([&] { rl::store::run_readonly_query(db, sql); });
    CHECK_THAT(message, Catch::Matchers::StartsWith("query refused: "));
    CHECK_THAT(help, Contains("read-only"));
  }
  CHECK(input_error([&] { rl::store::run_readonly_query(db, "SELECT hex(fts3_tokenizer('simple'))"); }).first
        == "query refused: fts3_tokenizer() is not allowed: it loads code, reaches files or native pointers, or "
           "acts outside the query");
  CHECK(input_error([&] { rl::store::run_readonly_query(db, "PRAGMA user_version = 5"); }).first
        == "query refused: PRAGMA user_version can only be read (without a value)");
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == version);
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(db.execAndGet("SELECT count(*) FROM milestone").getInt() == 2);
  // The hardening stays on the query's connection.
  int enabled = -1;
  sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, -1, &enabled);
  CHECK(enabled == 0);
  sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_DEFENSIVE, -1, &enabled);
  CHECK(enabled == 1);
}

TEST_CASE("query allows read-only introspection", "[store][query][hostile]")
{
  Ledger ledger;
  SQLite::Database db = ledger.db();
  for (const auto& [name, sql] : attacks("allowed_")) {
    CAPTURE(name);
    const auto result = rl::store::run_readonly_query(db, sql);
    CHECK_FALSE(result.rows.empty());
  }
  CHECK(
    std::get<std::string>(
      rl::store::run_readonly_query(db, "SELECT type FROM pragma_table_info('milestone') WHERE name = 'id'").rows[0][0])
    == "TEXT");
  CHECK(rl::store::run_readonly_query(db, "SELECT * FROM pragma_index_list('milestone')").columns.size() == 5);
  CHECK(rl::store::run_readonly_query(db, "PRAGMA page_size").rows.size() == 1);
  CHECK(rl::store::run_readonly_query(db, "SELECT name FROM sqlite_master WHERE type = 'table'").rows.size() > 10);
}

TEST_CASE("duplicate and empty output column names become distinct", "[store][query]")
{
  using rl::store::distinct_column_names;
  using Names = std::vector<std::string>;
  CHECK(distinct_column_names({"a", "a", "a_2"}) == Names{"a", "a_3", "a_2"});
  CHECK(distinct_column_names({"a", "a", "a"}) == Names{"a", "a_2", "a_3"});
  CHECK(distinct_column_names({"a_2", "a", "a"}) == Names{"a_2", "a", "a_3"});
  CHECK(distinct_column_names({"", "x", ""}) == Names{"column_1", "x", "column_3"});
  CHECK(distinct_column_names({"", "column_1"}) == Names{"column_1", "column_1_2"});
  CHECK(distinct_column_names({"A", "a"}) == Names{"A", "a"});

  Ledger ledger;
  SQLite::Database db = ledger.db();
  const auto result = rl::store::run_readonly_query(db, "SELECT 1 AS a, 2 AS a, 3 AS a_2, 4 AS \"\"");
  CHECK(result.columns == Names{"a", "a_3", "a_2", "column_4"});
  CHECK(std::get<std::int64_t>(result.rows[0][1]) == 2);
}
