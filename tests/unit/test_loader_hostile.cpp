// Hostile YAML (tests/fixtures/hostile/yaml/): every attack is refused with
// one diagnostic at its position, before anything is expanded.
#include "loader/loader.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/limits.hpp"
#include "util/text.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using rl::test::formatted;
using rl::test::minimal_program;
using rl::test::with_file;

namespace {

std::string
fixture(const std::string& name)
{
  return rl::util::read_text(std::string(RL_SOURCE_DIR) + "/tests/fixtures/hostile/yaml/" + name);
}

std::vector<std::string>
diagnostics_for(const std::string& path, const std::string& text)
{
  rl::util::DiagnosticSink sink;
  rl::loader::load_definitions(with_file(path, text), sink);
  return formatted(sink);
}

// The first diagnostic's first line.
std::string
first_error(const std::string& path, const std::string& text)
{
  const auto all = diagnostics_for(path, text);
  REQUIRE_FALSE(all.empty());
  return all.front().substr(0, all.front().find('\n'));
}

// True when one diagnostic's first line is `line`.
bool
reports(const std::string& path, const std::string& text, const std::string& line)
{
  for (const std::string& d : diagnostics_for(path, text)) {
    if (d.substr(0, d.find('\n')) == line) {
      return true;
    }
  }
  return false;
}

struct LimitsGuard
{
  ~LimitsGuard()
  {
    rl::util::reset_limits();
  }
};

} // namespace

TEST_CASE("an alias bomb is refused before it is expanded", "[loader][hostile]")
{
  CHECK(first_error("milestones/M09.yaml", fixture("alias-bomb.yaml"))
        == "milestones/M09.yaml:12:12: error: aliases in this file expand to more than 10000 nodes "
           "(an alias bomb?)");
  // In a rule tree, which the loader walks: before the guard, 1.7 GB and more
  // than 30 s.
  const auto start = std::chrono::steady_clock::now();
  CHECK(first_error("invariants/bomb.yaml", fixture("alias-bomb-rules.yaml"))
        == "invariants/bomb.yaml:19:42: error: aliases in this file expand to more than 10000 "
           "nodes (an alias bomb?)");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20)); // a guard, not a benchmark
}

TEST_CASE("a 2 MB alias bomb is refused at its first excess", "[loader][hostile]")
{
  std::string text = "milestone:\n  id: M09\n  notes:\n    - &a0 [x, x]\n";
  int i = 1;
  while (text.size() < (2u << 20)) {
    text += "    - &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + "]\n";
    ++i;
  }
  CHECK(first_error("milestones/M09.yaml", text)
        == "milestones/M09.yaml:15:13: error: aliases in this file expand to more than 10000 nodes "
           "(an alias bomb?)");
}

TEST_CASE("the alias budget is a limit that can be raised", "[loader][hostile]")
{
  const LimitsGuard guard;
  const std::string text = "milestone:\n  id: M09\n  notes:\n    - &a [x, x, x]\n    - *a\n    - *a\n";
  rl::util::set_limit("yaml-aliases=7");
  CHECK(first_error("milestones/M09.yaml", text)
        == "milestones/M09.yaml:6:7: error: aliases in this file expand to more than 7 nodes (an "
           "alias bomb?)");
  rl::util::set_limit("yaml-aliases=8");
  CHECK(first_error("milestones/M09.yaml", text).find("alias") == std::string::npos);
}

TEST_CASE("an alias to a node that contains it is refused", "[loader][hostile]")
{
  CHECK(first_error("milestones/M09.yaml", fixture("alias-cycle.yaml"))
        == "milestones/M09.yaml:4:9: error: this alias refers to a node that contains it (a cycle)");
}

