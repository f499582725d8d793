// Every reproducer a fuzzer found (tests/fixtures/hostile/fuzz/<target>/<name>)
// replayed through the same harness as the fuzzer (tests/fuzz/harness_*.cpp),
// without libFuzzer: a finding (an exception other than InputError, a write by
// `query`) fails the test. Files listed in tests/fixtures/hostile/fuzz/pending.txt
// ("<target>/<name>", one per line) reproduce a bug whose fix is not merged
// yet: they are skipped (with a warning), and the list must shrink to empty.

#include "fuzz/harness.hpp"

#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

namespace {

const std::filesystem::path k_root = std::filesystem::path(RL_SOURCE_DIR) / "tests/fixtures/hostile/fuzz";

std::string
read_bytes(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::set<std::string>
pending()
{
  std::set<std::string> out;
  std::ifstream in(k_root / "pending.txt");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.front() != '#') {
      out.insert(line);
    }
  }
  return out;
}

std::vector<std::filesystem::path>
reproducers(std::string_view target)
{
  std::vector<std::filesystem::path> out;
  const std::filesystem::path dir = k_root / target;
  if (std::filesystem::is_directory(dir)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.is_regular_file()) {
        out.push_back(entry.path());
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void
replay(std::string_view target)
{
  const auto& all = rl::fuzz::targets();
  const auto it = std::find_if(all.begin(), all.end(), [&](const auto& t) { return t.name == target; });
  REQUIRE(it != all.end());
  const std::set<std::string> skip = pending();
  rl::fuzz::set_throw_findings(true);
  for (const std::filesystem::path& file : reproducers(target)) {
    const std::string name = std::string(target) + "/" + file.filename().string();
    if (skip.contains(name)) {
      WARN("pending fix, skipped: " << name);
      continue;
    }
    INFO("reproducer " << name);
    const std::string bytes = read_bytes(file);
    CHECK_NOTHROW(it->run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  }
  rl::fuzz::set_throw_findings(false);
}

} // namespace

TEST_CASE("fuzz reproducers: every target has a harness, every reproducer a target", "[fuzz]")
{
  std::set<std::string> names;
  for (const auto& t : rl::fuzz::targets()) {
    names.insert(std::string(t.name));
  }
  CHECK(names.size() == 10);
  if (std::filesystem::is_directory(k_root)) {
    for (const auto& entry : std::filesystem::directory_iterator(k_root)) {
      if (entry.is_directory()) {
        INFO("folder " << entry.path().filename().string());
        CHECK(names.contains(entry.path().filename().string()));
      }
    }
  }
  for (const std::string& p : pending()) {
    INFO("pending.txt names " << p);
    CHECK(std::filesystem::is_regular_file(k_root / p));
  }
}

TEST_CASE("fuzz reproducers: the harnesses accept valid input and refuse invalid input with InputError", "[fuzz]")
{
  // A harness that reported a finding for ordinary input would make every
  // reproducer test meaningless; these inputs must pass.
  rl::fuzz::set_throw_findings(true);
  const auto run = [](int (*fn)(const std::uint8_t*, std::size_t), const std::string& text) {
    return fn(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  };
  CHECK_NOTHROW(run(&rl_fuzz_junit_dom, "<testsuite><testcase name='a'/></testsuite>"));
  CHECK_NOTHROW(run(&rl_fuzz_junit_stream, "<testsuite><testcase name='a'><failure/></testcase></testsuite>"));
  CHECK_NOTHROW(run(&rl_fuzz_junit_dom, "<not-closed"));
  CHECK_NOTHROW(run(&rl_fuzz_sarif, R"({"version":"2.1.0","runs":[{"results":[{"level":"error"}]}]})"));
  CHECK_NOTHROW(run(&rl_fuzz_lcov, "SF:a.c\nLF:2\nLH:1\nend_of_record\n"));
  CHECK_NOTHROW(run(&rl_fuzz_cobertura, R"(<coverage line-rate="0.5" branch-rate="0.25"/>)"));
  CHECK_NOTHROW(run(&rl_fuzz_github_run, "{"));
  CHECK_NOTHROW(run(&rl_fuzz_yaml_loader, rl::fuzz::tiny_program()[2].text));
  CHECK_NOTHROW(run(&rl_fuzz_yaml_loader, "milestone: ["));
  CHECK_NOTHROW(run(&rl_fuzz_closeout_record, rl::fuzz::tiny_program().back().text));
  CHECK_NOTHROW(
    run(&rl_fuzz_ledger_file,
        R"({"format": "refactor-ledger.ledger/1", "audit": [], "evidence": [], "jobs": [], "approvals": []})"));
  CHECK_NOTHROW(run(&rl_fuzz_ledger_file, R"({"format": "refactor-ledger.ledger/1", "audit": [)"));
  CHECK_NOTHROW(run(&rl_fuzz_query_guard, "SELECT id FROM milestone"));
  CHECK_NOTHROW(run(&rl_fuzz_query_guard, "DELETE FROM milestone"));
  CHECK_NOTHROW(run(&rl_fuzz_query_guard, "PRAGMA user_version = 9"));
  rl::fuzz::set_throw_findings(false);
}

TEST_CASE("fuzz reproducers: a finding is reported", "[fuzz]")
{
  rl::fuzz::set_throw_findings(true);
  CHECK_THROWS_AS(rl::fuzz::expect_input_error_only([] { throw std::out_of_range("x"); }), rl::fuzz::Finding);
  CHECK_NOTHROW(rl::fuzz::expect_input_error_only([] { throw rl::util::InputError("bad"); }));
  rl::fuzz::set_throw_findings(false);
}

TEST_CASE("fuzz reproducers: yaml_loader", "[fuzz]")
{
  replay("yaml_loader");
}
TEST_CASE("fuzz reproducers: junit_stream", "[fuzz]")
{
  replay("junit_stream");
}
TEST_CASE("fuzz reproducers: junit_dom", "[fuzz]")
{
  replay("junit_dom");
}
TEST_CASE("fuzz reproducers: github_run", "[fuzz]")
{
  replay("github_run");
}
TEST_CASE("fuzz reproducers: sarif", "[fuzz]")
{
  replay("sarif");
}
TEST_CASE("fuzz reproducers: cobertura", "[fuzz]")
{
  replay("cobertura");
}
TEST_CASE("fuzz reproducers: lcov", "[fuzz]")
{
  replay("lcov");
}
TEST_CASE("fuzz reproducers: ledger_file", "[fuzz]")
{
  replay("ledger_file");
}
TEST_CASE("fuzz reproducers: closeout_record", "[fuzz]")
{
  replay("closeout_record");
}
TEST_CASE("fuzz reproducers: query_guard", "[fuzz]")
{
  replay("query_guard");
}
