// The evidence use cases (ingest, record metric, why, check) run against a
// temporary copy of a small program (tests/golden/evidence_statuses/input),
// with the ledger in the copy and the notes collected by a StringSink: their
// typed results, their exit codes, and what they say on the side.
#include "app/check.hpp"
#include "app/git.hpp"
#include "app/ingest.hpp"
#include "app/outputs.hpp"
#include "app/record_metric.hpp"
#include "app/why.hpp"
#include "store/evidence_repo.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using rl::model::IngestOutcome;
using rl::model::InvariantStatus;

const fs::path k_source = RL_SOURCE_DIR;

// A copy of the evidence_statuses program (plus a GitHub run and a coverage
// report) in a temporary folder, not a git checkout.
class Program
{
public:
  Program()
  {
    fs::copy(k_source / "tests/golden/evidence_statuses/input", root(), fs::copy_options::recursive);
    for (const char* name : {"run3.json", "run3.jobs.json", "cov.xml"}) {
      fs::copy_file(k_source / "tests/golden/evidence_ingest/input" / name, root() / name);
    }
    global.root = root();
    global.db = root() / "ledger.db";
    global.sink = &sink;
  }

  const fs::path& root() const
  {
    return m_dir.path();
  }

  std::string path(const char* name) const
  {
    return (root() / name).string();
  }

  static rl::app::EvidenceOptions at(std::string commit, std::string source = {})
  {
    rl::app::EvidenceOptions o;
    o.commit = std::move(commit);
    o.at = "2026-02-08T07:51:04Z";
    o.source = std::move(source);
    return o;
  }

  rl::report::StringSink sink;
  rl::app::GlobalOptions global;

private:
  rl::test::TempDir m_dir;
};

} // namespace

TEST_CASE("ingest junit stores a file once and returns its counts", "[app][evidence]")
{
  Program p;
  const rl::model::IngestResult first =
    rl::app::run_ingest(p.global, "junit", {p.path("smoke.xml")}, Program::at("41daf4ea527", "smoke"));
  CHECK(first.kind == rl::model::EvidenceKind::junit);
  CHECK(first.counts_tests);
  CHECK(first.commit == "41daf4ea527");
  REQUIRE(first.files.size() == 1);
  CHECK(first.files[0].path == p.path("smoke.xml"));
  CHECK(first.files[0].kind == rl::model::EvidenceKind::junit);
  CHECK(first.files[0].outcome == IngestOutcome::stored);
  REQUIRE(first.files[0].tests);
  CHECK(*first.files[0].tests == rl::model::TestCounts{8, 8, 0, 0, 0});
  CHECK(first.total() == rl::model::TestCounts{8, 8, 0, 0, 0});
  CHECK(rl::app::exit_code(first) == rl::app::ExitCode::ok);
  CHECK(p.sink.out_text.empty()); // the use case prints nothing: the caller emits the result

  const rl::model::IngestResult again =
    rl::app::run_ingest(p.global, "junit", {p.path("smoke.xml")}, Program::at("41daf4ea527", "smoke"));
  REQUIRE(again.files.size() == 1);
  CHECK(again.files[0].outcome == IngestOutcome::already_ingested);
  CHECK_FALSE(again.files[0].tests);
  CHECK(again.total().tests == 0);
}

TEST_CASE("ingest of a directory takes its files in name order", "[app][evidence]")
{
  Program p;
  fs::create_directory(p.root() / "results");
  fs::copy_file(p.root() / "smoke_fail.xml", p.root() / "results/b.xml");
  fs::copy_file(p.root() / "smoke.xml", p.root() / "results/a.xml");
  const rl::model::IngestResult r =
    rl::app::run_ingest(p.global, "junit", {p.path("results")}, Program::at("41daf4ea527"));
  REQUIRE(r.files.size() == 2);
  CHECK(fs::path(r.files[0].path).filename() == "a.xml");
  CHECK(fs::path(r.files[1].path).filename() == "b.xml");
  CHECK(r.total() == rl::model::TestCounts{16, 15, 1, 0, 0});
}

