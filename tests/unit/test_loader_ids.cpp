// Id patterns: the defaults, a program's own (program.yaml ids:), and what
// neither lets through (hostile patterns, ids that are not file-name safe,
// one id naming two kinds).
#include "loader/loader.hpp"
#include "model/id_patterns.hpp"
#include "support/test_support.hpp"
#include "util/regex.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using rl::model::IdKind;
using rl::model::IdPatterns;
using rl::test::formatted;
using rl::test::minimal_program;

namespace {

// minimal_program() with `ids` (YAML lines under program.ids) and more files.
std::vector<rl::loader::SourceText>
program_with(const std::string& ids, const std::vector<rl::loader::SourceText>& extra = {})
{
  auto sources = minimal_program();
  std::string& program = sources.at(0).text;
  REQUIRE(sources.at(0).path == "milestones/program.yaml");
  program.replace(program.find("scores:"), 0, ids.empty() ? std::string() : "  ids:\n" + ids);
  sources.insert(sources.end(), extra.begin(), extra.end());
  return sources;
}

std::vector<std::string>
diagnostics_for(const std::vector<rl::loader::SourceText>& sources)
{
  rl::util::DiagnosticSink sink;
  rl::loader::load_definitions(sources, sink);
  return formatted(sink);
}

// The first lines of every diagnostic.
std::vector<std::string>
first_lines(const std::vector<rl::loader::SourceText>& sources)
{
  std::vector<std::string> out;
  for (const std::string& d : diagnostics_for(sources)) {
    out.push_back(d.substr(0, d.find('\n')));
  }
  return out;
}

const rl::loader::SourceText k_deferrals{"milestones/deferrals.yaml",
                                         "deferrals:\n"
                                         "  - {id: M00-V01, what: Fuzz the parser, discovered_in: M00, "
                                         "deferred_to: M01, status: open}\n"};

} // namespace

TEST_CASE("the default id patterns", "[loader][ids]")
{
  const IdPatterns& ids = IdPatterns::defaults();
  struct Case
  {
    IdKind kind;
    const char* id;
    bool valid;
  };
  for (const Case& c : {Case{IdKind::milestone, "M01", true},
                        Case{IdKind::milestone, "M06-A", true},
                        Case{IdKind::milestone, "M1", false},
                        Case{IdKind::invariant, "INV-050", true},
                        Case{IdKind::invariant, "INV-50", false},
                        Case{IdKind::risk, "I01", true},
                        Case{IdKind::deferral, "D15", true},
                        Case{IdKind::deferral, "M04-V01", false},
                        Case{IdKind::phase, "0", true},
                        Case{IdKind::phase, "12345", false},
                        Case{IdKind::category, "api-stability", true},
                        Case{IdKind::dimension, "test_coverage", true}}) {
    INFO(c.id);
    CHECK(ids.valid(c.kind, c.id) == c.valid);
  }
  CHECK(ids.describe(IdKind::deferral) == "a deferral id such as D01");
  // At most 64 characters, whatever the pattern says.
  CHECK(ids.valid(IdKind::invariant, "INV-" + std::string(60, '1')));
  CHECK_FALSE(ids.valid(IdKind::invariant, "INV-" + std::string(61, '1')));
}

TEST_CASE("an id of megabytes is refused, not matched by recursion", "[loader][ids][hostile]")
{
  // std::regex recursed once per character: this id crashed `validate`
  // (SIGSEGV) before the patterns moved to RE2.
  auto sources = minimal_program();
  const auto file =
    std::find_if(sources.begin(), sources.end(), [](const auto& s) { return s.path == "invariants/core.yaml"; });
  REQUIRE(file != sources.end());
  std::string& catalog = file->text;
  catalog.replace(catalog.find("id: INV-001"), 11, "id: INV-" + std::string(3'000'000, '0') + "1");
  const auto lines = first_lines(sources);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.front().find("invariants/core.yaml:") == 0);
  CHECK(lines.front().find("'INV-0000") != std::string::npos);
  CHECK(lines.front().find("… (3000005 bytes)' in field 'id' of invariant is not an invariant id such as INV-050")
        != std::string::npos);
  CHECK(lines.front().size() < 300);
}

