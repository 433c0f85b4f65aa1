// libFuzzer entry point for FuzzConfig() (tests/fuzz/fuzz_inputs.h).
#include "tests/fuzz/fuzz_inputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cdc::fuzz::FuzzConfig(data, size);
  return 0;
}
