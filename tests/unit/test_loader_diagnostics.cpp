#include "loader/loader.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

using rl::test::formatted;
using rl::test::minimal_program;
using rl::test::with_file;

namespace {

std::vector<std::string>
diagnostics_for(const std::vector<rl::loader::SourceText>& sources)
{
  rl::util::DiagnosticSink sink;
  rl::loader::load_definitions(sources, sink);
  return formatted(sink);
}

} // namespace

TEST_CASE("the minimal program loads without diagnostics", "[loader]")
{
  rl::util::DiagnosticSink sink;
  const auto d = rl::loader::load_definitions(minimal_program(), sink);
  CHECK(formatted(sink).empty());
  REQUIRE(d.milestones.size() == 2);
  CHECK(d.milestones[0].id == "M00");
  CHECK(d.milestones[1].depends_on.at(0).id == "M00");
  CHECK(d.invariants.size() == 2);
  CHECK(d.invariants[0].category == "core");
  CHECK(d.program.title == "Demo — Living Log");
  CHECK(d.program.log_path == "REFACTOR.md");
}

TEST_CASE("YAML syntax errors name the position", "[loader][diagnostics]")
{
  CHECK(
    diagnostics_for(with_file("milestones/risks.yaml", "risks:\n  - {id: I01, title: [oops\n"))
    == std::vector<std::string>{"milestones/risks.yaml:3:1: error: YAML syntax error: end of sequence flow not found\n"
                                "  help: fix the YAML syntax at this position (indentation, quoting, a missing ':')"});
}

TEST_CASE("unknown keys are reported with the allowed ones", "[loader][diagnostics]")
{
  CHECK(diagnostics_for(with_file("milestones/risks.yaml",
                                  "risks:\n  - {id: I01, title: T, priority: P0, status: active, "
                                  "ownr: bob}\n"))
        == std::vector<std::string>{"milestones/risks.yaml:2:55: error: unknown field 'ownr' in risk\n"
                                    "  help: allowed fields: id, title, priority, status, milestones, milestones_note, "
                                    "invariants, description, history"});
}

TEST_CASE("wrong types and missing required fields", "[loader][diagnostics]")
{
  CHECK(diagnostics_for(with_file("milestones/M01.yaml",
                                  "milestone:\n  id: M01\n  title: [a, b]\n  phase: 1\n"
                                  "  status: planned\n  effort: {estimate: lots}\n"))
        == std::vector<std::string>{
          "milestones/M01.yaml:2:3: error: missing required field 'intent' in milestone\n"
          "  help: add 'intent: ...' to this mapping",
          "milestones/M01.yaml:3:10: error: field 'title' of milestone must be text, not a list",
          "milestones/M01.yaml:6:22: error: field 'estimate' of effort must be a number, not "
          "'lots'",
        });
}

TEST_CASE("enum values list the allowed ones", "[loader][diagnostics]")
{
  CHECK(
    diagnostics_for(with_file("milestones/risks.yaml", "risks:\n  - {id: I01, title: T, priority: P9, status: open}\n"))
    == std::vector<std::string>{
      "milestones/risks.yaml:2:35: error: invalid value 'P9' for field 'priority' of risk\n"
      "  help: allowed values: P0, P1, P2, P3",
      "milestones/risks.yaml:2:47: error: invalid value 'open' for field 'status' of risk\n"
      "  help: allowed values: active, mitigated, resolved, accepted",
    });
}

TEST_CASE("dates must be real calendar dates", "[loader][diagnostics]")
{
  auto sources = minimal_program();
  sources[1].text.replace(sources[1].text.find("score: {date: 2026-01-10"), 24, "score: {date: 2026-02-30");
  CHECK(diagnostics_for(sources)
        == std::vector<std::string>{"milestones/M00.yaml:7:17: error: field 'date' of score row is not a valid date: "
                                    "'2026-02-30'\n"
                                    "  help: write dates as YYYY-MM-DD, e.g. 2026-02-08"});
}

