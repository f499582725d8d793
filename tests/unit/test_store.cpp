#include "loader/loader.hpp"
#include "store/closeout_repo.hpp"
#include "store/database.hpp"
#include "store/definitions_repo.hpp"
#include "store/evidence_repo.hpp"
#include "store/query.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <filesystem>

namespace {

rl::model::Definitions
minimal_definitions()
{
  rl::util::DiagnosticSink sink;
  auto d = rl::loader::load_definitions(rl::test::minimal_program(), sink);
  REQUIRE_FALSE(sink.has_errors());
  return d;
}

// Writes a ledger at schema `version` (its first migrations only) holding
// the rows `sql` inserts, as an older refactor-ledger left it.
void
ledger_at_version(const std::filesystem::path& path, int version, const char* sql)
{
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  const auto& all = rl::store::all_migrations();
  REQUIRE(all.size() > static_cast<std::size_t>(version));
  rl::store::migrate(db, {all.begin(), all.begin() + version});
  REQUIRE(db.execAndGet("PRAGMA user_version").getInt() == version);
  db.exec(sql);
}

using Results = std::vector<std::pair<std::string, rl::model::ResultStatus>>;

// Stores one JUnit file's results (identity, status) in its own batch, as
// `ingest` does; `hash` is also its source label.
void
store_file(SQLite::Database& db,
           rl::store::TestCaseCache& cache,
           const std::string& hash,
           const std::string& at,
           const Results& results)
{
  rl::store::IngestBatch batch(db);
  const rl::model::Timestamp time = *rl::model::Timestamp::parse(at);
  rl::store::TestResultWriter writer(
    db, {rl::model::EvidenceKind::junit, hash, hash, "f.xml", "c0ffee1", time, time}, cache);
  rl::store::TestResultBlock cases;
  for (const auto& [identity, status] : results) {
    cases.add(identity, "t/x.py", "pytest", status, 0.1, "");
  }
  writer.add(cases);
  writer.commit({static_cast<std::int64_t>(results.size()), 0, 0, 0, 0}, std::nullopt);
  batch.commit();
}

} // namespace

TEST_CASE("migrations are numbered 1..N without gaps", "[store][migrations]")
{
  const auto& migrations = rl::store::all_migrations();
  REQUIRE_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    CHECK(migrations[i].version == static_cast<int>(i + 1));
  }
}

TEST_CASE("open_ledger migrates a new database and refuses a newer one", "[store][migrations]")
{
  rl::test::TempDir dir;
  const auto path = dir.path() / "ledger.db";
  {
    auto db = rl::store::open_ledger(path);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == rl::store::latest_schema_version());
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.execAndGet("PRAGMA foreign_keys").getInt() == 1);
  }
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = 999");
  }
  CHECK_THROWS_AS(rl::store::open_ledger(path), rl::util::StoreError);
  SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("PRAGMA user_version").getInt() == 999);
}

TEST_CASE("definitions round-trip through the store", "[store]")
{
  rl::test::TempDir dir;
  auto db = rl::store::open_ledger(dir.path() / "ledger.db");
  const auto d = minimal_definitions();
  const std::vector<rl::store::SourceStamp> stamps{{"milestones/M00.yaml", 10, 20}};
  rl::store::replace_definitions(db, d, stamps);
  CHECK(rl::store::read_definitions(db) == d);
  CHECK(rl::store::read_source_stamps(db) == stamps);
  // Loading again replaces, never duplicates; removed items disappear.
  auto smaller = d;
  smaller.invariants.pop_back();
  rl::store::replace_definitions(db, smaller, stamps);
  CHECK(rl::store::read_definitions(db) == smaller);
}

