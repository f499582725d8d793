// Closeout: path globs, every gate kind, the record's JSON form, the lock.
#include "loader/loader.hpp"
#include "model/closeout.hpp"
#include "rules/gates.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using rl::model::GateOutcome;
using rl::rules::path_glob_match;

namespace {

rl::model::Definitions
loaded(const std::vector<rl::loader::SourceText>& sources)
{
  rl::util::DiagnosticSink sink;
  auto d = rl::loader::load_definitions(sources, sink);
  INFO((sink.has_errors() ? rl::test::formatted(sink).front() : std::string()));
  REQUIRE_FALSE(sink.has_errors());
  return d;
}

const rl::model::Milestone&
milestone(const rl::model::Definitions& d, const std::string& id)
{
  const rl::model::Milestone* m = rl::model::find_milestone(d, id);
  REQUIRE(m != nullptr);
  return *m;
}

// Facts under which every gate of M01 (minimal program) passes.
rl::rules::GateFacts
good_facts()
{
  rl::rules::GateFacts f;
  f.commit = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
  f.base_commit = "ba5eba11ba5eba11ba5eba11ba5eba11ba5eba11";
  f.files_at_commit = {"README.md", "test/test_smoke.py"};
  f.changed_files = {"test/test_smoke.py", "milestones/M01.yaml"};
  f.always_in_scope = {"milestones/**"};
  f.statuses["INV-001"] = rl::model::InvariantStatus::verified;
  rl::model::CiRunEvidence run;
  run.run_id = 7;
  run.workflow_name = "Smoke";
  run.workflow_path = ".github/workflows/smoke.yml";
  run.conclusion = rl::model::CiConclusion::success;
  run.stamp.commit = f.commit;
  f.ci_runs = {run};
  rl::model::MetricEvidence metric;
  metric.name = "unresolved_imports";
  metric.value = 0;
  metric.stamp.commit = f.commit;
  f.metrics_at_commit = {metric};
  f.approvals = {{"M01", "closeout", "alice", "", "2026-01-20T00:00:00Z", f.commit}};
  f.patterns = {{}};
  return f;
}

// The minimal program's M01 with scope paths, a deliverable and every optional gate.
std::vector<rl::loader::SourceText>
program_with_m01_gates()
{
  auto sources = rl::test::minimal_program();
  auto m01 =
    std::find_if(sources.begin(), sources.end(), [](const auto& s) { return s.path == "milestones/M01.yaml"; });
  m01->text += R"(  scope:
    paths: [test/**]
  deliverables:
    - {text: Smoke test, path: test/test_smoke.py}
  gates:
    ci: [smoke.yml]
    pattern_absent:
      - {pattern: "@main", files: ".github/workflows/*.yml"}
    metrics:
      - {metric: unresolved_imports, op: "==", value: 0}
    approvals: [closeout]
)";
  return sources;
}

std::vector<rl::model::GateResult>
gates_with(const rl::rules::GateFacts& facts,
           const std::vector<rl::loader::SourceText>& sources = program_with_m01_gates())
{
  const auto d = loaded(sources);
  const auto& m = milestone(d, "M01");
  return rl::rules::evaluate_gates(d, m, rl::model::effective_gates(d.program.gates, m.gates), facts);
}

std::vector<std::string>
failed(const std::vector<rl::model::GateResult>& gates)
{
  std::vector<std::string> out;
  for (const auto& g : gates) {
    if (g.outcome == GateOutcome::failed) {
      out.push_back(g.gate);
    }
  }
  return out;
}

} // namespace

TEST_CASE("path globs: * stays in a folder, ** spans folders, a folder covers its files", "[closeout][glob]")
{
  CHECK(path_glob_match("docs/**", "docs/a/b.md"));
  CHECK(path_glob_match("docs/**/*.md", "docs/x.md"));
  CHECK(path_glob_match("docs/**/*.md", "docs/a/b/x.md"));
  CHECK_FALSE(path_glob_match("docs/*.md", "docs/a/x.md"));
  CHECK(path_glob_match("docs/*.md", "docs/x.md"));
  CHECK(path_glob_match(".github/workflows/", ".github/workflows/ci.yml"));
  CHECK(path_glob_match("REFACTOR.md", "REFACTOR.md"));
  CHECK_FALSE(path_glob_match("REFACTOR.md", "REFACTOR.md.bak"));
  CHECK(path_glob_match("test/test_[a-c]*.py", "test/test_b1.py"));
  CHECK_FALSE(path_glob_match("test/test_[a-c]*.py", "test/test_d1.py"));
  CHECK_FALSE(path_glob_match("?", "/"));
}

TEST_CASE("every gate passes on good facts, in the documented order", "[closeout][gates]")
{
  const auto gates = gates_with(good_facts());
  std::vector<std::string> names;
  for (const auto& g : gates) {
    names.push_back(g.gate);
  }
  CHECK(names
        == std::vector<std::string>{"dependencies",
                                    "deliverables",
                                    "invariants",
                                    "ci:smoke.yml",
                                    "scope",
                                    "pattern:.github/workflows/*.yml",
                                    "metric:unresolved_imports",
                                    "approval:closeout",
                                    "deferrals"});
  CHECK(failed(gates).empty());
}

TEST_CASE("each gate fails alone on the fact that breaks it", "[closeout][gates]")
{
  SECTION("deliverables")
  {
    auto f = good_facts();
    f.files_at_commit = {"README.md"};
    const auto gates = gates_with(f);
    CHECK(failed(gates) == std::vector<std::string>{"deliverables"});
    CHECK(gates[1].evidence == std::vector<std::string>{"test/test_smoke.py"});
  }
  SECTION("invariants: unverified, failing; waived only when allowed")
  {
    auto f = good_facts();
    f.statuses["INV-001"] = rl::model::InvariantStatus::waived;
    CHECK(failed(gates_with(f)) == std::vector<std::string>{"invariants"});
    f.statuses.erase("INV-001");
    CHECK(failed(gates_with(f)) == std::vector<std::string>{"invariants"});
  }
  SECTION("ci: the latest run at the closing commit decides; runs at other commits do not count")
  {
    auto f = good_facts();
    auto red = f.ci_runs.front();
    red.run_id = 8;
    red.conclusion = rl::model::CiConclusion::failure;
    f.ci_runs.insert(f.ci_runs.begin(), red); // newest first
    CHECK(failed(gates_with(f)) == std::vector<std::string>{"ci:smoke.yml"});
    f.ci_runs = {good_facts().ci_runs.front()};
    f.ci_runs.front().stamp.commit = "deadbeef";
    CHECK(failed(gates_with(f)) == std::vector<std::string>{"ci:smoke.yml"});
  }
  SECTION("scope lists each file outside the allowed paths")
  {
    auto f = good_facts();
    f.changed_files.push_back("torch/nn/x.py");
    const auto gates = gates_with(f);
    CHECK(failed(gates) == std::vector<std::string>{"scope"});
    CHECK(gates[4].evidence == std::vector<std::string>{"torch/nn/x.py"});
  }
  SECTION("scope without a base commit fails and says how to give one")
  {
    auto f = good_facts();
    f.base_commit.clear();
    f.base_problem = "base commit abc is not in .";
    const auto gates = gates_with(f);
    CHECK(failed(gates) == std::vector<std::string>{"scope"});
    CHECK(gates[4].action.find("--base REV") != std::string::npos);
  }
  SECTION("pattern_absent")
  {
    auto f = good_facts();
    f.patterns = {{{".github/workflows/ci.yml:3: uses: actions/checkout@main"}, 1}};
    CHECK(failed(gates_with(f)) == std::vector<std::string>{"pattern:.github/workflows/*.yml"});
  }
  SECTION("metrics: out of bounds, or not recorded at the closing commit")
  {
    auto f = good_facts();
    f.metrics_at_commit.front().value = 3;
    CHECK(failed(gates_with(f)) == std::vector<std::string>{"metric:unresolved_imports"});
    f.metrics_at_commit.clear();
    CHECK(failed(gates_with(f)) == std::vector<std::string>{"metric:unresolved_imports"});
  }
  SECTION("approvals")
  {
    auto f = good_facts();
    f.approvals.clear();
    const auto gates = gates_with(f);
    CHECK(failed(gates) == std::vector<std::string>{"approval:closeout"});
    CHECK(gates[7].action == "refactor-ledger approve M01 closeout --by NAME [--note TEXT]");
  }
  SECTION("blocker deferrals aimed at the milestone")
  {
    auto sources = program_with_m01_gates();
    sources.push_back({"milestones/deferrals.yaml", R"(deferrals:
  - {id: D01, what: Pin actions, discovered_in: M00, deferred_to: M01, blocker: true}
  - {id: D02, what: Later, discovered_in: M00, deferred_to: M01}
)"});
    CHECK(failed(gates_with(good_facts(), sources)) == std::vector<std::string>{"deferrals"});
  }
  SECTION("without git, the gates that need it fail and say why")
  {
    auto f = good_facts();
    f.commit.clear();
    f.git_problem = ". is not a git checkout";
    CHECK(failed(gates_with(f))
          == std::vector<std::string>{
            "deliverables", "ci:smoke.yml", "scope", "pattern:.github/workflows/*.yml", "metric:unresolved_imports"});
  }
}

TEST_CASE("a milestone's gates override the program's, key by key", "[closeout][gates]")
{
  rl::model::GateConfig program;
  program.ci = std::vector<std::string>{"a.yml"};
  program.approvals = std::vector<std::string>{"closeout"};
  rl::model::GateConfig m;
  m.ci = std::vector<std::string>{};
  m.scope = false;
  const auto g = rl::model::effective_gates(program, m);
  CHECK(g.ci.empty());
  CHECK_FALSE(g.scope);
  CHECK(g.approvals == std::vector<std::string>{"closeout"});
  CHECK(g.deliverables);
  CHECK(rl::model::gates_from_json(rl::model::gates_to_json(m)) == m);
}

namespace {

// The minimal program's closeout record of M00 (one adopt event).
rl::model::CloseoutRecord
m00_record()
{
  const auto sources = rl::test::minimal_program();
  const auto it = std::find_if(
    sources.begin(), sources.end(), [](const auto& s) { return s.path == "milestones/M00.closeout.json"; });
  REQUIRE(it != sources.end());
  rl::model::RecordParseError error;
  auto record = rl::model::parse_record(it->text, error);
  REQUIRE(record);
  REQUIRE_FALSE(record->events.empty());
  return *record;
}

// A CI run as a closeout event records it.
rl::model::CiRunEvidence
sample_run(const char* taken_at)
{
  rl::model::CiRunEvidence run;
  run.repository = "o/r";
  run.run_id = 7;
  run.stamp.commit = "41daf4ea527";
  run.stamp.taken_at = *rl::model::Timestamp::parse(taken_at);
  return run;
}

} // namespace

TEST_CASE("closeout records round-trip through their JSON form", "[closeout][record]")
{
  rl::model::RecordParseError error;
  auto record = m00_record();
  rl::model::CloseoutEvent reopen;
  reopen.kind = rl::model::CloseoutEventKind::reopen;
  reopen.date = "2026-02-01";
  reopen.at = "2026-02-01T00:00:00Z";
  reopen.by = "bob";
  reopen.reason = "scope was wrong";
  reopen.log = {{"", "2026-02-01T00:00:00Z", "bob", "reopen", "M00", "refactor-ledger reopen M00", "", "reopened"}};
  rl::model::assign_audit_id(reopen.log.front());
  record.events.push_back(reopen);
  const std::string text = rl::model::format_record(record);
  auto again = rl::model::parse_record(text, error);
  REQUIRE(again);
  CHECK(*again == record);
  CHECK(rl::model::format_record(*again) == text);
  CHECK_FALSE(again->closed());
  REQUIRE(again->last_close() != nullptr);
  CHECK(again->last_close()->kind == rl::model::CloseoutEventKind::adopt);
}

TEST_CASE("a record whose CI run time is not a time is refused, not stored as text", "[closeout][record][hostile]")
{
  rl::model::RecordParseError error;
  auto record = m00_record();
  const rl::model::CiRunEvidence run = sample_run("2026-02-08T07:51:04+02:00");
  record.events.front().ci_runs = {run};
  const std::string text = rl::model::format_record(record);
  REQUIRE(text.find("\"taken_at\": \"2026-02-08T05:51:04Z\"") != std::string::npos);
  auto again = rl::model::parse_record(text, error);
  REQUIRE(again);
  CHECK(again->events.front().ci_runs.front().stamp.taken_at == run.stamp.taken_at);
  for (const std::string bad : {"yesterday", "2026-02-30T00:00:00Z", ""}) {
    std::string edited = text;
    edited.replace(edited.find("2026-02-08T05:51:04Z"), 20, bad);
    INFO(bad);
    CHECK_FALSE(rl::model::parse_record(edited, error));
    CHECK_THAT(error.message, Catch::Contains("is not a time"));
  }
}

TEST_CASE("a record's CI run conclusion is one of GitHub's, or empty while the run has not completed",
          "[closeout][record][hostile]")
{
  rl::model::RecordParseError error;
  auto record = m00_record();
  rl::model::CiRunEvidence run = sample_run("2026-02-08T07:51:04Z");
  for (const auto conclusion : {std::optional<rl::model::CiConclusion>{rl::model::CiConclusion::timed_out},
                                std::optional<rl::model::CiConclusion>{}}) {
    run.conclusion = conclusion;
    record.events.front().ci_runs = {run};
    const auto again = rl::model::parse_record(rl::model::format_record(record), error);
    REQUIRE(again);
    CHECK(again->events.front().ci_runs.front().conclusion == conclusion);
  }
  run.conclusion = rl::model::CiConclusion::success;
  record.events.front().ci_runs = {run};
  std::string text = rl::model::format_record(record);
  text.replace(text.find("\"conclusion\": \"success\""), 23, "\"conclusion\": \"green\"");
  CHECK_FALSE(rl::model::parse_record(text, error));
  CHECK_THAT(error.message, Catch::Contains("conclusion 'green' is not a CI conclusion"));
}

TEST_CASE("a closed milestone is locked: edits are refused naming the fields", "[closeout][lock]")
{
  auto sources = rl::test::minimal_program();
  sources[1].text.replace(sources[1].text.find("title: Baseline"), 15, "title: Baseline audit");
  sources[1].text.replace(sources[1].text.find("estimate: 10"), 12, "estimate: 11");
  CHECK(rl::test::formatted([&] {
          rl::util::DiagnosticSink sink;
          rl::loader::load_definitions(sources, sink);
          return sink;
        }())
        == std::vector<std::string>{
          "milestones/M00.yaml:2:3: error: milestone M00 is closed and locked (closed 2026-01-10 at abcdef1), but "
          "its definition changed: effort, title\n"
          "  help: revert the edit (git diff milestones/M00.yaml), or reopen the milestone (the edit may stay): "
          "refactor-ledger reopen M00 --reason TEXT"});
}

TEST_CASE("closed state comes only from records", "[closeout][loader]")
{
  auto yaml_closed = rl::test::minimal_program_yaml();
  yaml_closed[1].text += "  status: closed\n";
  rl::util::DiagnosticSink sink;
  rl::loader::load_definitions(yaml_closed, sink);
  REQUIRE(sink.has_errors());
  CHECK(rl::test::formatted(sink).front().find("says status: closed but has no closeout record") != std::string::npos);

  auto with_block = rl::test::minimal_program_yaml();
  with_block[1].text += "  closeout: {date: 2026-01-10}\n";
  rl::util::DiagnosticSink sink2;
  rl::loader::load_definitions(with_block, sink2);
  REQUIRE(sink2.has_errors());
  CHECK(rl::test::formatted(sink2).front().find("close M00 --adopt") != std::string::npos);

  const auto d = loaded(rl::test::minimal_program());
  CHECK(milestone(d, "M00").status == rl::model::MilestoneStatus::closed);
  REQUIRE(milestone(d, "M00").score);
}

TEST_CASE("a damaged or misnamed record is reported at its position", "[closeout][loader]")
{
  auto sources = rl::test::minimal_program();
  auto& record = std::find_if(sources.begin(), sources.end(), [](const auto& s) {
                   return s.path == "milestones/M00.closeout.json";
                 })->text;
  const std::string good = record;
  record.insert(record.find("\"events\""), "\n  oops\n");
  rl::util::DiagnosticSink sink;
  rl::loader::load_definitions(sources, sink);
  REQUIRE(sink.has_errors());
  const std::string message = rl::test::formatted(sink).front();
  INFO(message);
  CHECK(message.rfind("milestones/M00.closeout.json:5:3: error: not valid JSON", 0) == 0);

  record = good;
  sources.push_back({"milestones/M01.closeout.json", good});
  rl::util::DiagnosticSink sink2;
  rl::loader::load_definitions(sources, sink2);
  REQUIRE(sink2.has_errors());
  CHECK(rl::test::formatted(sink2).front().find("closeout record for milestone 'M00' is named after 'M01'")
        != std::string::npos);
}

TEST_CASE("gate configuration is validated with file:line:col", "[closeout][loader]")
{
  const auto sources = rl::test::with_file("milestones/M01.yaml", R"(milestone:
  id: M01
  title: Smoke test
  phase: 1
  intent: Add a smoke test.
  gates:
    pattern_absent:
      - {pattern: "(unclosed", files: "*.yml"}
    metrics:
      - {metric: x, op: "~=", value: 1}
    aprovals: [closeout]
)");
  rl::util::DiagnosticSink sink;
  rl::loader::load_definitions(sources, sink);
  const auto messages = rl::test::formatted(sink);
  REQUIRE(messages.size() == 3);
  CHECK(messages[0].rfind("milestones/M01.yaml:8:19: error: invalid regular expression '(unclosed'", 0) == 0);
  CHECK(messages[1].rfind("milestones/M01.yaml:10:25: error: invalid operator '~=' in metric gate", 0) == 0);
  CHECK(messages[2].rfind("milestones/M01.yaml:11:5: error: unknown field 'aprovals' in gates", 0) == 0);
}

TEST_CASE("a failed gate with a current waiver is waived, naming who, why and until when", "[closeout][gates][waive]")
{
  auto sources = program_with_m01_gates();
  sources[2].text += R"(    waive:
      - {gate: "ci:smoke.yml", by: alice, reason: documentation-only milestone, until: "2026-12-31"}
    not_applicable:
      - {gate: scope, reason: the diff is the audit pack}
)";
  REQUIRE(sources[2].path == "milestones/M01.yaml");
  auto facts = good_facts();
  facts.ci_runs.clear(); // the CI gate fails
  facts.changed_files.emplace_back("src/outside.cpp");
  facts.date = "2026-06-01";
  const auto gates = gates_with(facts, sources);
  CHECK(failed(gates).empty());
  const auto ci = std::find_if(gates.begin(), gates.end(), [](const auto& g) { return g.gate == "ci:smoke.yml"; });
  REQUIRE(ci != gates.end());
  CHECK(ci->outcome == GateOutcome::waived);
  CHECK(ci->reason == "waived by alice (until 2026-12-31): documentation-only milestone");
  REQUIRE_FALSE(ci->evidence.empty());
  CHECK(ci->evidence.front().rfind("the gate found: ", 0) == 0);
  const auto scope = std::find_if(gates.begin(), gates.end(), [](const auto& g) { return g.gate == "scope"; });
  REQUIRE(scope != gates.end());
  CHECK(scope->outcome == GateOutcome::not_applicable);
  CHECK(scope->reason == "not applicable: the diff is the audit pack");

  SECTION("a waiver past its until date no longer applies")
  {
    facts.date = "2027-01-01";
    const auto later = gates_with(facts, sources);
    CHECK(failed(later) == std::vector<std::string>{"ci:smoke.yml"});
    const auto lapsed =
      std::find_if(later.begin(), later.end(), [](const auto& g) { return g.gate == "ci:smoke.yml"; });
    CHECK(lapsed->reason.find("the waiver by alice lapsed on 2026-12-31") != std::string::npos);
  }
  SECTION("a waiver of a gate that passes changes nothing but says so")
  {
    facts.ci_runs = good_facts().ci_runs;
    const auto passing = gates_with(facts, sources);
    const auto g = std::find_if(passing.begin(), passing.end(), [](const auto& x) { return x.gate == "ci:smoke.yml"; });
    CHECK(g->outcome == GateOutcome::passed);
    CHECK(std::find(
            g->evidence.begin(), g->evidence.end(), "waiver by alice (until 2026-12-31) not needed: the gate passed")
          != g->evidence.end());
  }
}

TEST_CASE("a waiver or exemption naming no gate of the milestone fails the close, listing the gates",
          "[closeout][gates][waive]")
{
  auto sources = program_with_m01_gates();
  sources[2].text += R"(    waive:
      - {gate: "ci:other.yml", by: alice, reason: typo}
    not_applicable:
      - {gate: scopes, reason: typo}
)";
  const auto gates = gates_with(good_facts(), sources);
  CHECK(failed(gates) == std::vector<std::string>{"not_applicable:scopes", "waive:ci:other.yml"});
  CHECK(gates.back().action.find("ci:smoke.yml, scope") != std::string::npos);
}

TEST_CASE("a waiver needs who and why, and a date for until", "[closeout][loader][waive]")
{
  auto sources = program_with_m01_gates();
  sources[2].text += R"(    waive:
      - {gate: scope, until: soon}
)";
  const auto problems = rl::test::formatted([&] {
    rl::util::DiagnosticSink sink;
    rl::loader::load_definitions(sources, sink);
    return sink;
  }());
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].find("missing required field 'by' in gate waiver") != std::string::npos);
  CHECK(problems[1].find("missing required field 'reason' in gate waiver") != std::string::npos);
  CHECK(problems[2].find("'soon'") != std::string::npos);
}

