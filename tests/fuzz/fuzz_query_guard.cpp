// libFuzzer entry for the query_guard harness (see harness_query_guard.cpp).
#include "fuzz/harness.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return rl_fuzz_query_guard(data, size);
}
