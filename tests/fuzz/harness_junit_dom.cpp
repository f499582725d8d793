// junit_dom: a JUnit XML file read in memory (pugixml), as ingest reads files
// up to evidence::k_in_memory_limit.

#include "fuzz/harness.hpp"

#include "evidence/junit.hpp"

int
rl_fuzz_junit_dom(const std::uint8_t* data, std::size_t size)
{
  const std::string text = rl::fuzz::as_text(data, size);
  rl::fuzz::expect_input_error_only([&] {
    std::size_t cases = 0;
    const rl::evidence::JunitFileInfo info =
      rl::evidence::parse_junit_buffer(text, "fuzz.xml", [&](const rl::evidence::TestCaseRecord&) { ++cases; });
    if (static_cast<std::size_t>(info.totals.tests) != cases) {
      rl::fuzz::finding("junit_dom: totals.tests differs from the test cases reported");
    }
  });
  return 0;
}
