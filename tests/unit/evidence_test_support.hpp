#pragma once

// Helpers of the evidence readers' tests (test_evidence_ci_run.cpp,
// test_evidence_metrics.cpp): fixture files, the InputError a reader throws,
// the hostile fixtures' expected errors, limits set for one test.

#include "util/error.hpp"
#include "util/limits.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace rl::test {

inline const std::filesystem::path k_fixtures = std::filesystem::path(RL_SOURCE_DIR) / "tests/fixtures";

// The bytes of the file at `path`; the test fails when it cannot be read.
inline std::string
slurp(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The first diagnostic of the InputError `f` throws, formatted, or
// "(accepted)" when it throws nothing; any other exception fails the test.
inline std::string
input_error(const std::function<void()>& f)
{
  try {
    f();
  } catch (const rl::util::InputError& e) {
    REQUIRE(!e.diagnostics().empty());
    return rl::util::format_diagnostic(e.diagnostics().front());
  }
  return "(accepted)";
}

inline std::string
first_line(const std::string& text)
{
  return text.substr(0, text.find('\n'));
}

// Each (file name, first line) of `cases`: `parse(text, name)` on the file
// tests/fixtures/hostile/evidence/<name> throws an InputError whose first line
// is the one given, followed by a help line.
inline void
check_hostile_fixtures(const std::vector<std::pair<std::string, std::string>>& cases,
                       const std::function<void(const std::string& text, const std::string& name)>& parse)
{
  for (const auto& [name, expected] : cases) {
    CAPTURE(name);
    const std::string text = slurp(k_fixtures / "hostile/evidence" / name);
    const std::string error = input_error([&] { parse(text, name); });
    CHECK(first_line(error) == expected);
    CHECK(error.find("\n  help: ") != std::string::npos);
  }
}

// Sets one limit ("name=value"); restores the default limits however the test ends.
struct LimitGuard
{
  explicit LimitGuard(const char* assignment)
  {
    rl::util::set_limit(assignment);
  }
  ~LimitGuard()
  {
    rl::util::reset_limits();
  }
  LimitGuard(const LimitGuard&) = delete;
  LimitGuard& operator=(const LimitGuard&) = delete;
};

} // namespace rl::test
