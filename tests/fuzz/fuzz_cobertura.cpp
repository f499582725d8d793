// libFuzzer entry for the cobertura harness (see harness_cobertura.cpp).
#include "fuzz/harness.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return rl_fuzz_cobertura(data, size);
}