TEST_CASE("a record keeps what its close froze: sequence, context, digests, gate decisions, reopen changes",
          "[closeout][record][frozen]")
{
  auto record = m00_record();
  rl::model::CloseoutEvent& close = record.events.back();
  close.seq = 3;
  close.gates = {{"ci:smoke.yml", GateOutcome::waived, "waived by alice: docs only", "", {"the gate found: no run"}},
                 {"scope", GateOutcome::not_applicable, "not applicable: audit pack", "", {}}};
  close.digests = {{"milestones/closeouts/M00/M00_audit.md", std::string(64, 'a')}};
  close.frozen = rl::model::FrozenContext{
    "Demo", "Baseline", {{"invariant_count", "24"}}, {{"tests", "Tests"}}, "#### M00 — Baseline ✅ COMPLETE\n\n"};
  rl::model::CloseoutEvent reopen;
  reopen.kind = rl::model::CloseoutEventKind::reopen;
  reopen.seq = 4;
  reopen.date = "2026-02-01";
  reopen.at = "2026-02-01T00:00:00Z";
  reopen.by = "bob";
  reopen.reason = "title";
  reopen.changed = {"title"};
  record.events.push_back(reopen);
  const std::string text = rl::model::format_record(record);
  rl::model::RecordParseError error;
  const auto again = rl::model::parse_record(text, error);
  REQUIRE(again);
  CHECK(*again == record);
  CHECK(rl::model::next_seq({*again}) == 5);

  SECTION("an unknown gate result is refused")
  {
    std::string bad = text;
    bad.replace(bad.find("\"waived\""), 8, "\"skipped\"");
    CHECK_FALSE(rl::model::parse_record(bad, error));
    CHECK(error.message.find("gate result 'skipped' is not one of passed, failed, waived, not_applicable")
          != std::string::npos);
  }
}