TEST_CASE("what the loader parsed comes back from the store without loss", "[store]")
{
  // Columns of every origin, score dimensions' origins, and a category named
  // in two catalog files (one category in the model and in the store).
  auto sources = rl::test::minimal_program();
  sources.push_back({"invariants/core-more.yaml", R"(category: {id: core, name: Core, order: 1}
invariants:
  - id: INV-003
    name: Errors stay clear
    statement: Error messages keep naming the file.
    coverage: weak
    priority: P2
)"});
  // A deferral with a free-text target and a history, a pull request's state,
  // a program-written section.
  sources.push_back({"milestones/deferrals.yaml", "deferrals:\n" + std::string(rl::test::k_deferral_with_history)});
  sources[0].text.insert(sources[0].text.find("program:\n") + 9,
                         "  sections:\n    - {title: Principles, file: docs/principles.md, after: history}\n"
                         "  ids: {deferral: 'D[0-9]{2}|M[0-9]{2}-V[0-9]{2}', risk: 'I[0-9]{2,}'}\n");
  sources[2].text += "  merge: {pr: 7, repository: acme/demo, state: open}\n";
  // Deliverables with `done:` absent, false and true (absent is not false).
  sources[2].text += "  deliverables:\n    - {text: Smoke test}\n    - {text: Docs, done: false}\n"
                     "    - {text: Tool, done: true}\n";
  rl::util::DiagnosticSink sink;
  const rl::loader::LoadedProgram loaded = rl::loader::load_program(sources, sink);
  INFO((sink.has_errors() ? rl::test::formatted(sink).front() : std::string()));
  REQUIRE_FALSE(sink.has_errors());
  const rl::model::Definitions& d = loaded.definitions;
  REQUIRE(d.deferrals.size() == 1);
  CHECK(d.deferrals[0].history.size() == 1);
  CHECK(d.program.sections.size() == 1);
  CHECK(d.program.ids.deferral == "D[0-9]{2}|M[0-9]{2}-V[0-9]{2}");
  CHECK(d.program.ids.risk == "I[0-9]{2,}");
  REQUIRE(d.milestones.at(1).deliverables.size() == 3);
  CHECK_FALSE(d.milestones.at(1).deliverables[0].done.has_value());
  CHECK(d.milestones.at(1).deliverables[1].done == std::optional<bool>(false));
  REQUIRE(d.milestones.at(1).merge);
  CHECK(d.milestones.at(1).merge->state == rl::model::PullRequestState::open);
  REQUIRE(d.categories.size() == 1);
  CHECK(d.categories[0].origin.path == "invariants/core.yaml");
  REQUIRE_FALSE(d.dimensions.empty());
  CHECK(d.dimensions[0].origin.line > 0);
  CHECK(d.milestones.at(0).origin.column > 0);

  rl::test::TempDir dir;
  auto db = rl::store::open_ledger(dir.path() / "ledger.db");
  rl::store::replace_definitions(db, d, {}, loaded.records);
  const rl::model::Definitions back = rl::store::read_definitions(db);
  CHECK(back.program.origin == d.program.origin);
  CHECK(back.program.ids == d.program.ids);
  CHECK(back.dimensions == d.dimensions);
  CHECK(back.categories == d.categories);
  CHECK(back.milestones.at(0).origin == d.milestones.at(0).origin);
  CHECK(back == d);
  CHECK(rl::store::read_records(db) == loaded.records);
}

TEST_CASE("migration 5 gives a version 4 ledger origin columns and makes the next command reload",
          "[store][migrations]")
{
  rl::test::TempDir dir;
  const auto path = dir.path() / "ledger.db";
  ledger_at_version(path, 4, R"sql(
      INSERT INTO source_file (path, size, mtime_ns) VALUES ('milestones/program.yaml', 10, 20);
      INSERT INTO phase (id, name, goal, future_json, source_path, source_line)
        VALUES (0, 'Baseline', '', '[]', 'milestones/program.yaml', 7);
    )sql");
  auto db = rl::store::open_ledger(path);
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == rl::store::latest_schema_version());
  // Stamps are gone: the next command finds every file new and reloads.
  CHECK(rl::store::read_source_stamps(db).empty());
  const rl::model::Definitions d = rl::store::read_definitions(db);
  REQUIRE(d.phases.size() == 1);
  CHECK(d.phases[0].origin == rl::model::Origin{"milestones/program.yaml", 7, 0});
}

