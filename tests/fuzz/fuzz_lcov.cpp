// libFuzzer entry for the lcov harness (see harness_lcov.cpp).
#include "fuzz/harness.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return rl_fuzz_lcov(data, size);
}
