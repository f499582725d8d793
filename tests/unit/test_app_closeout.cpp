// The closeout use cases (close, approve, reopen, log, recover) on a copy of
// the closeout_usage golden program in a temporary git repository: the typed
// results they return, and that they print nothing themselves.
#include "app/approve.hpp"
#include "app/audit_log.hpp"
#include "app/close.hpp"
#include "app/closeout_edits.hpp"
#include "app/closeout_support.hpp"
#include "app/ledger.hpp"
#include "app/recover.hpp"
#include "app/reopen.hpp"
#include "report/sink.hpp"
#include "rules/gates.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using rl::model::CloseOutcome;

std::string
read_file(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int
shell(const std::string& command)
{
  return std::system(command.c_str()); // NOLINT(cert-env33-c): test setup, fixed commands
}

// The golden case closeout_usage's program (M00 adopted, M01 in progress,
// M02 planned; M02 made to require a 'closeout' approval) committed to a new
// git repository, with its ledger in a folder of its own, under a fixed clock.
class Program
{
public:
  Program()
  {
    ::setenv("SOURCE_DATE_EPOCH", "1772323200", 1); // 2026-03-01T00:00:00Z
    fs::copy(fs::path(RL_SOURCE_DIR) / "tests/golden/closeout_usage/input", root(), fs::copy_options::recursive);
    std::ofstream(root() / "milestones/M02.yaml", std::ios::app) << "  gates:\n    approvals: [closeout]\n";
    const std::string git = "git -C '" + root().string() + "' ";
    REQUIRE(shell(git + "init -q -b main") == 0);
    REQUIRE(shell(git + "add -A") == 0);
    REQUIRE(shell(git + "-c user.name=tester -c user.email=t@example.com commit -qm program") == 0);
    REQUIRE(shell(git + "rev-parse HEAD >'" + (m_dir.path() / "head").string() + "'") == 0);
    head = read_file(m_dir.path() / "head");
    head.erase(head.find_last_not_of('\n') + 1);
    global.root = root();
    global.db = m_dir.path() / "ledger" / "ledger.db";
    global.command_line = "refactor-ledger (unit test)";
    global.sink = &sink;
  }

  fs::path root() const
  {
    return m_dir.path() / "program";
  }

  rl::report::StringSink sink;
  rl::app::GlobalOptions global;
  std::string head; // the commit of the program

private:
  rl::test::TempDir m_dir;
};

std::vector<std::string>
gate_names(const std::vector<rl::model::GateResult>& gates)
{
  std::vector<std::string> names;
  for (const rl::model::GateResult& g : gates) {
    names.push_back(g.gate);
  }
  return names;
}

} // namespace

TEST_CASE("close --dry-run returns every gate of the milestone at HEAD and writes nothing", "[app][closeout]")
{
  Program p;
  rl::app::CloseOptions options;
  options.dry_run = true;
  const rl::model::CloseResult r = rl::app::run_close(p.global, {"M01"}, options);
  CHECK(r.outcome == CloseOutcome::would_refuse);
  CHECK(r.dry_run());
  CHECK(r.milestones == std::vector<std::string>{"M01"});
  REQUIRE(r.evaluated.size() == 1);
  const rl::model::MilestoneGates& m = r.evaluated.front();
  CHECK(m.milestone == "M01");
  CHECK(m.commit == p.head);
  CHECK(gate_names(m.gates)
        == std::vector<std::string>{"dependencies", "deliverables", "invariants", "scope", "deferrals"});
  CHECK(m.failed() == 2); // INV-001 has no evidence; the base commit is not in this repository
  const auto invariants =
    std::find_if(m.gates.begin(), m.gates.end(), [](const auto& g) { return g.gate == "invariants"; });
  REQUIRE(invariants != m.gates.end());
  CHECK(invariants->outcome == rl::model::GateOutcome::failed);
  CHECK_FALSE(invariants->action.empty());
  CHECK(invariants->evidence
        == std::vector<std::string>{"INV-001 unverified: no verification rules (add 'verify:' to the invariant)"});
  CHECK(r.written.empty());
  CHECK(rl::app::exit_code(r) == rl::app::ExitCode::negative);
  CHECK_FALSE(fs::exists(p.root() / "milestones/M01.closeout.json"));
  CHECK(p.sink.out_text.empty());
}

