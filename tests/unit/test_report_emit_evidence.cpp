// report::emit for the evidence commands' results (ingest, record metric, why,
// check): each result built by hand, written in every format its command
// offers; the table and the JSON show the same values.
#include "report/emit_evidence.hpp"
#include "support/emit_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

namespace {

using nlohmann::ordered_json;
using rl::model::OutputFormat;
using rl::test::emitted;
using rl::test::offers;

template<typename Result>
ordered_json
emitted_json(const Result& result)
{
  const std::string text = emitted(result, OutputFormat::json);
  REQUIRE(!text.empty());
  CHECK(text.back() == '\n');
  return ordered_json::parse(text);
}

std::vector<std::string>
keys(const ordered_json& object)
{
  std::vector<std::string> out;
  for (auto it = object.begin(); it != object.end(); ++it) {
    out.push_back(it.key());
  }
  return out;
}

rl::model::IngestedFile
file(std::string path, rl::model::EvidenceKind kind, rl::model::IngestOutcome outcome)
{
  rl::model::IngestedFile f;
  f.path = std::move(path);
  f.kind = kind;
  f.outcome = outcome;
  return f;
}

rl::model::IngestResult
junit_ingest()
{
  rl::model::IngestResult r;
  r.kind = rl::model::EvidenceKind::junit;
  r.counts_tests = true;
  r.commit = "41daf4ea527";
  rl::model::IngestedFile stored =
    file("results/a.xml", rl::model::EvidenceKind::junit, rl::model::IngestOutcome::stored);
  stored.tests = rl::model::TestCounts{7, 3, 1, 1, 2};
  rl::model::IngestedFile again =
    file("results/b.xml", rl::model::EvidenceKind::junit, rl::model::IngestOutcome::already_ingested);
  rl::model::IngestedFile bad =
    file("results/c.xml", rl::model::EvidenceKind::junit, rl::model::IngestOutcome::rejected);
  bad.error = "results/c.xml:1:1: error: not JUnit";
  rl::model::IngestedFile more =
    file("results/d.xml", rl::model::EvidenceKind::junit, rl::model::IngestOutcome::stored);
  more.tests = rl::model::TestCounts{4, 4, 0, 0, 0};
  r.files = {stored, again, bad, more};
  return r;
}

rl::model::IngestResult
github_ingest()
{
  rl::model::IngestResult r;
  r.kind = rl::model::EvidenceKind::ci_run;
  rl::model::IngestedFile run = file("run3.json", rl::model::EvidenceKind::ci_run, rl::model::IngestOutcome::stored);
  run.runs = std::vector<rl::model::IngestedRun>{
    {21794131738, 1, rl::model::CiRunOutcome::stored, "Refactor Smoke Test", rl::model::CiConclusion::success, 1},
    {21794131739, 2, rl::model::CiRunOutcome::already_ingested, "Nightly", std::nullopt, 0},
  };
  rl::model::IngestedFile jobs =
    file("run3.jobs.json", rl::model::EvidenceKind::ci_run, rl::model::IngestOutcome::stored);
  jobs.runs =
    std::vector<rl::model::IngestedRun>{{21794131738, 1, rl::model::CiRunOutcome::jobs_stored, "", std::nullopt, 3}};
  r.files = {run, jobs};
  return r;
}

rl::model::WhyResult
why_result()
{
  rl::model::WhyResult r{"INV-001", "Public imports", {}};
  r.evaluation.status = rl::model::InvariantStatus::failing;
  r.evaluation.reasons = {"tests t::* (at least 8 passing); 7 passed, 1 failed", "metric m == 0; latest: m = 0"};
  rl::model::ConditionResult tests{"tests t::* (at least 8 passing)",
                                   rl::model::InvariantStatus::failing,
                                   {"8 tests matched: 7 passed, 1 failed or errored, 0 not run", "evidence: smoke-2"},
                                   {}};
  rl::model::ConditionResult metric{
    "metric m == 0", rl::model::InvariantStatus::verified, {"latest: m = 0 (record metric)"}, {}};
  r.evaluation.tree = rl::model::ConditionResult{"all of", rl::model::InvariantStatus::failing, {}, {tests, metric}};
  r.evaluation.waiver_expired = true;
  return r;
}

rl::model::CheckResult
failed_check()
{
  rl::model::CheckResult r;
  r.min_priority = rl::model::Priority::p1;
  r.require_verified = true;
  r.offenders = {
    {"INV-001",
     "Public imports",
     rl::model::Priority::p0,
     rl::model::InvariantStatus::failing,
     {"7 passed, 1 failed"},
     "",
     {}},
    {"INV-002", "CLI exit codes", rl::model::Priority::p1, rl::model::InvariantStatus::unverified, {}, "", {}},
  };
  return r;
}

} // namespace