TEST_CASE("CHECK constraints reject values outside the enums", "[store]")
{
  rl::test::TempDir dir;
  auto db = rl::store::open_ledger(dir.path() / "ledger.db");
  rl::store::replace_definitions(db, minimal_definitions(), {});
  CHECK_THROWS_AS(db.exec("UPDATE milestone SET status = 'green' WHERE id = 'M00'"), SQLite::Exception);
  CHECK_THROWS_AS(db.exec("UPDATE invariant SET priority = 'P7'"), SQLite::Exception);
  CHECK_THROWS_AS(db.exec("UPDATE milestone SET phase_id = 42"), SQLite::Exception);
}

TEST_CASE("query runs reads and refuses everything that writes", "[store][query]")
{
  rl::test::TempDir dir;
  const auto path = dir.path() / "ledger.db";
  {
    auto db = rl::store::open_ledger(path);
    rl::store::replace_definitions(db, minimal_definitions(), {});
  }
  SQLite::Database db = rl::store::open_ledger_readonly(path);
  const auto result = rl::store::run_readonly_query(db, "SELECT id, effort_estimate FROM milestone ORDER BY id");
  CHECK(result.columns == std::vector<std::string>{"id", "effort_estimate"});
  REQUIRE(result.rows.size() == 2);
  CHECK(std::get<std::string>(result.rows[0][0]) == "M00");
  CHECK(std::get<double>(result.rows[0][1]) == 10.0);
  CHECK(std::get<std::int64_t>(rl::store::run_readonly_query(db, "PRAGMA user_version").rows[0][0])
        == rl::store::latest_schema_version());

  const auto sql = GENERATE(as<std::string>{},
                            "DELETE FROM milestone",
                            "UPDATE milestone SET title = 'x'",
                            "INSERT INTO phase (id, name, goal, future_json, source_path, "
                            "source_line) VALUES (9, 'x', '', '[]', '', 0)",
                            "DROP TABLE milestone",
                            "ATTACH DATABASE ':memory:' AS other",
                            "PRAGMA user_version = 5",
                            "PRAGMA journal_mode = DELETE",
                            "BEGIN",
                            "SELECT 1; DELETE FROM milestone",
                            "VACUUM");
  CAPTURE(sql);
  CHECK_THROWS_AS(rl::store::run_readonly_query(db, sql), rl::util::InputError);
  CHECK(db.execAndGet("SELECT count(*) FROM milestone").getInt() == 2);
}

TEST_CASE("test selections count each test once at its latest result", "[store][evidence]")
{
  using rl::model::ResultStatus;
  rl::test::TempDir dir;
  auto db = rl::store::open_ledger(dir.path() / "ledger.db");
  rl::store::TestCaseCache cache;
  auto ingest = [&](const std::string& hash, const std::string& at, ResultStatus b_status) {
    rl::store::IngestBatch batch(db);
    rl::store::TestResultWriter writer(db,
                                       {rl::model::EvidenceKind::junit,
                                        hash,
                                        "s-" + hash,
                                        "f.xml",
                                        "c0ffee1",
                                        *rl::model::Timestamp::parse(at),
                                        *rl::model::Timestamp::parse(at)},
                                       cache);
    rl::store::TestResultBlock cases;
    cases.add("t/x.py::test_a", "t/x.py", "pytest", ResultStatus::passed, 0.1, "");
    cases.add("t/x.py::test_b", "t/x.py", "pytest", b_status, 0.1, "boom");
    cases.add("t/y.py::test_c", "t/y.py", "pytest", ResultStatus::skipped, std::nullopt, "skip");
    writer.add(cases);
    writer.commit({3, 1, 1, 0, 1}, std::nullopt);
    batch.commit();
  };
  ingest("h1", "2026-02-08T00:00:00Z", ResultStatus::failed);
  ingest("h2", "2026-02-09T00:00:00Z", ResultStatus::passed); // newer: test_b passes now
  ingest("h0", "2026-02-01T00:00:00Z", ResultStatus::error);  // older, ingested last: ignored
  const auto one = rl::store::select_tests(db, {"t/x.py::*"});
  CHECK(one.matched == 2);
  CHECK(one.passed == 2);
  CHECK(one.bad == 0);
  REQUIRE(one.runs.size() == 1);
  CHECK(one.runs[0].source == "s-h2");
  const auto two = rl::store::select_tests(db, {"t/*", "t/x.py::test_a", "nothing*"});
  CHECK(two.matched == 3); // test_a matched twice, counted once
  CHECK(two.not_run == 1);
  REQUIRE(two.offenders.size() == 1);
  CHECK(two.offenders[0].identity == "t/y.py::test_c");
  CHECK(two.per_selector
        == std::vector<std::pair<std::string, std::int64_t>>{{"t/*", 3}, {"t/x.py::test_a", 1}, {"nothing*", 0}});
}