TEST_CASE("a program chooses the id pattern of a kind", "[loader][ids]")
{
  SECTION("its ids load, the default form no longer does")
  {
    rl::util::DiagnosticSink sink;
    const auto d =
      rl::loader::load_definitions(program_with("    deferral: 'M[0-9]{2}-V[0-9]{2}'\n", {k_deferrals}), sink);
    CHECK(formatted(sink).empty());
    REQUIRE(d.deferrals.size() == 1);
    CHECK(d.deferrals[0].id == "M00-V01");
    CHECK(d.program.ids.deferral == "M[0-9]{2}-V[0-9]{2}");
    CHECK(d.program.ids.milestone.empty());

    auto old_form = k_deferrals;
    old_form.text.replace(old_form.text.find("M00-V01"), 7, "D01");
    CHECK(diagnostics_for(program_with("    deferral: 'M[0-9]{2}-V[0-9]{2}'\n", {old_form}))
          == std::vector<std::string>{"milestones/deferrals.yaml:2:10: error: 'D01' in field 'id' of deferral is not a "
                                      "deferral id matching M[0-9]{2}-V[0-9]{2} (program.yaml ids.deferral)"});
  }
  SECTION("without ids:, M00-V01 is not a deferral id")
  {
    CHECK(first_lines(program_with("", {k_deferrals}))
          == std::vector<std::string>{"milestones/deferrals.yaml:2:10: error: 'M00-V01' in field 'id' of deferral is "
                                      "not a deferral id such as D01"});
  }
  SECTION("references follow the pattern too")
  {
    // Milestones written MS-1, MS-2: M00 and M01 of the minimal program no
    // longer read as milestone ids anywhere.
    const auto lines = first_lines(program_with("    milestone: 'MS-[0-9]+'\n"));
    for (const char* expected :
         {"milestones/M00.yaml:2:7: error: 'M00' in field 'id' of milestone is not a milestone id matching "
          "MS-[0-9]+ (program.yaml ids.milestone)",
          "invariants/core.yaml:8:57: error: 'M01' in field 'milestone' of recommendation is not a milestone id "
          "matching MS-[0-9]+ (program.yaml ids.milestone)"}) {
      CHECK(std::find(lines.begin(), lines.end(), expected) != lines.end());
    }
  }
}