TEST_CASE("the evidence results offer table and json and no csv", "[report][emit]")
{
  CHECK(offers<rl::model::IngestResult>(OutputFormat::table));
  CHECK(offers<rl::model::IngestResult>(OutputFormat::json));
  CHECK_FALSE(offers<rl::model::IngestResult>(OutputFormat::csv));
  CHECK(offers<rl::model::RecordMetricResult>(OutputFormat::json));
  CHECK_FALSE(offers<rl::model::RecordMetricResult>(OutputFormat::csv));
  CHECK(offers<rl::model::WhyResult>(OutputFormat::json));
  CHECK_FALSE(offers<rl::model::WhyResult>(OutputFormat::csv));
  CHECK(offers<rl::model::CheckResult>(OutputFormat::json));
  CHECK_FALSE(offers<rl::model::CheckResult>(OutputFormat::csv));
  CHECK(offers<rl::model::CheckResult>(OutputFormat::github));
  CHECK(offers<rl::model::CheckResult>(OutputFormat::sarif));
  CHECK_FALSE(offers<rl::model::WhyResult>(OutputFormat::sarif));
}

TEST_CASE("a JUnit ingest shows each file and the total in the table and in JSON", "[report][emit]")
{
  const rl::model::IngestResult r = junit_ingest();
  CHECK(emitted(r, OutputFormat::table)
        == "results/a.xml: stored 7 tests: 3 passed, 1 failed, 1 errors, 2 skipped\n"
           "results/b.xml: already ingested (same content), nothing changed\n"
           "results/c.xml: rejected\n"
           "results/d.xml: stored 4 tests: 4 passed, 0 failed, 0 errors, 0 skipped\n"
           "total: 4 files (1 rejected); 11 tests: 7 passed, 1 failed, 1 errors, 2 skipped\n");
  const ordered_json j = emitted_json(r);
  CHECK(keys(j) == std::vector<std::string>{"files", "total"});
  REQUIRE(j["files"].size() == 4);
  CHECK(keys(j["files"][0])
        == std::vector<std::string>{"id", "kind", "result", "tests", "passed", "failed", "errors", "skipped"});
  CHECK(j["files"][0]["id"] == "results/a.xml");
  CHECK(j["files"][0]["tests"] == 7);
  CHECK(j["files"][1] == ordered_json{{"id", "results/b.xml"}, {"kind", "junit"}, {"result", "already_ingested"}});
  CHECK(j["files"][2]["result"] == "rejected");
  CHECK(j["files"][2]["error"] == "results/c.xml:1:1: error: not JUnit");
  CHECK(j["total"]
        == ordered_json{
          {"files", 4}, {"rejected", 1}, {"tests", 11}, {"passed", 7}, {"failed", 1}, {"errors", 1}, {"skipped", 2}});
}

