// cobertura: a coverage report, as `ingest coverage` reads it (the format is
// recognised from the content; this target's seeds and dictionary are cobertura's).

#include "fuzz/harness.hpp"

#include "evidence/metrics.hpp"

int
rl_fuzz_cobertura(const std::uint8_t* data, std::size_t size)
{
  const std::string text = rl::fuzz::as_text(data, size);
  rl::fuzz::expect_input_error_only(
    [&] { rl::fuzz::check_metrics(rl::evidence::parse_coverage(text, "fuzz.cobertura", "coverage")); });
  return 0;
}