TEST_CASE("a hostile or unusable id pattern is refused at its position", "[loader][ids][hostile]")
{
  auto error_for = [](const std::string& pattern) {
    const auto lines = first_lines(program_with("    risk: '" + pattern + "'\n"));
    REQUIRE_FALSE(lines.empty());
    return lines.front();
  };
  // A backreference (exponential to match with backtracking engines).
  CHECK(error_for("(I)\\1")
        == "milestones/program.yaml:8:11: error: ids.risk '(I)\\1' is not a usable id pattern: "
           "invalid escape sequence: \\1");
  CHECK(error_for("(?=I)I[0-9]+")
        == "milestones/program.yaml:8:11: error: ids.risk '(?=I)I[0-9]+' is not a usable id "
           "pattern: invalid perl operator: (?=");
  CHECK(error_for("I(")
        == "milestones/program.yaml:8:11: error: ids.risk 'I(' is not a usable id pattern: missing ): I(");
  CHECK(error_for("I*")
        == "milestones/program.yaml:8:11: error: ids.risk 'I*' is not a usable id pattern: it matches "
           "an empty id");
  // Too long: refused before it is compiled, the message clipped.
  const std::string huge = std::string(100'000, '(') + "I" + std::string(100'000, ')');
  const std::string line = error_for(huge);
  CHECK(line.find("is not a usable id pattern: the pattern is 200001 bytes long, longer than 4096")
        != std::string::npos);
  CHECK(line.size() < 300);
  // A pattern RE2 compiles into too large a program.
  INFO(error_for("((I{1000}){1000}){1000}"));
  CHECK(error_for("((I{1000}){1000}){1000}").find("is not a usable id pattern: invalid repetition size: {1000}")
        != std::string::npos);
}

TEST_CASE("whatever the pattern, an id is safe as a file name", "[loader][ids][hostile]")
{
  // `.+` lets anything through the pattern; the id's characters still must be
  // letters, digits, '.', '_' or '-' (milestone ids name files).
  auto sources = program_with("    milestone: '.+'\n");
  sources.push_back({"milestones/x.yaml",
                     "milestone:\n  id: ../../etc/x\n  title: T\n  phase: 0\n  effort: {estimate: 1}\n  intent: I.\n"});
  const auto lines = first_lines(sources);
  CHECK(std::find(lines.begin(),
                  lines.end(),
                  "milestones/x.yaml:2:7: error: '../../etc/x' in field 'id' of milestone is not a milestone id "
                  "matching .+ (program.yaml ids.milestone)")
        != lines.end());
}

TEST_CASE("one id cannot name two kinds of entity", "[loader][ids]")
{
  // Deferrals written like milestones: D-less ids that collide with M01.
  auto deferrals = k_deferrals;
  deferrals.text.replace(deferrals.text.find("M00-V01"), 7, "M01");
  CHECK(first_lines(program_with("    deferral: 'M[0-9]{2}(-V[0-9]{2})?'\n", {deferrals}))
        == std::vector<std::string>{"milestones/deferrals.yaml:2:5: error: 'M01' is the id of a deferral and of a "
                                    "milestone (at milestones/M01.yaml:2:3)"});
}

TEST_CASE("a deferred_to that matches the milestone pattern must name a milestone", "[loader][ids]")
{
  auto deferrals = k_deferrals;
  deferrals.text.replace(deferrals.text.find("deferred_to: M01"), 16, "deferred_to: MS-9");
  // By the default pattern MS-9 is free text; by the program's it is a milestone that does not exist.
  CHECK(first_lines(program_with("    deferral: 'M[0-9]{2}-V[0-9]{2}'\n", {deferrals})).empty());
  const auto lines = first_lines(
    program_with("    deferral: 'M[0-9]{2}-V[0-9]{2}'\n    milestone: 'M[0-9]{2}|MS-[0-9]'\n", {deferrals}));
  REQUIRE(lines.size() == 1);
  CHECK(lines.front().find("unknown milestone MS-9") != std::string::npos);
}

TEST_CASE("pattern_absent gates are checked by RE2, never by recursion", "[loader][hostile]")
{
  auto with_gate = [](const std::string& pattern) {
    auto sources = minimal_program();
    std::string& m01 = sources.at(2).text;
    REQUIRE(sources.at(2).path == "milestones/M01.yaml");
    m01 += "  gates:\n    pattern_absent:\n      - {pattern: '" + pattern + "', files: '*.py'}\n";
    return first_lines(sources);
  };
  // 200,000 nested groups crashed `validate` (SIGSEGV in std::regex) before.
  const auto nested = with_gate(std::string(200'000, '(') + "a" + std::string(200'000, ')'));
  REQUIRE(nested.size() == 1);
  CHECK(nested.front().find("the pattern is 400001 bytes long, longer than 4096") != std::string::npos);
  CHECK(with_gate("import[[:space:]]+torch\\.legacy\\b").empty());
  // \d means 'd' to git grep -E (glibc): refused rather than silently wrong.
  CHECK(
    with_gate("v\\d+")
    == std::vector<std::string>{"milestones/M01.yaml:13:19: error: invalid regular expression 'v\\d+': invalid escape "
                                "sequence: \\d"});
  // A backreference: exponential time in `git grep`.
  CHECK(with_gate("(a+)\\1").size() == 1);
}

TEST_CASE("compile_regex", "[util][ids]")
{
  std::string error;
  const auto re = rl::util::compile_regex("M[0-9]{2}", rl::util::RegexSyntax::re2, &error);
  REQUIRE(re);
  CHECK(re->full_match("M04"));
  CHECK_FALSE(re->full_match("M04x"));
  CHECK(re->partial_match("xM04x"));
  CHECK(re->pattern() == "M[0-9]{2}");
  CHECK_FALSE(rl::util::compile_regex("[", rl::util::RegexSyntax::re2, &error));
  CHECK(error == "missing ]: [");
  // POSIX syntax refuses Perl's extensions.
  CHECK_FALSE(rl::util::compile_regex("a(?i)b", rl::util::RegexSyntax::posix_extended, &error));
  CHECK(rl::util::compile_regex("\\bword\\b", rl::util::RegexSyntax::posix_extended, &error));
}
