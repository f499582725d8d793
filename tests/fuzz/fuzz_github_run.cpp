// libFuzzer entry for the github_run harness (see harness_github_run.cpp).
#include "fuzz/harness.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return rl_fuzz_github_run(data, size);
}
