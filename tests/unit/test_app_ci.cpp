// The job summary (app/step_summary.hpp): appended to $GITHUB_STEP_SUMMARY
// when it is set, never into the ledger database, a warning (never an
// error) when it cannot be written; validate's problems as its result.
#include "app/program.hpp"
#include "app/step_summary.hpp"
#include "report/sink.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace {

namespace fs = std::filesystem;

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

// Sets GITHUB_STEP_SUMMARY for one scope, then unsets it.
struct SummaryVariable
{
  explicit SummaryVariable(const std::string& value)
  {
    ::setenv("GITHUB_STEP_SUMMARY", value.c_str(), 1);
  }
  ~SummaryVariable()
  {
    ::unsetenv("GITHUB_STEP_SUMMARY");
  }
  SummaryVariable(const SummaryVariable&) = delete;
  SummaryVariable& operator=(const SummaryVariable&) = delete;
};

std::string
read(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("the job summary is appended to GITHUB_STEP_SUMMARY only when it is set and not empty", "[app][ci]")
{
  Program p;
  const fs::path summary = p.dir.path() / "summary.md";
  rl::app::append_step_summary(p.global, "# ignored\n");
  CHECK_FALSE(fs::exists(summary));
  {
    const SummaryVariable empty("");
    rl::app::append_step_summary(p.global, "# ignored\n");
  }
  {
    const SummaryVariable variable(summary.string());
    std::ofstream(summary) << "earlier step\n";
    rl::app::append_step_summary(p.global, "# one\n");
    rl::app::append_step_summary(p.global, "# two\n");
  }
  CHECK(read(summary) == "earlier step\n# one\n# two\n");
  CHECK(p.sink.err_text.empty());
  CHECK(p.sink.out_text.empty());
}

TEST_CASE("the job summary is never written into the ledger database nor where it cannot be", "[app][ci][hostile]")
{
  Program p;
  (void)rl::app::load(p.global);
  const std::string db_before = read(p.global.db);
  const fs::path link = p.dir.path() / "link.md";
  fs::create_symlink(p.global.db, link);
  for (const fs::path& target : {p.global.db,
                                 link,
                                 fs::path(p.global.db.string() + "-wal"),
                                 p.dir.path() / "milestones",
                                 p.dir.path() / "missing" / "summary.md"}) {
    INFO(target);
    p.sink.err_text.clear();
    const SummaryVariable variable(target.string());
    rl::app::append_step_summary(p.global, "# summary\n");
    CHECK(p.sink.err_text.rfind("refactor-ledger: warning: the job summary was not written", 0) == 0);
    CHECK(std::count(p.sink.err_text.begin(), p.sink.err_text.end(), '\n') == 1);
  }
  CHECK(read(p.global.db) == db_before);
}

TEST_CASE("validate returns every problem as its result, with exit 3", "[app][ci]")
{
  Program p;
  std::ofstream(p.dir.path() / "milestones" / "M01.yaml", std::ios::app) << "ownr: x\n";
  const rl::model::ValidateResult r = rl::app::validate(p.global);
  CHECK_FALSE(r.valid());
  REQUIRE_FALSE(r.diagnostics.empty());
  CHECK(r.diagnostics.front().location.path == "milestones/M01.yaml");
  CHECK(r.counts.files == 7);
  CHECK(rl::app::exit_code(r) == rl::app::ExitCode::input_error);
  CHECK(rl::app::exit_code(rl::app::validate(Program().global)) == rl::app::ExitCode::ok);
}
