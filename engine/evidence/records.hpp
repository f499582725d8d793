#pragma once

#include "model/evidence.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rl::evidence {

// Stored messages are cut to this many bytes (on a UTF-8 boundary), with "…" added.
inline constexpr std::size_t k_max_message_bytes = 4096;

// One <testcase>, as every dialect is mapped onto it.
struct TestCaseRecord
{
  std::string suite;     // enclosing <testsuite> names joined with '/'
  std::string classname; // may be empty (node:test, some CTest files)
  std::string name;
  std::string file; // when the producer says (pytest xunit1, GoogleTest, jest)
  model::ResultStatus outcome = model::ResultStatus::passed;
  std::optional<double> duration; // seconds
  std::string message;            // first failure/error/skip message, capped

  // What test selectors in the YAML match: for Python files (file ends in
  // .py) pytest's node id "test/test_x.py::TestClass::test_name"; otherwise
  // "<classname>::<name>", or "<suite>::<name>" without a classname.
  std::string identity() const;
  // The same, into `out` (replacing its content, reusing its capacity).
  void identity_into(std::string& out) const;
};

// pytest's xunit2 files carry no file attribute: "test.sub.test_x.TestClass"
// -> "test/sub/test_x.py" (the module ends before the first capitalised
// component). Empty when nothing looks like a module.
std::string pytest_file_from_classname(const std::string& classname);

// Totals counted from the test cases (never from the file's declared counts).
struct TestTotals
{
  std::int64_t tests = 0;
  std::int64_t passed = 0; // includes flaky (passed on retry)
  std::int64_t failed = 0;
  std::int64_t errors = 0;
  std::int64_t skipped = 0; // includes expected failures

  void add(model::ResultStatus outcome);
};

// CI runs are model types shared with the store (model/evidence.hpp).
using model::CiJobRecord;
using model::CiRunRecord;

struct MetricRecord
{
  std::string name;
  double value = 0;
};

// Cuts `text` to k_max_message_bytes on a UTF-8 boundary.
std::string cap_message(std::string text);

} // namespace rl::evidence
