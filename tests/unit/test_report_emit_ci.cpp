// The CI formats (report/emit_ci.hpp): GitHub workflow commands with the
// runner's escaping, no command injected by hostile text, the SARIF log of
// check, validate's JSON and the Markdown job summaries.
#include "report/emit_ci.hpp"
#include "report/emit_closeout.hpp"
#include "report/emit_evidence.hpp"
#include "report/emit_program.hpp"
#include "support/emit_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace {

using rl::model::OutputFormat;
using rl::test::emit_captured;
using rl::test::emitted;

std::vector<std::string>
lines_of(const std::string& text)
{
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

// Text meant to start workflow commands of its own: line breaks of every
// kind, "::" sequences, an escape sequence, a '%' that must not decode.
const std::string k_hostile = "x\n::error::injected\r::warning file=a,line=1::b\r\n%0A::add-mask::%25 \x1b[31m"
                              "\xE2\x80\xA8::notice::sep \x85::c";

rl::model::CheckResult
check_result()
{
  rl::model::CheckResult r;
  r.require_verified = true;
  r.repo_prefix = "sub/";
  r.offenders.push_back({"INV-001",
                         "Public imports",
                         rl::model::Priority::p0,
                         rl::model::InvariantStatus::failing,
                         {"test_imports failed at abc1234"},
                         "Every public module imports.",
                         {"invariants/core.yaml", 6, 5}});
  r.offenders.push_back({"INV-002",
                         "CLI, exit: codes 100%",
                         rl::model::Priority::p1,
                         rl::model::InvariantStatus::unverified,
                         {},
                         "",
                         {"invariants/my core.yaml", 0, 0}});
  return r;
}

} // namespace

