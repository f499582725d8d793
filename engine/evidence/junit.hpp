#pragma once

#include "evidence/records.hpp"

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

namespace rl::evidence {

struct JunitFileInfo
{
  TestTotals totals;                        // counted from the test cases
  std::optional<model::Timestamp> taken_at; // the first suite's timestamp, when given
};

// What the parser did, for tests that prove its work is linear in the input.
struct JunitParseStats
{
  std::uint64_t bytes_fed = 0;     // bytes handed to expat
  std::uint64_t bytes_scanned = 0; // bytes expat tokenized, counting every rescan
                                   // of a token left incomplete by a block
  std::uint64_t feeds = 0;         // calls into expat
};

// Streams a JUnit XML document (every dialect in README "Evidence and rules") and calls
// `on_case` for each <testcase>, in document order. Memory stays bounded
// whatever the file size: nothing but the current test case and one XML
// token are kept, and message text is capped.
//
// One standard of well-formedness: expat's (XML 1.0, conformant), whatever
// the file's size. Refused with util::InputError ("path:line:col", exit 3):
// malformed XML (invalid UTF-8 is named with its byte offset), a document
// that is not JUnit, DTD entity declarations (no external entity is ever
// read, no entity is ever expanded), elements nested deeper than
// util::limits().depth, an XML token (a tag with its attributes, a comment,
// a declaration) or an element's text longer than util::limits().token_bytes,
// more than util::limits().file_bytes in all, and a suite path or `file`
// attribute longer than k_max_inherited_bytes. Throws util::StoreError when
// the stream cannot be read.
JunitFileInfo parse_junit(std::istream& in,
                          const std::string& display_path,
                          const std::function<void(const TestCaseRecord&)>& on_case,
                          JunitParseStats* stats = nullptr);

// parse_junit feeding expat blocks of `block_bytes` at first (instead of
// 64 KiB; doubled while no event fires, as always). For tests and fuzzing:
// small blocks put block boundaries anywhere in a document.
JunitFileInfo parse_junit_blocks(std::istream& in,
                                 const std::string& display_path,
                                 const std::function<void(const TestCaseRecord&)>& on_case,
                                 std::size_t block_bytes);

// The same for a document already in memory (files up to k_in_memory_limit,
// parsed on other threads while the previous file is written). The bytes are
// fed to expat in the same blocks as a stream's, so both functions give the
// same verdict, message and records for the same bytes.
JunitFileInfo parse_junit_buffer(std::string_view text,
                                 const std::string& display_path,
                                 const std::function<void(const TestCaseRecord&)>& on_case,
                                 JunitParseStats* stats = nullptr);

// Files up to this size are read whole and parsed in memory; larger ones are
// streamed, so memory stays bounded whatever the file size.
inline constexpr std::size_t k_in_memory_limit = std::size_t{16} * 1024 * 1024;

// A suite path (the enclosing suites' names joined with '/') and a `file`
// attribute are copied into every test case below them: longer ones are
// refused, so that a file's records stay proportional to its size (a 16 MiB
// suite name over a million one-line test cases would otherwise make 16 TB).
// Paths longer than PATH_MAX (4096) do not exist.
inline constexpr std::size_t k_max_inherited_bytes = 4096;

} // namespace rl::evidence
