// sarif: a SARIF 2.1 log, as `ingest sarif` reads it.

#include "fuzz/harness.hpp"

#include "evidence/metrics.hpp"

int
rl_fuzz_sarif(const std::uint8_t* data, std::size_t size)
{
  const std::string text = rl::fuzz::as_text(data, size);
  rl::fuzz::expect_input_error_only(
    [&] { rl::fuzz::check_metrics(rl::evidence::parse_sarif(text, "fuzz.sarif", "sarif")); });
  return 0;
}