TEST_CASE("a GitHub Actions ingest shows each run and job list, with no test total in the table", "[report][emit]")
{
  const rl::model::IngestResult r = github_ingest();
  CHECK(emitted(r, OutputFormat::table)
        == "run3.json: run 21794131738 attempt 1 (Refactor Smoke Test): stored, success\n"
           "run3.json: run 21794131739 attempt 2 (Nightly): already ingested, nothing changed, not completed\n"
           "run3.jobs.json: run 21794131738 attempt 1: jobs_stored\n");
  const ordered_json j = emitted_json(r);
  const ordered_json& runs = j["files"][0]["runs"];
  REQUIRE(runs.size() == 2);
  CHECK(keys(runs[0]) == std::vector<std::string>{"run_id", "attempt", "workflow", "conclusion", "jobs", "result"});
  CHECK(runs[0]["run_id"] == 21794131738);
  CHECK(runs[1]["result"] == "already_ingested");
  CHECK(runs[1]["conclusion"] == "");
  CHECK(j["files"][1]["runs"][0]
        == ordered_json{{"run_id", 21794131738}, {"attempt", 1}, {"jobs", 3}, {"result", "jobs_stored"}});
  CHECK(j["total"]["files"] == 2);
  CHECK(j["total"]["tests"] == 0);
}

TEST_CASE("a metrics ingest shows the stored values by name in the table and in JSON", "[report][emit]")
{
  rl::model::IngestResult r;
  r.kind = rl::model::EvidenceKind::coverage;
  rl::model::IngestedFile f = file("cov.xml", rl::model::EvidenceKind::coverage, rl::model::IngestOutcome::stored);
  f.metrics =
    std::vector<std::pair<std::string, double>>{{"coverage.line_percent", 81.25}, {"coverage.branch_percent", 50}};
  r.files = {f};
  CHECK(emitted(r, OutputFormat::table)
        == "cov.xml: stored coverage.line_percent = 81.25, coverage.branch_percent = 50\n");
  const ordered_json j = emitted_json(r);
  CHECK(keys(j["files"][0]["metrics"]) == std::vector<std::string>{"coverage.line_percent", "coverage.branch_percent"});
  CHECK(j["files"][0]["metrics"]["coverage.line_percent"] == 81.25);
  CHECK(j["files"][0]["metrics"]["coverage.branch_percent"] == 50.0);
}

TEST_CASE("ingest JSON replaces what is not UTF-8 in a file name", "[report][emit]")
{
  rl::model::IngestResult r;
  r.kind = rl::model::EvidenceKind::coverage;
  r.files = {file("caf\xe9.info", rl::model::EvidenceKind::coverage, rl::model::IngestOutcome::already_ingested)};
  CHECK(emitted_json(r)["files"][0]["id"] == "caf\xef\xbf\xbd.info");
}

TEST_CASE("a recorded metric shows name, value, commit and time in the table and in JSON", "[report][emit]")
{
  rl::model::RecordMetricResult r{
    "unresolved_imports", "0", 0, "41daf4ea527", *rl::model::Timestamp::parse("2026-02-08T07:51:04Z"), "record metric"};
  CHECK(emitted(r, OutputFormat::table)
        == "recorded unresolved_imports = 0 (commit 41daf4ea527, taken 2026-02-08T07:51:04Z)\n");
  const ordered_json j = emitted_json(r);
  CHECK(keys(j) == std::vector<std::string>{"name", "value", "commit", "taken_at", "source", "result"});
  CHECK(j["name"] == "unresolved_imports");
  CHECK(j["value"] == 0);
  CHECK(j["commit"] == "41daf4ea527");
  CHECK(j["taken_at"] == "2026-02-08T07:51:04Z");
  CHECK(j["source"] == "record metric");
  CHECK(j["result"] == "recorded");

  r.already_recorded = true;
  r.commit.clear();
  r.value_text = "-3.50";
  r.value = -3.5;
  CHECK(emitted(r, OutputFormat::table)
        == "unresolved_imports = -3.50 at unknown commit is already recorded, nothing changed\n");
  const ordered_json again = emitted_json(r);
  CHECK(again["commit"].is_null());
  CHECK(again["value"] == -3.5);
  CHECK(again["result"] == "already_recorded");
}

