// The program's use cases (app/program.hpp) run against a copy of a small
// program, with the ledger in a temporary folder: what they return, and that
// they print nothing themselves.
#include "app/program.hpp"
#include "report/sink.hpp"
#include "store/database.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace {

namespace fs = std::filesystem;

// query's memory limit needs SQLite's statistics, kept only if asked for
// before SQLite starts (as the program does first thing in `query`).
const bool k_memory_statistics = rl::store::keep_sqlite_memory_statistics();

struct Program
{
  rl::test::TempDir dir;
  rl::report::StringSink sink;
  rl::app::GlobalOptions global;

  Program()
  {
    fs::copy(fs::path(RL_SOURCE_DIR) / "tests/golden/json_outputs/input", dir.path(), fs::copy_options::recursive);
    global.root = dir.path();
    global.db = dir.path() / ".ledger" / "ledger.db";
    global.sink = &sink;
  }
};

std::string
read(const fs::path& path)
{
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("validate counts the definitions and writes nothing", "[app][program]")
{
  Program p;
  const rl::model::ValidateResult r = rl::app::validate(p.global);
  CHECK(r.counts.files == 7);
  CHECK(r.counts.milestones == 3);
  CHECK(r.counts.invariants == 3);
  CHECK(r.counts.risks == 2);
  CHECK_FALSE(fs::exists(p.global.db));
  CHECK(p.sink.out_text.empty());
}

TEST_CASE("load reports updated, then unchanged", "[app][program]")
{
  Program p;
  CHECK(rl::app::load(p.global).updated);
  const rl::model::LoadSummary again = rl::app::load(p.global);
  CHECK_FALSE(again.updated);
  CHECK(again.database == ".ledger/ledger.db");
  CHECK(again.counts.milestones == 3);
  CHECK(p.sink.out_text.empty());
}

TEST_CASE("list use cases filter and keep canonical order", "[app][program]")
{
  Program p;
  const rl::model::InvariantList all = rl::app::list_invariants(p.global, {});
  REQUIRE(all.invariants.size() == 3);
  CHECK(all.invariants[0].invariant.id == "INV-001");
  CHECK(all.invariants[0].evaluation.status == rl::model::InvariantStatus::unverified);

  rl::app::InvariantFilter p0;
  p0.priority = {"P0"};
  for (const rl::model::InvariantView& v : rl::app::list_invariants(p.global, p0).invariants) {
    CHECK(v.invariant.priority == rl::model::Priority::p0);
  }

  const rl::model::MilestoneList milestones = rl::app::list_milestones(p.global, {});
  REQUIRE(milestones.milestones.size() == 3);
  CHECK(milestones.milestones[0].milestone.id == "M00");
  for (const rl::model::MilestoneView& m : milestones.milestones) {
    CHECK_FALSE(m.next); // M01 is in progress: nothing is next
  }

  rl::app::RiskFilter bad;
  bad.status = {"nope"};
  CHECK_THROWS_AS(rl::app::list_risks(p.global, bad), rl::util::UsageError);
  CHECK(rl::app::list_risks(p.global, {}).risks.size() == 2);
}

TEST_CASE("show finds each kind of id and refuses an unknown one", "[app][program]")
{
  Program p;
  CHECK(std::holds_alternative<rl::model::MilestoneDetail>(rl::app::show(p.global, "M01").item));
  CHECK(std::holds_alternative<rl::model::InvariantDetail>(rl::app::show(p.global, "INV-001").item));
  CHECK(std::holds_alternative<rl::model::Risk>(rl::app::show(p.global, "I01").item));
  CHECK_THROWS_AS(rl::app::show(p.global, "NOPE"), rl::util::UsageError);
}

TEST_CASE("status computes the program's figures", "[app][program]")
{
  Program p;
  const rl::model::StatusResult s = rl::app::status(p.global);
  CHECK(s.metrics.milestone_total == 3);
  CHECK(s.metrics.milestone_closed == 1);
  CHECK(s.metrics.percent_complete == 33);
  CHECK(s.metrics.invariant_total == 3);
  CHECK(s.metrics.invariants_by_priority[0] == 2);
  CHECK(s.metrics.current_phase == 0);
  CHECK(s.current_phase_name == "Foundation");
  CHECK(s.metrics.in_progress_milestone == "M01");
  CHECK_FALSE(s.metrics.next_milestone);
  CHECK(s.metrics.remaining_effort == 10.0);
}

TEST_CASE("render writes the log, then finds it current, and a changed log stale", "[app][program]")
{
  Program p;
  const rl::model::RenderResult written = rl::app::render(p.global, {});
  REQUIRE_FALSE(written.files.empty());
  CHECK(written.files[0].state == rl::model::RenderedFileState::State::written);
  CHECK(rl::app::exit_code(written) == rl::app::ExitCode::ok);

  rl::app::RenderOptions check;
  check.mode = rl::app::WriteMode::check_only;
  CHECK(rl::app::render(p.global, check).files[0].state == rl::model::RenderedFileState::State::up_to_date);

  const fs::path log = p.dir.path() / written.files[0].shown;
  const std::string before = read(log);
  std::ofstream(log, std::ios::app) << "edited by hand\n";
  const rl::model::RenderResult stale = rl::app::render(p.global, check);
  CHECK(stale.files[0].state == rl::model::RenderedFileState::State::stale);
  CHECK(stale.files[0].diff.find("-edited by hand") != std::string::npos);
  CHECK(rl::app::exit_code(stale) == rl::app::ExitCode::negative);
  CHECK(read(log) == before + "edited by hand\n"); // --check writes nothing
}

TEST_CASE("query returns typed cells with distinct column names", "[app][program]")
{
  Program p;
  rl::app::QueryOptions options;
  options.sql = "SELECT 1 AS a, 'x' AS a, NULL AS n, x'00ff' AS b, 1.5 AS f";
  const rl::model::QueryRows rows = rl::app::query(p.global, options);
  CHECK(rows.columns == std::vector<std::string>{"a", "a_2", "n", "b", "f"});
  REQUIRE(rows.rows.size() == 1);
  CHECK(std::get<std::int64_t>(rows.rows[0][0]) == 1);
  CHECK(std::get<std::string>(rows.rows[0][1]) == "x");
  CHECK(std::holds_alternative<std::monostate>(rows.rows[0][2]));
  CHECK(std::get<rl::model::Blob>(rows.rows[0][3]).bytes == std::string("\0\xff", 2));

  options.sql = "DELETE FROM milestone";
  CHECK_THROWS_AS(rl::app::query(p.global, options), rl::util::InputError);
}

TEST_CASE("a program-written section is copied into REFACTOR.md at its position, and a missing file is refused",
          "[app][program][sections]")
{
  Program p;
  const fs::path program = p.dir.path() / "milestones/program.yaml";
  std::string yaml = read(program);
  const std::string key = "program:\n";
  REQUIRE(yaml.find(key) != std::string::npos);
  yaml.insert(yaml.find(key) + key.size(),
              "  sections:\n"
              "    - {title: Architecture Principles, file: docs/principles.md, after: governance}\n");
  std::ofstream(program) << yaml;
  fs::create_directories(p.dir.path() / "docs");

  SECTION("missing file: exit 3 at the entry, nothing written")
  {
    try {
      rl::app::render(p.global, {});
      FAIL("render accepted a missing section file");
    } catch (const rl::util::InputError& e) {
      REQUIRE_FALSE(e.diagnostics().empty());
      CHECK(e.diagnostics().front().location.path == "milestones/program.yaml");
      CHECK(e.diagnostics().front().location.line == 3);
      CHECK(e.diagnostics().front().message == "section 'Architecture Principles': docs/principles.md is not a file");
    }
  }
  SECTION("present: placed after the governance section, under its title")
  {
    std::ofstream(p.dir.path() / "docs/principles.md") << "1. Small steps.\n2. Evidence first.\n\n";
    const rl::model::RenderResult written = rl::app::render(p.global, {});
    const std::string log = read(p.dir.path() / written.files[0].shown);
    const auto section = log.find("## Architecture Principles\n\n<!-- Written by the program in docs/principles.md");
    REQUIRE(section != std::string::npos);
    CHECK(log.find("1. Small steps.\n2. Evidence first.\n\n---\n", section) != std::string::npos);
    CHECK(section < log.find("## Milestone History"));
    rl::app::RenderOptions check;
    check.mode = rl::app::WriteMode::check_only;
    CHECK(rl::app::render(p.global, check).files[0].state == rl::model::RenderedFileState::State::up_to_date);
    std::ofstream(p.dir.path() / "docs/principles.md") << "1. Small steps.\n";
    CHECK(rl::app::render(p.global, check).files[0].state == rl::model::RenderedFileState::State::stale);
  }
}