TEST_CASE("workflow command values are escaped as the GitHub runner unescapes them", "[report][ci]")
{
  CHECK(rl::report::github_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b");
  CHECK(rl::report::github_property("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext%3A a%2C b");
  CHECK(rl::report::github_data("tab\tok \x1b[0m \x7f") == "tab\tok \\x1b[0m \\x7f");
  CHECK(rl::report::github_data("a\xE2\x80\xA8z") == "a\\u2028z");
  CHECK(rl::report::workflow_command({"warning", "m/a,b.yaml", 3, 7, "T: 1", "msg"})
        == "::warning file=m/a%2Cb.yaml,line=3,col=7,title=T%3A 1::msg\n");
  CHECK(rl::report::workflow_command({"error", "", 3, 7, "", "no file"}) == "::error::no file\n");
  CHECK(rl::report::workflow_command({"error", "f.yaml", 0, 7, "t", "m"}) == "::error file=f.yaml,title=t::m\n");
}

TEST_CASE("check --format github writes one annotation per offender at its invariant's line", "[report][ci]")
{
  const std::string out = emitted(check_result(), OutputFormat::github);
  const std::vector<std::string> lines = lines_of(out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]
        == "::error file=sub/invariants/core.yaml,line=6,col=5,title=INV-001 failing::Public imports: "
           "test_imports failed at abc1234");
  CHECK(lines[1] == "::warning file=sub/invariants/my core.yaml,title=INV-002 unverified::CLI, exit: codes 100%25");
  CHECK(lines[2] == "refactor-ledger check failed: 2 invariants at P0 or above not verified");
  rl::model::CheckResult passed;
  CHECK(emitted(passed, OutputFormat::github)
        == "refactor-ledger check passed: no invariant at P0 or above is failing\n");
}

TEST_CASE("hostile text in names, reasons, messages and gates starts no workflow command of its own",
          "[report][ci][hostile]")
{
  rl::model::CheckResult check = check_result();
  check.offenders[0].name = k_hostile;
  check.offenders[0].reasons = {k_hostile, k_hostile};
  check.offenders[0].origin.path = "invariants/" + k_hostile + ".yaml";

  rl::model::ValidateResult validate;
  validate.diagnostics.push_back(
    {rl::util::Severity::error, {"milestones/" + k_hostile, 2, 3}, "bad " + k_hostile, "help " + k_hostile});

  rl::model::CloseResult close;
  close.outcome = rl::model::CloseOutcome::would_refuse;
  close.milestones = {"M02"};
  close.evaluated.push_back({"M02",
                             "",
                             {{k_hostile, rl::model::GateOutcome::failed, k_hostile, k_hostile, {k_hostile}}},
                             {"milestones/M02.yaml", 1, 1}});

  rl::model::RenderResult render;
  render.files.push_back({k_hostile, rl::model::RenderedFileState::State::stale, false, "diff", 4, ""});
  render.files.push_back({k_hostile, rl::model::RenderedFileState::State::up_to_date, false, "", 0, ""});

  // Each output: its lines, and how many of them are our commands.
  const std::vector<std::tuple<std::string, std::size_t, std::size_t>> outputs{
    {emitted(check, OutputFormat::github), 3, 2},
    {emitted(validate, OutputFormat::github), 2, 1},
    {emitted(close, OutputFormat::github), 2, 1},
    {emitted(render, OutputFormat::github), 3, 1},
  };
  for (const auto& [out, expected_lines, expected_commands] : outputs) {
    INFO(out);
    const std::vector<std::string> lines = lines_of(out);
    CHECK(lines.size() == expected_lines);
    std::size_t commands = 0;
    for (const std::string& line : lines) {
      // Our commands only, and each one's properties end before the first "::".
      if (line.rfind("::", 0) == 0) {
        ++commands;
        CHECK((line.rfind("::error ", 0) == 0 || line.rfind("::warning ", 0) == 0));
        const std::size_t end = line.find("::", 2);
        REQUIRE(end != std::string::npos);
        const std::string properties = line.substr(2, end - 2);
        CHECK(properties.find('\x1b') == std::string::npos);
      }
      CHECK(line.find('\r') == std::string::npos);
      CHECK(line.find('\x1b') == std::string::npos);
      CHECK(line.find("\xE2\x80\xA8") == std::string::npos);
    }
    CHECK(commands == expected_commands);
  }
}

TEST_CASE("validate --format json lists every diagnostic and the table writes them as errors", "[report][ci]")
{
  rl::model::ValidateResult r;
  r.counts.files = 4;
  r.diagnostics.push_back({rl::util::Severity::error, {"milestones/M01.yaml", 3, 5}, "unknown field 'x'", "remove it"});
  r.diagnostics.push_back({rl::util::Severity::error, {"", 0, 0}, "no program", ""});
  const auto json = nlohmann::json::parse(emitted(r, OutputFormat::json));
  CHECK(json.at("id") == "validate");
  CHECK(json.at("valid") == false);
  CHECK(json.at("files") == 4);
  REQUIRE(json.at("diagnostics").size() == 2);
  CHECK(json.at("diagnostics")[0]
        == nlohmann::json{{"file", "milestones/M01.yaml"},
                          {"line", 3},
                          {"col", 5},
                          {"severity", "error"},
                          {"message", "unknown field 'x'"},
                          {"help", "remove it"}});
  const rl::report::StringSink table = emit_captured(r, OutputFormat::table);
  CHECK(table.out_text.empty());
  CHECK(table.err_text
        == "milestones/M01.yaml:3:5: error: unknown field 'x'\n  help: remove it\nrefactor-ledger: error: no program\n"
           "2 errors; nothing was written\n");
  rl::model::ValidateResult valid;
  valid.counts.files = 2;
  CHECK(nlohmann::json::parse(emitted(valid, OutputFormat::json))
        == nlohmann::json{{"id", "validate"}, {"valid", true}, {"files", 2}, {"diagnostics", nlohmann::json::array()}});
}

TEST_CASE("check --format sarif writes one rule and one located result per offender", "[report][ci]")
{
  const auto log = nlohmann::json::parse(emitted(check_result(), OutputFormat::sarif));
  CHECK(log.at("version") == "2.1.0");
  REQUIRE(log.at("runs").size() == 1);
  const auto& run = log.at("runs")[0];
  CHECK(run.at("tool").at("driver").at("name") == "refactor-ledger");
  const auto& rules = run.at("tool").at("driver").at("rules");
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].at("id") == "INV-001");
  CHECK(rules[0].at("shortDescription").at("text") == "Public imports");
  CHECK(rules[1].at("fullDescription").at("text") == "CLI, exit: codes 100%"); // no statement: the name
  const auto& results = run.at("results");
  REQUIRE(results.size() == 2);
  CHECK(results[0].at("ruleId") == "INV-001");
  CHECK(results[0].at("ruleIndex") == 0);
  CHECK(results[0].at("level") == "error");
  CHECK(results[1].at("level") == "warning");
  const auto& location = results[0].at("locations")[0].at("physicalLocation");
  CHECK(location.at("artifactLocation").at("uri") == "sub/invariants/core.yaml");
  CHECK(location.at("artifactLocation").at("uriBaseId") == "%SRCROOT%");
  CHECK(location.at("region") == nlohmann::json{{"startLine", 6}, {"startColumn", 5}});
  // A path is a URI reference; no line: no region.
  const auto& second = results[1].at("locations")[0].at("physicalLocation");
  CHECK(second.at("artifactLocation").at("uri") == "sub/invariants/my%20core.yaml");
  CHECK_FALSE(second.contains("region"));
  // The fingerprint follows the id only.
  rl::model::CheckResult moved = check_result();
  moved.offenders[0].origin.line = 60;
  moved.offenders[0].reasons = {"other"};
  const auto again = nlohmann::json::parse(emitted(moved, OutputFormat::sarif));
  CHECK(again.at("runs")[0].at("results")[0].at("partialFingerprints") == results[0].at("partialFingerprints"));
  CHECK(results[0].at("partialFingerprints") != results[1].at("partialFingerprints"));
  // Passed: a run with no results (the run completed, nothing found).
  const auto empty = nlohmann::json::parse(emitted(rl::model::CheckResult{}, OutputFormat::sarif));
  CHECK(empty.at("runs")[0].at("results").empty());
}