TEST_CASE("why shows the status, the reasons and the rule tree in the table and in JSON", "[report][emit]")
{
  const rl::model::WhyResult r = why_result();
  CHECK(emitted(r, OutputFormat::table)
        == "INV-001 Public imports: failing\n"
           "  because: tests t::* (at least 8 passing); 7 passed, 1 failed\n"
           "  because: metric m == 0; latest: m = 0\n"
           "rules:\n"
           "  [failing] all of\n"
           "    [failing] tests t::* (at least 8 passing)\n"
           "        8 tests matched: 7 passed, 1 failed or errored, 0 not run\n"
           "        evidence: smoke-2\n"
           "    [verified] metric m == 0\n"
           "        latest: m = 0 (record metric)\n");
  const ordered_json j = emitted_json(r);
  CHECK(keys(j)
        == std::vector<std::string>{"id", "name", "status", "reasons", "rules", "waiver_expired", "waiver_unneeded"});
  CHECK(j["id"] == "INV-001");
  CHECK(j["status"] == "failing");
  CHECK(j["reasons"].size() == 2);
  CHECK(j["rules"]["condition"] == "all of");
  REQUIRE(j["rules"]["children"].size() == 2);
  CHECK(j["rules"]["children"][0]["status"] == "failing");
  CHECK(j["rules"]["children"][0]["details"][1] == "evidence: smoke-2");
  CHECK_FALSE(j["rules"]["children"][1].contains("children"));
  CHECK(j["waiver_expired"] == true);
  CHECK(j["waiver_unneeded"] == false);
}

TEST_CASE("why without rules shows no rule tree: none in the table, null in JSON", "[report][emit]")
{
  rl::model::WhyResult r{"INV-003", "Config format", {}};
  r.evaluation.reasons = {"no verification rules (add 'verify:' to the invariant)"};
  CHECK(emitted(r, OutputFormat::table)
        == "INV-003 Config format: unverified\n  because: no verification rules (add 'verify:' to the invariant)\n");
  CHECK(emitted_json(r)["rules"].is_null());
}

TEST_CASE("a failed check names each offender with its reasons in the table and in JSON", "[report][emit]")
{
  const rl::model::CheckResult r = failed_check();
  CHECK(emitted(r, OutputFormat::table)
        == "INV-001 (P0) failing: Public imports\n"
           "    7 passed, 1 failed\n"
           "INV-002 (P1) unverified: CLI exit codes\n"
           "check failed: 2 invariants at P1 or above not verified\n");
  const ordered_json j = emitted_json(r);
  CHECK(keys(j) == std::vector<std::string>{"id", "passed", "offenders"});
  CHECK(j["passed"] == false);
  REQUIRE(j["offenders"].size() == 2);
  CHECK(j["offenders"][0]
        == ordered_json{{"id", "INV-001"},
                        {"name", "Public imports"},
                        {"priority", "P0"},
                        {"status", "failing"},
                        {"reasons", {"7 passed, 1 failed"}}});
  CHECK(j["offenders"][1]["status"] == "unverified");
}

TEST_CASE("a passed check says what was checked in the table and passed in JSON", "[report][emit]")
{
  rl::model::CheckResult r;
  CHECK(emitted(r, OutputFormat::table) == "check passed: no invariant at P0 or above is failing\n");
  r.require_verified = true;
  r.min_priority = rl::model::Priority::p2;
  CHECK(emitted(r, OutputFormat::table)
        == "check passed: no invariant at P2 or above is unverified, stale or failing\n");
  CHECK(emitted_json(r) == ordered_json{{"id", "check"}, {"passed", true}, {"offenders", ordered_json::array()}});
}