TEST_CASE("the latest result is the one taken last, then ingested last", "[store][evidence]")
{
  using rl::model::ResultStatus;
  rl::test::TempDir dir;
  auto db = rl::store::open_ledger(dir.path() / "ledger.db");
  rl::store::TestCaseCache cache;
  auto ingest = [&](const std::string& hash, const std::string& at, const Results& results) {
    store_file(db, cache, "s-" + hash, at, results);
  };
  auto latest_of = [&](const std::string& identity) {
    const auto s = rl::store::select_tests(db, {identity});
    REQUIRE(s.runs.size() == 1);
    return s.runs[0].source;
  };
  ingest("h1", "2026-02-08T00:00:00Z", {{"t/x.py::a", ResultStatus::failed}, {"t/x.py::b", ResultStatus::failed}});
  // Same time, ingested later: wins.
  ingest("h2", "2026-02-08T00:00:00Z", {{"t/x.py::a", ResultStatus::passed}});
  CHECK(latest_of("t/x.py::a") == "s-h2");
  // Older evidence ingested last (a backfill): only tests it alone ran take its result.
  ingest("h3",
         "2026-01-01T00:00:00Z",
         {{"t/x.py::a", ResultStatus::error}, {"t/x.py::b", ResultStatus::error}, {"t/x.py::c", ResultStatus::error}});
  CHECK(latest_of("t/x.py::a") == "s-h2");
  CHECK(latest_of("t/x.py::b") == "s-h1");
  CHECK(latest_of("t/x.py::c") == "s-h3");
  // Newer again: replaces all it ran.
  ingest("h4", "2026-03-01T00:00:00Z", {{"t/x.py::b", ResultStatus::passed}, {"t/x.py::c", ResultStatus::passed}});
  CHECK(latest_of("t/x.py::a") == "s-h2");
  CHECK(latest_of("t/x.py::b") == "s-h4");
  CHECK(latest_of("t/x.py::c") == "s-h4");
  const auto all = rl::store::select_tests(db, {"t/*"});
  CHECK(all.matched == 3);
  CHECK(all.passed == 3);
}