TEST_CASE("close refuses with the failing gates and writes nothing when a gate fails", "[app][closeout]")
{
  Program p;
  const rl::model::CloseResult r = rl::app::run_close(p.global, {"M01"}, rl::app::CloseOptions{});
  CHECK(r.outcome == CloseOutcome::refused);
  CHECK_FALSE(r.dry_run());
  REQUIRE(r.evaluated.size() == 1);
  CHECK(r.evaluated.front().failed() == 2);
  CHECK(r.written.empty());
  CHECK(rl::app::exit_code(r) == rl::app::ExitCode::negative);
  CHECK_FALSE(fs::exists(p.root() / "milestones/M01.closeout.json"));
  CHECK(p.sink.out_text.empty());
}

TEST_CASE("close --adopt returns the files it wrote, and reopen those it rewrote", "[app][closeout]")
{
  Program p;
  rl::app::CloseOptions options;
  options.adopt = true;
  options.commit = "abcdef1";
  options.date = "2026-02-01";
  options.by = "bob";
  const rl::model::CloseResult closed = rl::app::run_close(p.global, {"M01"}, options);
  CHECK(closed.outcome == CloseOutcome::adopted);
  CHECK(closed.evaluated.empty());
  CHECK(closed.date == "2026-02-01");
  CHECK(closed.commit == "abcdef1");
  REQUIRE_FALSE(closed.written.empty());
  CHECK(closed.written.front() == "milestones/M01.closeout.json");
  CHECK(std::count(closed.written.begin(), closed.written.end(), "REFACTOR.md") == 1);
  for (const std::string& file : closed.written) {
    CHECK(fs::exists(p.root() / file));
  }
  CHECK(rl::app::exit_code(closed) == rl::app::ExitCode::ok);

  CHECK_THROWS_AS(rl::app::run_reopen(p.global, "M01", " ", "bob"), rl::util::UsageError);
  const rl::model::ReopenResult reopened = rl::app::run_reopen(p.global, "M01", "scope was wrong", "bob");
  CHECK(reopened.milestone == "M01");
  CHECK(reopened.reason == "scope was wrong");
  REQUIRE_FALSE(reopened.written.empty());
  CHECK(reopened.written.front() == "milestones/M01.closeout.json");
  CHECK(read_file(p.root() / "milestones/M01.closeout.json").find("scope was wrong") != std::string::npos);
  CHECK(p.sink.out_text.empty());
}

TEST_CASE("approve returns the sign-off it recorded, and log returns it as the latest entry", "[app][closeout]")
{
  Program p;
  CHECK_THROWS_AS(rl::app::run_approve(p.global, "M02", "release", "alice", ""), rl::util::UsageError);
  const rl::model::ApproveResult a = rl::app::run_approve(p.global, "M02", "closeout", "alice", "go ahead");
  CHECK(a.milestone == "M02");
  CHECK(a.approval == "closeout");
  CHECK(a.by == "alice");
  CHECK(a.note == "go ahead");
  CHECK(a.at == "2026-03-01T00:00:00Z");

  const rl::model::LogResult all = rl::app::run_log(p.global, {});
  REQUIRE(all.entries.size() == 4); // M00's load and adopt (from its record), this load, the approval
  CHECK(all.entries[1].action == "adopt");
  CHECK(all.entries[1].milestone == "M00");
  CHECK(all.entries.back().action == "approve");
  CHECK(all.entries.back().user == "alice");
  CHECK(all.entries.back().summary == "closeout approved by alice: go ahead");
  CHECK(all.entries.back().command == "refactor-ledger (unit test)");
  CHECK(all.entries.back().commit == p.head);

  rl::app::LogOptions only_m00;
  only_m00.milestone = "M00";
  const rl::model::LogResult m00 = rl::app::run_log(p.global, only_m00);
  REQUIRE(m00.entries.size() == 1);
  CHECK(m00.entries.front().summary.rfind("M00 recorded as closed", 0) == 0);
  rl::app::LogOptions latest;
  latest.limit = 1;
  CHECK(rl::app::run_log(p.global, latest).entries == std::vector<rl::model::AuditEntry>{all.entries.back()});
  CHECK(p.sink.out_text.empty());
}

