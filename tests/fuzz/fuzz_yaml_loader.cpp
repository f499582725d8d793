// libFuzzer entry for the yaml_loader harness (see harness_yaml_loader.cpp).
#include "fuzz/harness.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return rl_fuzz_yaml_loader(data, size);
}