TEST_CASE("a deferral's target may be free text, and its history is read with its milestones checked",
          "[closeout][loader][deferral]")
{
  auto sources = rl::test::minimal_program();
  sources.push_back({"milestones/deferrals.yaml", "deferrals:\n" + rl::test::k_deferral_with_history + R"(  - id: D02
    what: Lint
    discovered_in: M00
    deferred_to: M01
    history:
      - {date: "2026-01-03", event: retargeted, milestone: M99}
)"});
  const auto problems = rl::test::formatted([&] {
    rl::util::DiagnosticSink sink;
    rl::loader::load_definitions(sources, sink);
    return sink;
  }());
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].find("milestones/deferrals.yaml:13:9: error: a retargeted event needs 'to'") == 0);
  CHECK(problems[1].find("M99") != std::string::npos);

  sources.back().text.replace(sources.back().text.find("milestone: M99}"), 15, "milestone: M01, to: M01}");
  const auto d = loaded(sources);
  REQUIRE(d.deferrals.size() == 2);
  CHECK_FALSE(d.deferrals[0].deferred_to);
  CHECK(d.deferrals[0].target() == "post-M10");
  CHECK(d.deferrals[0].touches("M01"));
  CHECK_FALSE(d.deferrals[0].touches("M02"));
  REQUIRE(d.deferrals[0].history.size() == 1);
  CHECK(d.deferrals[0].history[0].event == rl::model::DeferralEventKind::retargeted);
  CHECK(d.deferrals[1].target() == "M01");
}

