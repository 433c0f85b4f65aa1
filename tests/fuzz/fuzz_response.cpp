// Instasent batch response parser over one response body.
#include <string_view>

#include "sink/instasent/response_parser.h"
#include "tests/fuzz/fuzz_inputs.h"

namespace cdc::fuzz {

void FuzzResponse(const uint8_t* data, size_t size) {
  if (size < 1) return;
  const size_t items = data[0] % 101;
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  auto outcomes = sink::ParseBatchResponse(body, items);
  if (outcomes && outcomes->size() != items) __builtin_trap();  // the contract: one per item
  (void)sink::ErrorMessage(body);
}

}  // namespace cdc::fuzz