TEST_CASE("recover returns the last action, the completion and the next milestone's open gates", "[app][closeout]")
{
  Program p;
  const rl::model::RecoverResult r = rl::app::run_recover(p.global);
  REQUIRE(r.last_action.has_value());
  CHECK(r.last_action->action == "load");
  CHECK(r.last_action->at == "2026-03-01T00:00:00Z");
  CHECK(r.progress.closed == 1);
  CHECK(r.progress.total == 3);
  CHECK(r.progress.percent == 33);
  CHECK(r.progress.current_phase == 0);
  CHECK_FALSE(r.progress.complete);
  REQUIRE(r.next.has_value());
  CHECK(r.next->milestone == "M01");
  CHECK(r.next->title == "Import Smoke Test");
  CHECK(gate_names(r.next->open_gates) == std::vector<std::string>{"invariants", "scope"});
  for (const rl::model::GateResult& g : r.next->open_gates) {
    CHECK(g.outcome == rl::model::GateOutcome::failed);
  }
  CHECK(rl::app::exit_code(r) == rl::app::ExitCode::ok);
  CHECK(p.sink.out_text.empty());
}

TEST_CASE("closeout edits change only their entries' lines, keep comments, and refuse what they cannot edit in place",
          "[app][closeout][edits]")
{
  rl::test::TempDir dir;
  const std::string deferrals = R"(deferrals:
  # D01: kept open on purpose
  - id: D01
    what: Coverage
    discovered_in: M00
    status: open # until M03
    history:
      - {date: "2026-01-02", event: opened, milestone: M00}
    source_ref: CI-1

  # the last one
  - id: D02
    what: Lint
    discovered_in: M00

# end of file
)";
  std::filesystem::create_directories(dir.path() / "milestones");
  std::ofstream(dir.path() / "milestones/deferrals.yaml") << deferrals;
  rl::model::Definitions d;
  for (const char* id : {"D01", "D02"}) {
    rl::model::Deferral x;
    x.id = id;
    x.origin = {"milestones/deferrals.yaml", 1, 1};
    d.deferrals.push_back(x);
  }
  rl::app::CloseoutEdits edits;
  edits.resolve = {"D01", "D02"};
  edits.defer = {"Pin \"all\" actions"};
  edits.defer_to = {"post-M10"};
  const auto files = rl::app::closeout_edits(dir.path(), d, "M05", "2026-06-22", edits);
  REQUIRE(files.size() == 1);
  CHECK(files[0].text == R"(deferrals:
  # D01: kept open on purpose
  - id: D01
    what: Coverage
    discovered_in: M00
    status: resolved # until M03
    history:
      - {date: "2026-01-02", event: opened, milestone: M00}
      - {date: "2026-06-22", event: resolved, milestone: M05, note: "closeout of M05"}
    source_ref: CI-1

  # the last one
  - id: D02
    what: Lint
    discovered_in: M00
    status: resolved
    history:
      - {date: "2026-06-22", event: resolved, milestone: M05, note: "closeout of M05"}
  - id: D03
    what: "Pin \"all\" actions"
    discovered_in: M05
    deferred_to: "post-M10"
    status: open
    history:
      - {date: "2026-06-22", event: opened, milestone: M05, note: "closeout of M05"}

# end of file
)");

  SECTION("an unknown or settled id is a usage error")
  {
    edits = {};
    edits.resolve = {"D09"};
    CHECK_THROWS_WITH(rl::app::closeout_edits(dir.path(), d, "M05", "2026-06-22", edits),
                      "--resolve D09: no such deferral");
    d.deferrals[0].status = rl::model::DeferralStatus::resolved;
    edits.resolve = {"D01"};
    CHECK_THROWS_WITH(rl::app::closeout_edits(dir.path(), d, "M05", "2026-06-22", edits),
                      "--resolve D01: the deferral is resolved, not open");
    // Named twice: said so (it used to read "the deferral is open, not open").
    edits.resolve = {"D02", "D02"};
    CHECK_THROWS_WITH(rl::app::closeout_edits(dir.path(), d, "M05", "2026-06-22", edits),
                      "--resolve D02: given twice; name each deferral once");
    edits = {};
    rl::model::Risk risk;
    risk.id = "I03";
    risk.origin = {"milestones/risks.yaml", 1, 1};
    d.risks.push_back(risk);
    edits.mitigate = {"I03", "I03"};
    CHECK_THROWS_WITH(rl::app::closeout_edits(dir.path(), d, "M05", "2026-06-22", edits),
                      "--mitigate I03: given twice; name each risk once");
    edits.mitigate = {"I04"};
    CHECK_THROWS_WITH(rl::app::closeout_edits(dir.path(), d, "M05", "2026-06-22", edits),
                      "--mitigate I04: no such risk");
  }
  SECTION("new deferral ids continue the highest, in the program's pattern")
  {
    std::ofstream(dir.path() / "milestones/deferrals.yaml")
      << "deferrals:\n  - id: M00-V09\n    what: x\n    discovered_in: M00\n  - id: M00-V02\n    what: y\n"
         "    discovered_in: M00\n";
    d.deferrals[0].id = "M00-V09";
    d.deferrals[1].id = "M00-V02";
    d.program.ids.deferral = "M[0-9]{2}-V[0-9]{2}";
    edits = {};
    edits.defer = {"one", "two"};
    edits.defer_to = {"M06", "post-M10"};
    const auto out = rl::app::closeout_edits(dir.path(), d, "M05", "2026-06-22", edits);
    REQUIRE(out.size() == 1);
    CHECK(out[0].text.find("  - id: M00-V10\n    what: \"one\"") != std::string::npos);
    CHECK(out[0].text.find("  - id: M00-V11\n    what: \"two\"") != std::string::npos);
    // When the next id would leave the pattern, close says so instead of writing it.
    d.program.ids.deferral = "M[0-9]{2}-V0[0-9]";
    CHECK_THROWS_WITH(rl::app::closeout_edits(dir.path(), d, "M05", "2026-06-22", edits),
                      "--defer: cannot tell the id after M00-V09 (M00-V10 is not a deferral id matching "
                      "M[0-9]{2}-V0[0-9] (program.yaml ids.deferral)); add the deferral to "
                      "milestones/deferrals.yaml by hand");
  }
  SECTION("a history written as a flow list is refused at its place")
  {
    std::ofstream(dir.path() / "milestones/deferrals.yaml")
      << "deferrals:\n  - id: D01\n    what: x\n    discovered_in: M00\n    history: [{date: \"2026-01-02\", event: "
         "opened}]\n";
    edits = {};
    edits.resolve = {"D01"};
    try {
      rl::app::closeout_edits(dir.path(), d, "M05", "2026-06-22", edits);
      FAIL("a flow history was edited");
    } catch (const rl::util::InputError& e) {
      CHECK(e.diagnostics().front().location.line == 5);
      CHECK(e.diagnostics().front().message == "close cannot add to a history written as a flow list ([...])");
    }
  }
}