TEST_CASE("job summaries have a heading, the verdict and an escaped table", "[report][ci]")
{
  rl::model::CheckResult check = check_result();
  check.offenders[0].name = "a | b\nc <script>";
  const std::string summary = rl::report::step_summary(check);
  CHECK(summary.rfind("### refactor-ledger check\n\n**Failed**: 2 invariants at P0 or above not verified.\n", 0) == 0);
  CHECK(summary.find("|---|---|---|---|---|---|\n| INV-001 ") != std::string::npos); // no blank line
  CHECK(summary.find("| INV-001 | P0 | failing | a \\| b c &lt;script&gt; | test_imports failed at abc1234 | "
                     "sub/invariants/core.yaml:6 |\n")
        != std::string::npos);
  CHECK(rl::report::step_summary(rl::model::CheckResult{})
        == "### refactor-ledger check\n\n**Passed**: no invariant at P0 or above is failing.\n\n");

  rl::model::RenderResult render;
  render.files.push_back({"REFACTOR.md", rl::model::RenderedFileState::State::stale, false, "d", 12, ""});
  render.files.push_back({"docs/x.md", rl::model::RenderedFileState::State::up_to_date, false, "", 0, ""});
  CHECK(rl::report::step_summary(render).find("| REFACTOR.md | out of date | 12 |\n") != std::string::npos);

  rl::model::CloseResult close;
  close.outcome = rl::model::CloseOutcome::would_refuse;
  close.evaluated.push_back({"M02", "", {{"ci", rl::model::GateOutcome::failed, "no run", "run CI", {}}}, {}});
  const std::string close_summary = rl::report::step_summary(close);
  CHECK(close_summary.rfind("### refactor-ledger close M02 --dry-run\n\n**Close would refuse**", 0) == 0);
  CHECK(close_summary.find("| ci | FAIL | no run | run CI |\n") != std::string::npos);

  rl::model::ValidateResult validate;
  validate.diagnostics.push_back({rl::util::Severity::error, {"m/M.yaml", 2, 1}, "bad | value", ""});
  CHECK(rl::report::step_summary(validate).find("| m/M.yaml:2:1 | error | bad \\| value |  |\n") != std::string::npos);
}
