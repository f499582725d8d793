// util::version_text: what `refactor-ledger --version` prints (the commit is checked
// by tests/package/build_commit.sh, the installed binary's output by tests/package/).
#include "util/version.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <sqlite3.h>

namespace {

std::vector<std::string>
lines_of(const std::string& text)
{
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

} // namespace

TEST_CASE("version_text: the version and commit, then one line per library", "[util][version]")
{
  const std::string text = rl::util::version_text();
  CHECK(text.back() != '\n');
  const std::vector<std::string> lines = lines_of(text);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0].rfind("refactor-ledger " + std::string(rl::util::k_version) + " (commit ", 0) == 0);
  CHECK(std::regex_match(lines[0],
                         std::regex(R"(refactor-ledger \d+\.\d+\.\d+ \(commit ([0-9a-f]{7,}(-dirty)?|unknown)\))")));
  // The SQLite loaded at run time, not the header's.
  CHECK(lines[1] == std::string("SQLite ") + sqlite3_libversion());
  CHECK(lines[2] == std::string("yaml-cpp ") + rl::util::k_yaml_cpp_version);
  CHECK(std::regex_match(lines[2], std::regex(R"(yaml-cpp \d+\.\d+\.\d+)")));
  CHECK(std::regex_match(lines[3], std::regex(R"(pugixml \d+\.\d+(\.\d+)?)")));
  CHECK(std::regex_match(lines[4], std::regex(R"(fmt \d+\.\d+\.\d+)")));
}