TEST_CASE("nesting deeper than the depth limit is refused, whatever the depth", "[loader][hostile]")
{
  CHECK(first_error("milestones/M09.yaml", fixture("deep-flow.yaml"))
        == "milestones/M09.yaml:7:2010: error: nesting deeper than 256 levels");
  // 300k levels (600 KB): refused without recursion.
  const std::string deep = "milestone: " + std::string(300000, '[') + std::string(300000, ']') + "\n";
  CHECK(first_error("milestones/M09.yaml", deep).find("nesting deeper than 256 levels") != std::string::npos);
  // Block nesting just past the limit (the loaded-tree check).
  std::string block = "milestone:\n";
  for (int level = 1; level <= 257; ++level) {
    block += std::string(static_cast<std::size_t>(level) * 2, ' ') + "k:\n";
  }
  CHECK(first_error("milestones/M09.yaml", block)
        == "milestones/M09.yaml:257:513: error: nesting deeper than 256 levels");
}

TEST_CASE("invalid UTF-8 and control characters are refused where they enter", "[loader][hostile]")
{
  CHECK(first_error("milestones/M09.yaml", fixture("invalid-utf8.yaml"))
        == "milestones/M09.yaml:4:13: error: invalid UTF-8 (byte 0xff at byte offset 81): a YAML "
           "file must be UTF-8 text without control characters");
  CHECK(first_error("milestones/M09.yaml", fixture("overlong-utf8.yaml"))
        == "milestones/M09.yaml:4:12: error: invalid UTF-8 (byte 0xc0 at byte offset 75): a YAML "
           "file must be UTF-8 text without control characters");
  CHECK(first_error("milestones/M09.yaml", fixture("escape-sequence.yaml"))
        == "milestones/M09.yaml:4:10: error: control character U+001B at byte offset 81: a YAML "
           "file must be UTF-8 text without control characters");
}

TEST_CASE("a scalar longer than token-bytes is refused", "[loader][hostile]")
{
  const LimitsGuard guard;
  rl::util::set_limit("token-bytes=1K");
  const std::string text = "milestone:\n  id: M09\n  title: " + std::string(2000, 'x') + "\n";
  CHECK(first_error("milestones/M09.yaml", text)
        == "milestones/M09.yaml:3:10: error: a scalar of 2000 bytes, longer than 1024 bytes");
}

TEST_CASE("outputs.* must stay inside the program root", "[loader][hostile]")
{
  auto program = [](const std::string& outputs) {
    return "program:\n  name: Demo\n  repository: a/b\n  start: 2026-01-01\n  baseline_commit: "
           "abc1234\n  context: x\n  outputs:\n"
           + outputs + "\n";
  };
  CHECK(reports("milestones/program.yaml",
                program("    toolcalls: ../pwned.md"),
                "milestones/program.yaml:8:16: error: outputs.toolcalls '../pwned.md' must name a path "
                "inside the program root: the path leads out of its folder ('..')"));
  CHECK(reports("milestones/program.yaml",
                program("    log: /etc/motd"),
                "milestones/program.yaml:8:10: error: outputs.log '/etc/motd' must name a path inside "
                "the program root: the path is absolute"));
  CHECK(reports("milestones/program.yaml",
                program("    milestone_docs: .git/hooks"),
                "milestones/program.yaml:8:21: error: outputs.milestone_docs '.git/hooks' must name a "
                "path inside the program root: the path is inside .git/, which refactor-ledger does not "
                "write to"));
}

TEST_CASE("relative_path_problem and contained_output", "[util][hostile]")
{
  using rl::util::relative_path_problem;
  CHECK(relative_path_problem("docs/REFACTOR.md").empty());
  CHECK(relative_path_problem("a/../b") == "the path leads out of its folder ('..')");
  CHECK(relative_path_problem("/abs") == "the path is absolute");
  CHECK(relative_path_problem("") == "the path is empty");
  CHECK(relative_path_problem("a//b") == "the path has an empty component ('//' or a trailing '/')");
  CHECK(relative_path_problem("a\\b") == "the path contains a backslash (write '/' between folders)");
  CHECK(relative_path_problem(std::string("a\0b", 3)) == "the path contains a NUL byte");
  CHECK(relative_path_problem(".ledger/x") != "");

  const rl::test::TempDir root;
  const rl::test::TempDir outside;
  std::filesystem::create_directories(root.path() / "docs");
  std::filesystem::create_directory_symlink(outside.path(), root.path() / "link");
  std::filesystem::create_symlink(outside.path() / "f", root.path() / "docs" / "f.md");
  CHECK(rl::util::contained_output(root.path(), "docs/new/x.md", "k") == root.path() / "docs/new/x.md");
  CHECK_THROWS_AS(rl::util::contained_output(root.path(), "link/x.md", "k"), rl::util::InputError);
  CHECK_THROWS_AS(rl::util::contained_output(root.path(), "docs/f.md", "k"), rl::util::InputError);
  CHECK_THROWS_AS(rl::util::contained_output(root.path(), "../x.md", "k"), rl::util::InputError);
  CHECK(rl::util::resolves_inside(root.path(), root.path() / "docs"));
  CHECK_FALSE(rl::util::resolves_inside(root.path(), root.path() / "link"));
}

