// libFuzzer entry point for FuzzResponse() (tests/fuzz/fuzz_inputs.h).
#include "tests/fuzz/fuzz_inputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cdc::fuzz::FuzzResponse(data, size);
  return 0;
}
