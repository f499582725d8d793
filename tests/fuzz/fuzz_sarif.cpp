// libFuzzer entry for the sarif harness (see harness_sarif.cpp).
#include "fuzz/harness.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return rl_fuzz_sarif(data, size);
}