TEST_CASE("ingest rejects a hostile file with its diagnostics on the side and exit 3", "[app][evidence]")
{
  Program p;
  const rl::model::IngestResult r =
    rl::app::run_ingest(p.global, "junit", {p.path("xxe.xml"), p.path("smoke.xml")}, Program::at("41daf4ea527"));
  REQUIRE(r.files.size() == 2);
  CHECK(r.files[0].outcome == IngestOutcome::rejected);
  CHECK_THAT(r.files[0].error, Catch::Contains("DTD entity declarations are refused"));
  CHECK(r.files[1].outcome == IngestOutcome::stored); // the others go on
  CHECK(r.rejected() == 1);
  CHECK(rl::app::exit_code(r) == rl::app::ExitCode::input_error);
  CHECK_THAT(p.sink.err_text, Catch::Contains("xxe.xml:7:43: error: the document declares the entity 'xxe'"));
  CHECK_THAT(p.sink.err_text, Catch::Contains("help: JUnit files never need entities"));
}

TEST_CASE("ingest junit without a commit warns on the side", "[app][evidence]")
{
  Program p;
  const rl::model::IngestResult r = rl::app::run_ingest(p.global, "junit", {p.path("smoke.xml")}, {});
  CHECK(r.commit.empty());
  CHECK(p.sink.err_text == "refactor-ledger: warning: no commit recorded (not a git repository?); pass --commit SHA\n");
}

// A sink that shows progress (as standard error on a terminal does).
class ProgressSink final : public rl::report::Sink
{
public:
  void out(std::string_view text) override
  {
    out_text += text;
  }
  void err(std::string_view text) override
  {
    err_text += text;
  }
  bool shows_progress() const override
  {
    return true;
  }
  void progress(std::string_view text) override
  {
    progress_text += text;
  }

  std::string out_text;
  std::string err_text;
  std::string progress_text;
};

TEST_CASE("ingest of several files shows a progress line per file when the sink shows progress", "[app][evidence]")
{
  Program p;
  ProgressSink sink;
  p.global.sink = &sink;
  rl::app::run_ingest(p.global, "junit", {p.path("smoke.xml"), p.path("smoke_fail.xml")}, Program::at("41daf4ea527"));
  CHECK(sink.progress_text
        == "\r[1/2] " + p.path("smoke.xml") + "\x1b[K\r[2/2] " + p.path("smoke_fail.xml") + "\x1b[K\r\x1b[K");
  CHECK(sink.out_text.empty());

  ProgressSink one;
  p.global.sink = &one;
  rl::app::run_ingest(p.global, "junit", {p.path("smoke.xml")}, Program::at("41daf4ea527"));
  CHECK(one.progress_text.empty()); // one file: no progress
}

TEST_CASE("ingest github-run returns each run and job list", "[app][evidence]")
{
  Program p;
  const rl::model::IngestResult r =
    rl::app::run_ingest(p.global, "github-run", {p.path("run3.json"), p.path("run3.jobs.json")}, {});
  CHECK(r.kind == rl::model::EvidenceKind::ci_run);
  CHECK_FALSE(r.counts_tests);
  REQUIRE(r.files.size() == 2);
  REQUIRE(r.files[0].runs);
  REQUIRE(r.files[0].runs->size() == 1);
  const rl::model::IngestedRun& run = r.files[0].runs->front();
  CHECK(run.run_id == 21794131738);
  CHECK(run.attempt == 1);
  CHECK(run.workflow == "Refactor Smoke Test");
  CHECK(run.conclusion == rl::model::CiConclusion::success);
  CHECK(run.outcome == rl::model::CiRunOutcome::stored);
  REQUIRE(r.files[1].runs);
  CHECK(r.files[1].runs->front().outcome == rl::model::CiRunOutcome::jobs_stored);
  CHECK(p.sink.err_text.empty()); // a run carries its own commit: no warning
}

TEST_CASE("ingest coverage returns the stored metrics by name", "[app][evidence]")
{
  Program p;
  const rl::model::IngestResult r = rl::app::run_ingest(p.global, "coverage", {p.path("cov.xml")}, {});
  REQUIRE(r.files.size() == 1);
  REQUIRE(r.files[0].metrics);
  CHECK(
    *r.files[0].metrics
    == std::vector<std::pair<std::string, double>>{{"coverage.line_percent", 81.25}, {"coverage.branch_percent", 50}});
}

