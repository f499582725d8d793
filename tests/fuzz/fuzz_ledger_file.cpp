// libFuzzer entry for the ledger_file harness (see harness_ledger_file.cpp).
#include "fuzz/harness.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return rl_fuzz_ledger_file(data, size);
}
