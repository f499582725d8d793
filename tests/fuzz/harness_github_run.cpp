// github_run: a GitHub Actions run/jobs document (REST API or gh output), as
// `ingest github-run` reads it.

#include "fuzz/harness.hpp"

#include "evidence/ci_run.hpp"

int
rl_fuzz_github_run(const std::uint8_t* data, std::size_t size)
{
  const std::string text = rl::fuzz::as_text(data, size);
  rl::fuzz::expect_input_error_only([&] {
    // With and without --repository: documents that do not name theirs need it.
    (void)rl::evidence::parse_github_document(text, "fuzz.json", (size & 1) != 0 ? "example/tiny" : "");
  });
  return 0;
}