TEST_CASE("ingest refuses a path that matches nothing before opening the ledger", "[app][evidence]")
{
  Program p;
  CHECK_THROWS_AS(rl::app::run_ingest(p.global, "junit", {p.path("nope-*.xml")}, {}), rl::util::UsageError);
  CHECK_FALSE(fs::exists(p.global.db));
}

TEST_CASE("record metric stores a value once and returns what it stored", "[app][evidence]")
{
  Program p;
  const rl::model::RecordMetricResult r =
    rl::app::run_record_metric(p.global, "unresolved_imports", "-0", Program::at("41daf4ea527"));
  CHECK(r.name == "unresolved_imports");
  CHECK(r.value_text == "-0");
  CHECK(r.value == 0);
  CHECK_FALSE(std::signbit(r.value)); // -0 is 0
  CHECK(r.commit == "41daf4ea527");
  CHECK(r.taken_at.text() == "2026-02-08T07:51:04Z");
  CHECK(r.source == "record metric");
  CHECK_FALSE(r.already_recorded);
  CHECK(rl::app::exit_code(r) == rl::app::ExitCode::ok);

  const rl::model::RecordMetricResult again =
    rl::app::run_record_metric(p.global, "unresolved_imports", "-0", Program::at("41daf4ea527"));
  CHECK(again.already_recorded);
  CHECK(p.sink.out_text.empty());
}

TEST_CASE("record metric refuses a value that is not a finite number", "[app][evidence]")
{
  Program p;
  CHECK_THROWS_AS(rl::app::run_record_metric(p.global, "m", "nan", {}), rl::util::UsageError);
  CHECK_THROWS_AS(rl::app::run_record_metric(p.global, "two words", "1", {}), rl::util::UsageError);
}

TEST_CASE("why explains a verified invariant with its rule tree", "[app][evidence]")
{
  Program p;
  rl::app::run_ingest(p.global, "junit", {p.path("smoke.xml")}, Program::at("41daf4ea527", "smoke"));
  rl::app::run_record_metric(p.global, "unresolved_imports", "0", Program::at("41daf4ea527"));
  const rl::model::WhyResult r = rl::app::run_why(p.global, "INV-001");
  CHECK(r.id == "INV-001");
  CHECK(r.name == "Public imports");
  CHECK(r.evaluation.status == InvariantStatus::verified);
  CHECK(r.evaluation.reasons.size() == 2);
  REQUIRE(r.evaluation.tree);
  CHECK(r.evaluation.tree->description == "all of");
  REQUIRE(r.evaluation.tree->children.size() == 2);
  CHECK(r.evaluation.tree->children[0].status == InvariantStatus::verified);
  CHECK_THAT(r.evaluation.tree->children[0].details.back(), Catch::Contains("evidence: smoke, commit 41daf4ea527"));
  CHECK(rl::app::exit_code(r) == rl::app::ExitCode::ok);
}

TEST_CASE("why refuses an unknown invariant id", "[app][evidence]")
{
  Program p;
  CHECK_THROWS_AS(rl::app::run_why(p.global, "INV-999"), rl::util::UsageError);
}

TEST_CASE("check fails with exit 1 and names the failing invariant", "[app][evidence]")
{
  Program p;
  rl::app::run_ingest(p.global, "junit", {p.path("smoke.xml")}, Program::at("41daf4ea527", "smoke"));
  rl::app::run_record_metric(p.global, "unresolved_imports", "0", Program::at("41daf4ea527"));
  const rl::model::CheckResult passed = rl::app::run_check(p.global, {});
  CHECK(passed.passed());
  CHECK(passed.min_priority == rl::model::Priority::p0);
  CHECK(rl::app::exit_code(passed) == rl::app::ExitCode::ok);

  rl::app::EvidenceOptions later = Program::at("5ca1ab1e", "smoke-2");
  later.at = "2026-02-09T10:00:00Z";
  rl::app::run_ingest(p.global, "junit", {p.path("smoke_fail.xml")}, later);
  const rl::model::CheckResult failed = rl::app::run_check(p.global, {});
  REQUIRE(failed.offenders.size() == 1);
  CHECK(failed.offenders[0].id == "INV-001");
  CHECK(failed.offenders[0].priority == rl::model::Priority::p0);
  CHECK(failed.offenders[0].status == InvariantStatus::failing);
  CHECK_FALSE(failed.offenders[0].reasons.empty());
  CHECK(rl::app::exit_code(failed) == rl::app::ExitCode::negative);
}