TEST_CASE("migration 4 moves test evidence of a version 3 ledger to the narrow layout", "[store][migrations]")
{
  rl::test::TempDir dir;
  const auto path = dir.path() / "ledger.db";
  ledger_at_version(path, 3, R"sql(
      INSERT INTO evidence (id, kind, content_hash, source, path, commit_sha, taken_at, recorded_at, tests)
        VALUES (1, 'junit', 'h1', 'old-run', 'a.xml', 'c1', '2026-02-08T00:00:00Z', '2026-02-08T00:00:00Z', 3);
      INSERT INTO test_case (id, identity, file, suite) VALUES
        (1, 't/x.py::b', 't/x.py', 'pytest'), (2, 't/x.py::a', 't/x.py', 'pytest'), (3, 't/y.py::c', 't/y.py', 'pytest');
      INSERT INTO test_result (evidence_id, test_id, status, duration, message) VALUES
        (1, 1, 1, 0.5, 'boom'), (1, 2, 0, 0.1, NULL), (1, 3, 3, NULL, 'skip');
      INSERT INTO test_latest (test_id, evidence_id, taken_at, status, message) VALUES
        (1, 1, '2026-02-08T00:00:00Z', 1, 'boom'), (2, 1, '2026-02-08T00:00:00Z', 0, NULL),
        (3, 1, '2026-02-08T00:00:00Z', 3, 'skip');
    )sql");
  auto db = rl::store::open_ledger(path);
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == rl::store::latest_schema_version());
  CHECK(db.execAndGet("SELECT group_concat(v, ',') FROM (SELECT tc.identity || '=' || tc.id || '@' || s.file AS v "
                      "FROM test_case AS tc JOIN test_source AS s ON s.id = tc.source_id ORDER BY tc.identity)")
          .getString()
        == "t/x.py::a=2@t/x.py,t/x.py::b=1@t/x.py,t/y.py::c=3@t/y.py");
  CHECK(db.execAndGet("SELECT count(*) FROM test_source").getInt() == 2);
  CHECK(db.execAndGet("SELECT last_id FROM test_case_seq").getInt() == 3);
  const auto s = rl::store::select_tests(db, {"t/*"});
  CHECK(s.matched == 3);
  CHECK(s.passed == 1);
  CHECK(s.bad == 1);
  CHECK(s.not_run == 1);
  REQUIRE(s.offenders.size() == 2);
  CHECK(s.offenders[0].identity == "t/x.py::b");
  CHECK(s.offenders[0].message == "boom");
  // New identities continue after the migrated ones; known ones keep their id.
  rl::store::TestCaseCache cache;
  rl::store::IngestBatch batch(db);
  rl::store::TestResultWriter writer(db,
                                     {rl::model::EvidenceKind::junit,
                                      "h2",
                                      "new-run",
                                      "b.xml",
                                      "c2",
                                      *rl::model::Timestamp::parse("2026-02-09T00:00:00Z"),
                                      {}},
                                     cache);
  rl::store::TestResultBlock cases;
  cases.add("t/x.py::b", "t/x.py", "pytest", rl::model::ResultStatus::passed, 0.1, "");
  cases.add("t/z.py::d", "t/z.py", "pytest", rl::model::ResultStatus::passed, 0.1, "");
  writer.add(cases);
  writer.commit({2, 2, 0, 0, 0}, std::nullopt);
  batch.commit();
  CHECK(db.execAndGet("SELECT id FROM test_case WHERE identity = 't/x.py::b'").getInt() == 1);
  CHECK(db.execAndGet("SELECT id FROM test_case WHERE identity = 't/z.py::d'").getInt() == 4);
  CHECK(rl::store::select_tests(db, {"t/x.py::b"}).passed == 1);
}