TEST_CASE("a gate declared not applicable has no facts gathered: no git diff, no git grep", "[app][closeout][gates]")
{
  Program p;
  // A second commit changes a file, so that the scope diff has something to list.
  std::ofstream(p.root() / "notes.txt") << "INV-001 still matters\n";
  const std::string git = "git -C '" + p.root().string() + "' ";
  REQUIRE(shell(git + "add -A") == 0);
  REQUIRE(shell(git + "-c user.name=tester -c user.email=t@example.com commit -qm notes") == 0);

  rl::app::Ledger ledger = rl::app::open_current(p.global);
  const rl::model::Definitions& d = ledger.definitions();
  const rl::model::Milestone* m = rl::model::find_milestone(d, "M01");
  REQUIRE(m != nullptr);
  rl::model::EffectiveGates gates = rl::model::effective_gates(d.program.gates, m->gates);
  gates.scope = true;
  gates.pattern_absent = {{"INV-[0-9]+", "**", ""}};
  const rl::app::GateSource source{"HEAD", p.head};

  const rl::rules::GateFacts applicable = rl::app::gather_facts(*ledger.db, p.root(), d, {}, *m, gates, source, {}, {});
  CHECK(applicable.changed_files == std::vector<std::string>{"notes.txt"});
  REQUIRE(applicable.patterns.size() == 1);
  CHECK(applicable.patterns[0].count > 0);

  gates.not_applicable = {{"scope", "no code"}, {"pattern:**", "no code"}};
  const rl::rules::GateFacts exempt = rl::app::gather_facts(*ledger.db, p.root(), d, {}, *m, gates, source, {}, {});
  CHECK(exempt.changed_files.empty());
  REQUIRE(exempt.patterns.size() == 1);
  CHECK(exempt.patterns[0].count == 0);
  CHECK(exempt.base_commit == applicable.base_commit);

  const std::vector<rl::model::GateResult> results = rl::rules::evaluate_gates(d, *m, gates, exempt);
  for (const char* name : {"scope", "pattern:**"}) {
    const auto it = std::find_if(results.begin(), results.end(), [&](const auto& g) { return g.gate == name; });
    REQUIRE(it != results.end());
    CHECK(it->outcome == rl::model::GateOutcome::not_applicable);
    CHECK(it->reason == "not applicable: no code");
    CHECK(it->evidence.empty());
  }
}