TEST_CASE("check with require_verified also names unverified invariants down to the priority", "[app][evidence]")
{
  Program p;
  rl::app::CheckOptions options;
  options.require_verified = true;
  options.min_priority = "P1";
  const rl::model::CheckResult r = rl::app::run_check(p.global, options);
  CHECK(r.min_priority == rl::model::Priority::p1);
  CHECK(r.require_verified);
  std::vector<std::string> ids;
  for (const auto& o : r.offenders) {
    ids.push_back(o.id);
  }
  // INV-003's waiver expired on 2026-01-31: waived before, unverified after.
  REQUIRE(ids.size() >= 2);
  CHECK(ids[0] == "INV-001"); // no evidence yet: unverified
  CHECK(ids[1] == "INV-002");
  for (const auto& o : r.offenders) {
    CHECK(o.status == InvariantStatus::unverified);
  }
  options.min_priority = "P9";
  CHECK_THROWS_AS(rl::app::run_check(p.global, options), rl::util::UsageError);
}

TEST_CASE("a stored CI run whose conclusion is not a conclusion is a corrupt ledger, not a crash",
          "[app][evidence][hostile]")
{
  Program p;
  rl::app::run_ingest(p.global, "github-run", {p.path("run3.json")}, {});
  {
    SQLite::Database db(p.global.db.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA ignore_check_constraints = ON");
    db.exec("UPDATE ci_run SET conclusion = 'green'");
  }
  SQLite::Database db(p.global.db.string(), SQLite::OPEN_READONLY);
  CHECK_THROWS_WITH(rl::store::ci_runs(db),
                    Catch::Contains("corrupt ledger: CI run 21794131738 has the unknown conclusion 'green'"));
}

TEST_CASE("max_commits_behind counts only commits that touch something besides the ledger's own files",
          "[app][evidence][git]")
{
  const rl::test::TempDir dir;
  const fs::path& root = dir.path();
  const std::string git = "git -C '" + root.string() + "' ";
  const auto commit = [&](const std::string& file, const std::string& message) {
    fs::create_directories((root / file).parent_path());
    std::ofstream(root / file, std::ios::app) << message << '\n';
    // NOLINTNEXTLINE(cert-env33-c): test setup, fixed commands
    REQUIRE(
      std::system(
        (git + "add -A && " + git + "-c user.name=t -c user.email=t@example.com commit -qm '" + message + "'").c_str())
      == 0);
  };
  // NOLINTNEXTLINE(cert-env33-c): test setup, fixed commands
  REQUIRE(std::system((git + "init -q -b main").c_str()) == 0);
  commit("src/a.cpp", "evidence taken here");
  const std::optional<std::string> evidence = rl::app::git_output(root, {"rev-parse", "HEAD"});
  REQUIRE(evidence);
  rl::model::Program program;
  program.toolcalls_path = "docs/ledger/toolcalls.md";
  commit("milestones/M01.yaml", "a milestone edited");
  commit("REFACTOR.md", "the log rendered");
  commit("docs/ledger/toolcalls.md", "the tool-call log");
  commit("docs/refactor/milestones/M01/M01_summary.md", "a closeout document");
  commit("invariants/core.yaml", "an invariant added");
  const std::vector<std::string> own = rl::app::ledger_own_paths(program);
  CHECK(rl::app::commits_behind_head(root, *evidence, own) == 0);
  CHECK(rl::app::commits_behind_head(root, *evidence) == 5);
  commit("docs/guide.md", "documentation of the code");
  commit("milestones/M01.closeout.json", "closed");
  CHECK(rl::app::commits_behind_head(root, *evidence, own) == 1);
  CHECK(rl::app::commits_behind_head(root, *evidence) == 7);
  // A commit that touches code and the ledger counts.
  std::ofstream(root / "src/a.cpp", std::ios::app) << "more\n";
  commit("milestones/M02.yaml", "code and ledger");
  CHECK(rl::app::commits_behind_head(root, *evidence, own) == 2);
}