TEST_CASE("duplicate ids across files name both locations", "[loader][diagnostics]")
{
  CHECK(
    diagnostics_for(with_file("invariants/other.yaml",
                              "category: {id: other, name: Other}\ninvariants:\n"
                              "  - {id: INV-002, name: N, statement: S, coverage: strong, "
                              "priority: P1}\n"))
    == std::vector<std::string>{"invariants/other.yaml:3:5: error: duplicate invariant id 'INV-002': already defined "
                                "at invariants/core.yaml:9:5\n"
                                "  help: each invariant needs its own id; give this one a new id"});
}

TEST_CASE("references to unknown entities are reported where they are written", "[loader][diagnostics]")
{
  CHECK(diagnostics_for(with_file("milestones/M01.yaml",
                                  "milestone:\n  id: M01\n  title: T\n  phase: 7\n  status: "
                                  "planned\n  depends_on: [M99]\n  intent: I\n  invariants:\n"
                                  "    protected: [INV-404]\n"))
        == std::vector<std::string>{
          "milestones/M01.yaml:4:10: error: milestone M01 is in phase 7, which program.yaml does "
          "not define\n"
          "  help: add the phase to 'phases:' in milestones/program.yaml or fix the number",
          "milestones/M01.yaml:6:16: error: milestone M01 depends_on refers to unknown milestone "
          "M99\n"
          "  help: milestones are defined by milestones/MNN.yaml files; fix the id or add the "
          "milestone",
          "milestones/M01.yaml:9:17: error: milestone M01 refers to unknown invariant INV-404\n"
          "  help: invariants are defined in invariants/*.yaml; fix the id or add the invariant",
        });
}

TEST_CASE("an invariant recommendation must point at an existing milestone", "[loader][diagnostics]")
{
  auto sources = minimal_program();
  auto& core =
    std::find_if(sources.begin(), sources.end(), [](const auto& s) { return s.path == "invariants/core.yaml"; })->text;
  core.replace(core.find("milestone: M01}"), 15, "milestone: M42}");
  CHECK(
    diagnostics_for(sources)
    == std::vector<std::string>{"invariants/core.yaml:8:57: error: invariant INV-001 recommends milestone M42, which "
                                "does not exist\n"
                                "  help: milestones are defined by milestones/MNN.yaml files; fix the id or add the "
                                "milestone"});
}

TEST_CASE("dependency cycles are reported once with their path", "[loader][diagnostics]")
{
  auto sources = rl::test::minimal_program_yaml(); // M00 open: its definition may change
  sources[1].text += "  depends_on: [M01]\n";
  CHECK(
    diagnostics_for(sources)
    == std::vector<std::string>{"milestones/M01.yaml:7:16: error: milestone dependency cycle: M00 -> M01 -> M00\n"
                                "  help: a milestone cannot depend, directly or not, on itself; remove one of these "
                                "depends_on entries"});
}

TEST_CASE("ids must have their documented form", "[loader][diagnostics]")
{
  CHECK(diagnostics_for(
          with_file("milestones/risks.yaml", "risks:\n  - {id: R1, title: T, priority: P0, status: active}\n"))
        == std::vector<std::string>{
          "milestones/risks.yaml:2:10: error: 'R1' in field 'id' of risk is not a risk id such as "
          "I01"});
}

TEST_CASE("a milestone file must be named after its milestone", "[loader][diagnostics]")
{
  auto sources = minimal_program();
  sources[2].path = "milestones/M1.yaml";
  CHECK(diagnostics_for(sources)
        == std::vector<std::string>{"milestones/M1.yaml:2:7: error: milestone 'M01' is defined in a file named 'M1'\n"
                                    "  help: rename the file to M01.yaml, or fix the id"});
}

