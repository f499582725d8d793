#pragma once

#include "evidence/records.hpp"

#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

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

// parse_junit reading the stream `block_bytes` at a time (default 64 KiB).
// For tests and fuzzing: small blocks put block boundaries anywhere in a
// document.
JunitFileInfo parse_junit_blocks(std::istream& in,
                                 const std::string& display_path,
                                 const std::function<void(const TestCaseRecord&)>& on_case,
                                 std::size_t block_bytes);

// The same for a document already in memory (files up to k_in_memory_limit):
// parsed with pugixml, several times faster than streaming. Entity
// declarations are refused before parsing; no entity is ever expanded.
JunitFileInfo parse_junit_buffer(std::string_view text,
                                 const std::string& display_path,
                                 const std::function<void(const TestCaseRecord&)>& on_case);

// Files up to this size are read whole and parsed in memory; larger ones are
// streamed, so memory stays bounded whatever the file size.
inline constexpr std::size_t k_in_memory_limit = 16 * 1024 * 1024;

} // namespace rl::evidence
