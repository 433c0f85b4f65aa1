// Batch-level request validation: a POST body must be a JSON array of 1..100
// objects. Failures are the 400 `{"message":...}` answers; items are checked later.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <variant>

#include "tests/emulator/http_message.h"

namespace cdc::emulator {

inline constexpr size_t kMaxBatchItems = 100;

// The parsed array, or the 400 response to send.
std::variant<nlohmann::json, HttpResponse> ParseBatch(std::string_view body);

}  // namespace cdc::emulator