// (A milestone that says status: closed without a closeout record is tested
// in test_closeout.cpp.)
TEST_CASE("scores must fit their dimension", "[loader][diagnostics]")
{
  auto sources = rl::test::minimal_program_yaml(); // M00 without its record: its score may change
  auto& m00 = sources[1].text;
  m00.replace(m00.find("quality: 6"), 10, "quality: high, speed: 3");
  CHECK(diagnostics_for(sources)
        == std::vector<std::string>{
          "milestones/M00.yaml:7:38: error: score 'quality' is numeric: 'high' is not a number\n"
          "  help: write a number from 0 to 10, or make the dimension 'kind: label'",
          "milestones/M00.yaml:7:53: error: unknown score dimension 'speed'\n"
          "  help: score dimensions (program.yaml 'scores'): quality, velocity",
        });
}

TEST_CASE("every problem of every file is reported in one run", "[loader][diagnostics]")
{
  auto sources = with_file("milestones/risks.yaml", "risks:\n  - {id: I01, title: T, priority: P0}\n");
  sources.push_back({"invariants/bad.yaml", "category: {id: bad, name: Bad}\ninvariants: 3\n"});
  sources.push_back({"milestones/notes.yaml", "hello: world\n"});
  CHECK(diagnostics_for(sources)
        == std::vector<std::string>{
          "invariants/bad.yaml:2:13: error: field 'invariants' of invariants file must be a list\n"
          "  help: write 'invariants:' followed by lines '- ...'",
          "milestones/notes.yaml:1:1: error: cannot tell what this file holds\n"
          "  help: a file's top-level key says what it holds: program (milestones/program.yaml), "
          "milestone (milestones/MNN.yaml), risks, deferrals, or category + invariants "
          "(invariants/*.yaml)",
          "milestones/risks.yaml:2:5: error: missing required field 'status' in risk\n"
          "  help: add 'status: ...' to this mapping",
        });
}

TEST_CASE("unknown placeholders in prose are errors", "[loader][diagnostics]")
{
  auto sources = minimal_program();
  auto& program = sources[0].text;
  program.replace(program.find("Demo context."), 13, "We have {{invariant_count}} and {{bogus}}.");
  CHECK(diagnostics_for(sources)
        == std::vector<std::string>{"milestones/program.yaml:6:12: error: unknown placeholder '{{bogus}}'\n"
                                    "  help: placeholders: invariant_count, milestone_count, phase_count, risk_count; "
                                    "write '\\{{' for a literal '{{'"});
}

TEST_CASE("a program-written section names a file inside the root and a position of the log", "[loader][diagnostics]")
{
  auto sources = minimal_program();
  sources[0].text.insert(sources[0].text.find("program:\n") + 9,
                         "  sections:\n    - {title: Principles, file: ../out.md, after: middle}\n");
  const auto problems = diagnostics_for(sources);
  INFO(problems[0] + problems[1]);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].find("milestones/program.yaml:3:33: error: section file '../out.md' must name a file inside") == 0);
  CHECK(problems[1].find("milestones/program.yaml:3:51: error: 'middle' is not a position of REFACTOR.md") == 0);
}

TEST_CASE("a backslash before {{ is a literal {{, not a placeholder", "[loader][diagnostics]")
{
  auto sources = minimal_program();
  auto& program = sources[0].text;
  program.replace(program.find("Demo context."), 13, "'Runs on $\\{{ matrix.os }} ({{invariant_count}}).'");
  CHECK(diagnostics_for(sources).empty());
}

TEST_CASE("a program file is required", "[loader][diagnostics]")
{
  auto sources = minimal_program();
  sources.erase(sources.begin());
  CHECK(diagnostics_for(sources)
        == std::vector<std::string>{"milestones/program.yaml: error: no program file: nothing defines the program\n"
                                    "  help: create milestones/program.yaml with a top-level 'program:' mapping (see "
                                    "README, YAML formats)"});
}