TEST_CASE("identities interned by another process meanwhile keep their ids", "[store][evidence]")
{
  using rl::model::ResultStatus;
  rl::test::TempDir dir;
  auto db_a = rl::store::open_ledger(dir.path() / "ledger.db");
  auto db_b = rl::store::open_ledger(dir.path() / "ledger.db");
  rl::store::TestCaseCache cache_a; // process A's cache, loaded before B interns
  rl::store::TestCaseCache cache_b;
  const std::string at = "2026-02-08T00:00:00Z";
  store_file(db_a, cache_a, "h1", at, {{"t/a", ResultStatus::passed}});
  store_file(db_b, cache_b, "h2", at, {{"t/b", ResultStatus::passed}, {"t/c", ResultStatus::passed}});
  // A has not seen t/b and t/c: interning them finds B's rows (their ids). In
  // identity order they are among the first 32 of 34, so they conflict inside
  // one full multi-row insert.
  Results many{{"t/c", ResultStatus::passed}, {"t/b", ResultStatus::passed}};
  for (int i = 0; i < 32; ++i) {
    many.emplace_back(fmt::format("t/n{:02}", i), ResultStatus::passed);
  }
  store_file(db_a, cache_a, "h3", at, many);
  CHECK(db_a.execAndGet("SELECT count(*) FROM test_case").getInt() == 35);
  CHECK(db_a.execAndGet("SELECT count(DISTINCT id) FROM test_case").getInt() == 35);
  CHECK(db_a
          .execAndGet("SELECT count(*) FROM test_result AS r WHERE NOT EXISTS "
                      "(SELECT 1 FROM test_case AS tc WHERE tc.id = r.test_id)")
          .getInt()
        == 0);
  // Each of h3's results names the identity it was written for.
  CHECK(db_a
          .execAndGet("SELECT group_concat(identity, ',') FROM (SELECT tc.identity FROM test_result AS r "
                      "JOIN test_case AS tc ON tc.id = r.test_id "
                      "WHERE r.evidence_id = (SELECT id FROM evidence WHERE content_hash = 'h3') "
                      "ORDER BY r.rowid LIMIT 3)")
          .getString()
        == "t/c,t/b,t/n00");
  CHECK(db_a.execAndGet("SELECT id FROM test_case WHERE identity = 't/b'").getInt() == 2);
  const auto x = rl::store::select_tests(db_a, {"t/b"});
  REQUIRE(x.runs.size() == 1);
  CHECK(x.runs[0].source == "h3");
  CHECK(rl::store::select_tests(db_a, {"t/*"}).matched == 35);
}

TEST_CASE("a block's identities are deduplicated whatever prefixes they share", "[store][evidence]")
{
  using rl::model::ResultStatus;
  rl::test::TempDir dir;
  auto db = rl::store::open_ledger(dir.path() / "ledger.db");
  rl::store::TestCaseCache cache;
  // Equal in their first 8 bytes after the common prefix, a prefix of
  // another, and repeated (the last row of a test is its latest result).
  store_file(db,
             cache,
             "h1",
             "2026-02-08T00:00:00Z",
             {{"t/x.py::test_abcdefgh_2", ResultStatus::passed},
              {"t/x.py::test_a", ResultStatus::failed},
              {"t/x.py::test_abcdefgh_1", ResultStatus::passed},
              {"t/x.py::test_ab", ResultStatus::passed},
              {"t/x.py::test_a", ResultStatus::passed},
              {"t/x.py::test_abcdefgh_2", ResultStatus::error}});
  CHECK(
    db.execAndGet("SELECT group_concat(identity, ',') FROM (SELECT identity FROM test_case ORDER BY id)").getString()
    == "t/x.py::test_abcdefgh_2,t/x.py::test_a,t/x.py::test_abcdefgh_1,t/x.py::test_ab");
  const auto all = rl::store::select_tests(db, {"t/*"});
  CHECK(all.matched == 4);
  CHECK(all.passed == 3); // test_a passed on its second run
  CHECK(all.bad == 1);    // test_abcdefgh_2 errored on its second
  REQUIRE(all.offenders.size() == 1);
  CHECK(all.offenders[0].identity == "t/x.py::test_abcdefgh_2");
}

