// Reading the Ingest API's answers to a batch POST: per-item outcomes from
// either the documented `entity` shape or the `entitiesSuccess/errors/accepted`
// shape clients observed (INSTASENT_API.md §6), and the `message` of errors.
// Pure functions, no I/O; nlohmann/json exceptions never escape.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model/result.h"

namespace cdc::sink {

struct ItemOutcome {
  bool ok = true;
  std::string errors;  // the API's errors for this item as JSON text ({"_email":["Invalid format"]})
};

// One outcome per sent item, in input order. kBadData when the body has
// neither shape or does not account for `items` items.
core::Result<std::vector<ItemOutcome>> ParseBatchResponse(std::string_view body, size_t items);

// The `message` of an error body, else the body itself (cut to 500 bytes).
std::string ErrorMessage(std::string_view body);

}  // namespace cdc::sink