TEST_CASE("a renamed invariant keeps its old id as an alias: references resolve and closed milestones stay locked",
          "[closeout][loader][aliases]")
{
  auto sources = rl::test::minimal_program_yaml();
  sources.push_back(rl::test::adopted_record(sources, "M00", "2026-01-10"));
  sources.push_back(rl::test::adopted_record(sources, "M01", "2026-01-20")); // froze "protected: INV-001"
  auto& catalog = sources[4].text;
  REQUIRE(sources[4].path == "invariants/core.yaml");
  catalog.replace(catalog.find("  - id: INV-001\n"), 16, "  - id: INV-010\n    aliases: [INV-001]\n");
  REQUIRE(sources[3].path == "milestones/risks.yaml");
  sources[3].text = R"(risks:
  - {id: I01, title: No build, priority: P0, status: active, milestones: [M01], invariants: [INV-001]}
)";
  rl::util::DiagnosticSink sink;
  const rl::loader::LoadedProgram loaded = rl::loader::load_program(sources, sink);
  INFO((sink.has_errors() ? rl::test::formatted(sink).front() : std::string()));
  REQUIRE_FALSE(sink.has_errors()); // M01's frozen definition names INV-001: read as INV-010
  const auto& d = loaded.definitions;
  CHECK(milestone(d, "M01").invariants.at(0).invariant.id == "INV-010");
  CHECK(d.risks.at(0).invariants.at(0).id == "INV-010");
  CHECK(milestone(d, "M01").status == rl::model::MilestoneStatus::closed);

  SECTION("an alias that is an invariant's id, or two invariants' alias, is an error at its place")
  {
    catalog.replace(catalog.find("  - id: INV-002\n"), 16, "  - id: INV-002\n    aliases: [INV-001, INV-010]\n");
    const auto problems = rl::test::formatted([&] {
      rl::util::DiagnosticSink s;
      rl::loader::load_definitions(sources, s);
      return s;
    }());
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].find("invariants/core.yaml:11:15: error: INV-001 is an alias of both INV-010 and INV-002") == 0);
    CHECK(
      problems[1].find("invariants/core.yaml:11:24: error: INV-010 is an alias of INV-002 and the id of an invariant")
      == 0);
  }
}
