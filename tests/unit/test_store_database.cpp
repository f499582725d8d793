// store/database: nested write transactions, in-memory copies of a ledger,
// read-only opening. (Real read-only file systems are exercised by
// tests/e2e/readonly.sh: file modes do not stop root, who runs CI.)
#include "store/closeout_repo.hpp"
#include "store/database.hpp"
#include "store/evidence_repo.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <sys/stat.h>
#include <unistd.h>

using namespace rl;

namespace {

std::int64_t
count(SQLite::Database& db, const std::string& table)
{
  return db.execAndGet("SELECT count(*) FROM " + table).getInt64();
}

store::EvidenceHeader
metric_header(const std::string& hash)
{
  const model::Timestamp at = *model::Timestamp::parse("2026-01-01T00:00:00Z");
  return {model::EvidenceKind::metric, hash, "test", "", "abc1234", at, at};
}

model::AuditEntry
entry(const std::string& summary)
{
  model::AuditEntry e;
  e.at = "2026-01-01T00:00:00Z";
  e.user = "tester";
  e.action = "record";
  e.summary = summary;
  model::assign_audit_id(e);
  return e;
}

} // namespace

TEST_CASE("WriteTransaction commits evidence and its audit entry together, or neither", "[store][transaction]")
{
  test::TempDir dir;
  SQLite::Database db = store::open_ledger(dir.path() / "ledger.db");
  SECTION("committed: both")
  {
    store::WriteTransaction t(db);
    store::store_metrics(db, metric_header("h1"), {{"m", 1.0}});
    store::append_audit_entries(db, {entry("m = 1")});
    t.commit();
    CHECK(count(db, "evidence") == 1);
    CHECK(count(db, "audit_log") == 1);
  }
  SECTION("not committed (an exception, a kill): neither")
  {
    {
      store::WriteTransaction t(db);
      store::store_metrics(db, metric_header("h1"), {{"m", 1.0}});
      store::append_audit_entries(db, {entry("m = 1")});
    }
    CHECK(count(db, "evidence") == 0);
    CHECK(count(db, "audit_log") == 0);
  }
  SECTION("nested: a savepoint that rolls back alone")
  {
    store::WriteTransaction outer(db);
    store::store_metrics(db, metric_header("kept"), {{"m", 1.0}});
    {
      store::WriteTransaction inner(db); // a file rejected half-way
      store::store_metrics(db, metric_header("dropped"), {{"m", 2.0}});
    }
    {
      store::WriteTransaction inner(db);
      store::store_metrics(db, metric_header("also kept"), {{"m", 3.0}});
      inner.commit();
    }
    store::append_audit_entries(db, {entry("two files")});
    outer.commit();
    CHECK(count(db, "evidence") == 2);
    CHECK(db.execAndGet("SELECT group_concat(content_hash, ',') FROM (SELECT content_hash FROM evidence ORDER BY id)")
            .getString()
          == "kept,also kept");
    CHECK(count(db, "audit_log") == 1);
  }
}

TEST_CASE("open_memory_ledger copies a ledger, evidence included, and saves nothing", "[store][readonly]")
{
  test::TempDir dir;
  const auto path = dir.path() / "ledger.db";
  {
    SQLite::Database db = store::open_ledger(path);
    store::store_metrics(db, metric_header("h1"), {{"m", 1.0}});
    store::append_audit_entries(db, {entry("m = 1")});
  }
  SQLite::Database file = store::open_ledger_readonly(path);
  CHECK_THROWS_AS(file.exec("DELETE FROM metric"), SQLite::Exception); // read-only connection
  SQLite::Database memory = store::open_memory_ledger(&file);
  CHECK(count(memory, "evidence") == 1);
  CHECK(count(memory, "metric") == 1);
  CHECK(count(memory, "audit_log") == 1);
  CHECK(memory.execAndGet("PRAGMA user_version").getInt() == store::latest_schema_version());
  // Writable in memory (a refresh), never written back.
  store::store_metrics(memory, metric_header("h2"), {{"m", 2.0}});
  CHECK(count(memory, "evidence") == 2);
  SQLite::Database again = store::open_ledger_readonly(path);
  CHECK(count(again, "evidence") == 1);

  SQLite::Database empty = store::open_memory_ledger();
  CHECK(count(empty, "evidence") == 0);
  CHECK(empty.execAndGet("PRAGMA user_version").getInt() == store::latest_schema_version());

  store::set_query_only(memory);
  CHECK_THROWS_AS(memory.exec("DELETE FROM metric"), SQLite::Exception);
}

TEST_CASE("ledger_write_problem: a writable place has none, a missing folder is judged by its parent",
          "[store][readonly]")
{
  test::TempDir dir;
  CHECK_FALSE(store::ledger_write_problem(dir.path() / "ledger.db"));
  CHECK_FALSE(store::ledger_write_problem(dir.path() / "a" / "b" / "ledger.db"));
  if (::geteuid() != 0) { // file modes stop only other users
    std::filesystem::create_directories(dir.path() / "ro");
    ::chmod((dir.path() / "ro").c_str(), 0555);
    const auto problem = store::ledger_write_problem(dir.path() / "ro" / ".ledger" / "ledger.db");
    ::chmod((dir.path() / "ro").c_str(), 0755);
    REQUIRE(problem);
    CHECK(problem->find("ro is not writable") != std::string::npos);
    CHECK_THROWS_AS(store::open_ledger(dir.path() / "ro" / ".ledger" / "ledger.db"), store::ReadOnlyError);
  }
}
