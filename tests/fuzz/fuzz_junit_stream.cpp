// libFuzzer entry for the junit_stream harness (see harness_junit_stream.cpp).
#include "fuzz/harness.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return rl_fuzz_junit_stream(data, size);
}