TEST_CASE("close --score names the program's dimensions, or says where to declare them when it has none",
          "[app][closeout][score]")
{
  Program p;
  rl::app::CloseOptions options;
  options.dry_run = true;
  options.scores = {"architecture=8"};
  CHECK_THROWS_WITH(rl::app::run_close(p.global, {"M01"}, options),
                    "--score 'architecture=8': the program has no score dimension 'architecture'; dimensions: tests");
  options.scores = {"tests"};
  CHECK_THROWS_WITH(rl::app::run_close(p.global, {"M01"}, options),
                    "--score 'tests' must be DIM=VALUE, e.g. --score tests=8; dimensions: tests");

  // A program without score dimensions: no empty list, but where they go.
  const rl::model::Definitions none;
  CHECK_THROWS_WITH(rl::app::score_dimension(none, "tests=8"),
                    "--score 'tests=8': the program declares no score dimensions; declare them under 'scores:' in "
                    "milestones/program.yaml (each with id, name, kind, max), or leave --score out");
}

TEST_CASE("the scope gate never counts git-ignored files, nor vendored ones unless scope.paths names them",
          "[app][closeout][gates][scope]")
{
  Program p;
  const std::string git = "git -C '" + p.root().string() + "' ";
  const std::string commit = git + "-c user.name=tester -c user.email=t@example.com commit -qm ";
  std::ofstream(p.root() / ".gitignore") << "build/\n*.log\n";
  std::ofstream(p.root() / ".gitattributes") << "third_party/** linguist-vendored\n"
                                                "gen/*.pb.cc linguist-generated\n"
                                                "third_party/ours.c -linguist-vendored\n";
  REQUIRE(shell(git + "add -A && " + commit + "attributes") == 0);
  REQUIRE(shell(git + "rev-parse HEAD >'" + (p.root() / "base.txt").string() + "'") == 0);
  std::string base = read_file(p.root() / "base.txt");
  base.erase(base.find_last_not_of('\n') + 1);
  fs::remove(p.root() / "base.txt");
  for (const char* file :
       {"build/out.o", "trace.log", "third_party/lib.c", "third_party/ours.c", "gen/a.pb.cc", "src/x.cpp"}) {
    fs::create_directories((p.root() / file).parent_path());
    std::ofstream(p.root() / file) << "content\n";
  }
  REQUIRE(shell(git + "add -A && " + git + "add -f build/out.o trace.log && " + commit + "changes") == 0);

  rl::app::Ledger ledger = rl::app::open_current(p.global);
  const rl::model::Definitions& d = ledger.definitions();
  rl::model::Milestone m = *rl::model::find_milestone(d, "M01");
  rl::model::EffectiveGates gates = rl::model::effective_gates(d.program.gates, m.gates);
  gates.scope = true;
  const rl::rules::GateFacts f =
    rl::app::gather_facts(*ledger.db, p.root(), d, {}, m, gates, rl::app::GateSource{"HEAD", base}, {}, {});
  CHECK(f.changed_files.size() == 6);
  CHECK(f.ignored_files == std::vector<std::string>{"build/out.o", "trace.log"});
  CHECK(f.vendored_files == std::vector<std::string>{"gen/a.pb.cc", "third_party/lib.c"});

  const auto scope = [&](std::vector<std::string> paths) {
    m.scope_paths = std::move(paths);
    const std::vector<rl::model::GateResult> results = rl::rules::evaluate_gates(d, m, gates, f);
    const auto it = std::find_if(results.begin(), results.end(), [](const auto& g) { return g.gate == "scope"; });
    REQUIRE(it != results.end());
    return *it;
  };
  // Ignored and vendored files outside the scope do not trip it.
  const rl::model::GateResult inside = scope({"src/**", "third_party/ours.c"});
  CHECK(inside.outcome == rl::model::GateOutcome::passed);
  CHECK(inside.reason.find("2 files changed") != std::string::npos);
  CHECK(inside.reason.find("(4 git-ignored or vendored not counted)") != std::string::npos);
  // A vendored file the scope names counts; an ignored one never does.
  const rl::model::GateResult named = scope({"src/**", "third_party/**", "build/**"});
  CHECK(named.outcome == rl::model::GateOutcome::passed);
  CHECK(named.reason.find("3 files changed") != std::string::npos);
  // What does count is still checked.
  const rl::model::GateResult outside = scope({"third_party/ours.c"});
  CHECK(outside.outcome == rl::model::GateOutcome::failed);
  CHECK(outside.evidence == std::vector<std::string>{"src/x.cpp"});
}

TEST_CASE("close warns once about uncommitted changes outside the ledger's files, since it records HEAD",
          "[app][closeout][uncommitted]")
{
  Program p;
  std::ofstream(p.root() / "milestones/notes.md") << "the ledger's own folder\n";
  rl::app::CloseOptions options;
  rl::app::run_close(p.global, {"M01"}, options); // refused: its gates fail
  CHECK(p.sink.err_text.find("warning") == std::string::npos);

  for (const char* file : {"a.txt", "b.txt", "c.txt", "d.txt"}) {
    std::ofstream(p.root() / file) << "work in progress\n";
  }
  p.sink.err_text.clear();
  rl::app::run_close(p.global, {"M01"}, options);
  CHECK(p.sink.err_text
        == "refactor-ledger: warning: 4 files have uncommitted changes outside the ledger's files (a.txt, b.txt, "
           "c.txt, …); the closeout records HEAD, without them: commit them first if they belong to the milestone\n");

  // A dry run writes nothing and records nothing: no warning.
  p.sink.err_text.clear();
  options.dry_run = true;
  rl::app::run_close(p.global, {"M01"}, options);
  CHECK(p.sink.err_text.empty());
}
