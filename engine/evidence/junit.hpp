#pragma once

#include "evidence/records.hpp"

#include <functional>
#include <istream>
#include <optional>
#include <string>

namespace rl::evidence {

struct JunitFileInfo
{
  TestTotals totals;                // counted from the test cases
  std::optional<std::string> taken_at; // the first suite's timestamp, UTC, when given
};

// Streams a JUnit XML document (every dialect in README "Evidence") and calls
// `on_case` for each <testcase>, in document order. Memory stays bounded
// whatever the file size: nothing but the current test case is kept, and
// message text is capped. DTD entity declarations are refused (no external
// entity is ever read, no entity is ever expanded). Throws util::InputError
// with "path:line:col" for malformed XML or a document that is not JUnit.
JunitFileInfo parse_junit(std::istream& in,
                          const std::string& display_path,
                          const std::function<void(const TestCaseRecord&)>& on_case);

} // namespace rl::evidence