TEST_CASE("identities interned by a rolled-back file are interned again later", "[store][evidence]")
{
  using rl::model::ResultStatus;
  rl::test::TempDir dir;
  auto db = rl::store::open_ledger(dir.path() / "ledger.db");
  rl::store::TestCaseCache cache;
  rl::store::IngestBatch batch(db);
  auto write = [&](const std::string& hash, const std::vector<std::string>& identities, bool commit) {
    rl::store::TestResultWriter writer(db,
                                       {rl::model::EvidenceKind::junit,
                                        hash,
                                        hash,
                                        "f.xml",
                                        "c0ffee1",
                                        *rl::model::Timestamp::parse("2026-02-08T00:00:00Z"),
                                        *rl::model::Timestamp::parse("2026-02-08T00:00:00Z")},
                                       cache);
    rl::store::TestResultBlock cases;
    for (const std::string& identity : identities) {
      cases.add(identity, "f.py", "pytest", ResultStatus::passed, std::nullopt, "");
    }
    writer.add(cases);
    if (commit) {
      writer.commit(
        {static_cast<std::int64_t>(identities.size()), static_cast<std::int64_t>(identities.size()), 0, 0, 0},
        std::nullopt);
    }
  };
  write("h1", {"a", "b"}, true);
  write("h2", {"b", "c", "d"}, false); // rejected: c and d are not stored
  write("h3", {"d", "c", "a", "d"}, true);
  batch.commit();
  CHECK(db.execAndGet("SELECT count(*) FROM test_case").getInt() == 4);
  CHECK(db.execAndGet("SELECT count(*) FROM test_result WHERE test_id NOT IN (SELECT id FROM test_case)").getInt()
        == 0);
  CHECK(db.execAndGet("SELECT group_concat(identity, ',') FROM (SELECT tc.identity FROM test_result AS r "
                      "JOIN test_case AS tc ON tc.id = r.test_id "
                      "WHERE r.evidence_id = (SELECT id FROM evidence WHERE content_hash = 'h3') ORDER BY r.rowid)")
          .getString()
        == "d,c,a,d");
  // Distinct ids, and the sequence past every one of them.
  CHECK(db.execAndGet("SELECT count(DISTINCT id) FROM test_case").getInt() == 4);
  CHECK(db.execAndGet("SELECT last_id >= (SELECT max(id) FROM test_case) FROM test_case_seq").getInt() == 1);
  CHECK(db.execAndGet("SELECT count(*) FROM test_latest").getInt() == 4);
}

TEST_CASE("the background checkpointer hands automatic checkpoints back", "[store]")
{
  rl::test::TempDir dir;
  auto db = rl::store::open_ledger(dir.path() / "ledger.db");
  const int automatic = db.execAndGet("PRAGMA wal_autocheckpoint").getInt();
  {
    rl::store::BackgroundCheckpointer checkpointer(db);
    CHECK(db.execAndGet("PRAGMA wal_autocheckpoint").getInt() == 0);
    db.exec("CREATE TABLE t (x INTEGER)");
    db.exec("INSERT INTO t VALUES (1)");
    checkpointer.request();
  }
  CHECK(db.execAndGet("PRAGMA wal_autocheckpoint").getInt() == automatic);
  SQLite::Database other((dir.path() / "ledger.db").string(), SQLite::OPEN_READONLY);
  CHECK(other.execAndGet("SELECT x FROM t").getInt() == 1);
}

TEST_CASE("the audit log is append-only and imports carried entries once", "[store][audit]")
{
  rl::test::TempDir dir;
  auto db = rl::store::open_ledger(dir.path() / "ledger.db");
  rl::model::AuditEntry e{"",
                          "2026-03-01T00:00:00Z",
                          "alice",
                          "approve",
                          "M01",
                          "refactor-ledger approve M01 closeout",
                          "",
                          "closeout approved by alice"};
  rl::model::assign_audit_id(e);
  rl::store::append_audit_entries(db, {e});
  rl::store::append_audit_entries(db, {e}); // a record re-imported after a rebuild
  REQUIRE(rl::store::audit_entries(db).size() == 1);
  CHECK(rl::store::audit_entries(db).front() == e);
  CHECK_THROWS_WITH(db.exec("UPDATE audit_log SET user = 'mallory'"), Catch::Contains("append-only"));
  CHECK_THROWS_WITH(db.exec("DELETE FROM audit_log"), Catch::Contains("append-only"));
  CHECK(rl::store::audit_entries(db).front() == e);
  rl::store::AuditFilter filter;
  filter.action = "close";
  CHECK(rl::store::audit_entries(db, filter).empty());
}
