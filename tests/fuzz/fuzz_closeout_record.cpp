// libFuzzer entry for the closeout_record harness (see harness_closeout_record.cpp).
#include "fuzz/harness.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return rl_fuzz_closeout_record(data, size);
}
