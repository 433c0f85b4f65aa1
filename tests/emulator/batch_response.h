// Batch responses: the per-item results of a contacts or events POST rendered in
// the documented `{"entity":...}` shape or the client-observed shape, with 202 when
// at least one item succeeded and 422 when every item failed.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "tests/emulator/datastore.h"
#include "tests/emulator/faults.h"
#include "tests/emulator/http_message.h"

namespace cdc::emulator {

struct ItemResult {
  const nlohmann::json* item = nullptr;  // the item as sent
  nlohmann::json errors;                 // empty object: success
  bool is_event = false;

  bool ok() const { return errors.empty(); }
};

HttpResponse BuildBatchResponse(const std::vector<ItemResult>& results, ResponseShape shape,
                                const DatasourceId& ds);

}  // namespace cdc::emulator