TEST_CASE("check_text and terminal_safe", "[util][hostile]")
{
  using rl::util::check_text;
  CHECK_FALSE(check_text("plain ascii\nand ümlaut €", true));
  CHECK(check_text("a\xed\xa0\x80", false)->what == "invalid UTF-8 (byte 0xed at byte offset 1)"); // surrogate
  CHECK(check_text("\xf4\x90\x80\x80", false)->offset == 0);                                       // > U+10FFFF
  CHECK(check_text("ab\xe2\x82", false)->offset == 2);                                             // truncated
  CHECK(check_text("x\ny\x7f", true)->column == 2);
  CHECK_FALSE(check_text("tab\there\r\n", true));
  CHECK(rl::util::terminal_safe("red \x1b[31m\xc2\x9b\xff ok\n") == "red \\x1b[31m\\u009b\\xff ok\n");
  CHECK(rl::util::terminal_safe("ümlaut") == "ümlaut");
  CHECK(rl::util::terminal_safe("a,b\r\nc\rd") == "a,b\r\nc\\x0dd"); // CRLF kept, a lone CR not
}

TEST_CASE("utf8_sequence_length finds well-formed sequences only (RFC 3629)", "[util][hostile]")
{
  using rl::util::utf8_sequence_length;
  char32_t cp = 0;
  CHECK(utf8_sequence_length("a", 0, &cp) == 1);
  CHECK(cp == U'a');
  CHECK(utf8_sequence_length("\xc3\xa9", 0, &cp) == 2); // é
  CHECK(cp == U'\u00e9');
  CHECK(utf8_sequence_length("\xe2\x82\xac", 0, &cp) == 3); // €
  CHECK(cp == U'\u20ac');
  CHECK(utf8_sequence_length("\xf0\x9f\x98\x80", 0, &cp) == 4); // U+1F600
  CHECK(cp == U'\U0001F600');
  CHECK(utf8_sequence_length("\xf4\x8f\xbf\xbf", 0, &cp) == 4); // U+10FFFF, the last
  CHECK(utf8_sequence_length("x\xc3\xa9", 1) == 2);             // from a position
  CHECK(utf8_sequence_length("\xc3\xa9", 1) == 0);              // a continuation byte alone
  CHECK(utf8_sequence_length("\xc3", 0) == 0);                  // cut short by the end
  CHECK(utf8_sequence_length("\xe2\x82x", 0) == 0);             // cut short by another byte
  CHECK(utf8_sequence_length("\xc0\xaf", 0) == 0);              // overlong '/'
  CHECK(utf8_sequence_length("\xe0\x80\xaf", 0) == 0);          // overlong, 3 bytes
  CHECK(utf8_sequence_length("\xf0\x80\x80\xaf", 0) == 0);      // overlong, 4 bytes
  CHECK(utf8_sequence_length("\xed\xa0\x80", 0) == 0);          // surrogate U+D800
  CHECK(utf8_sequence_length("\xf4\x90\x80\x80", 0) == 0);      // U+110000
  CHECK(utf8_sequence_length("\xf5\x80\x80\x80", 0) == 0);      // lead byte past 0xF4
  CHECK(utf8_sequence_length("\xff", 0) == 0);
  CHECK(utf8_sequence_length("abc", 3) == 0); // past the end
  CHECK(utf8_sequence_length(std::string_view("\0", 1), 0, &cp) == 1);
  CHECK(cp == 0);
}
