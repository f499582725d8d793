// junit_stream: a JUnit XML file streamed through expat, as ingest reads
// files larger than evidence::k_in_memory_limit. The block size (1 to 128
// bytes, from the input's length) puts block boundaries anywhere in the
// document.

#include "fuzz/harness.hpp"

#include "evidence/junit.hpp"

#include <sstream>

int
rl_fuzz_junit_stream(const std::uint8_t* data, std::size_t size)
{
  const std::string text = rl::fuzz::as_text(data, size);
  rl::fuzz::expect_input_error_only([&] {
    std::istringstream in(text);
    std::size_t cases = 0;
    const rl::evidence::JunitFileInfo info = rl::evidence::parse_junit_blocks(
      in, "fuzz.xml", [&](const rl::evidence::TestCaseRecord&) { ++cases; }, 1 + size % 128);
    if (static_cast<std::size_t>(info.totals.tests) != cases) {
      rl::fuzz::finding("junit_stream: totals.tests differs from the test cases reported");
    }
  });
  return 0;
}
