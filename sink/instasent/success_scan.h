// A fast read of the common answer to a batch POST: the documented
// `{"entity":{..."items":[...]}}` shape with every item a success. Scans the
// body without building a DOM; anything else is left to ParseBatchResponse's
// full parse. Pure; nlohmann/json exceptions never escape.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace cdc::sink {

// The number of items of `entity.items` when the body is a JSON object with
// exactly one `entity` object holding exactly one `items` array, and no item
// is an object with a `status` other than "success"; nullopt otherwise.
std::optional<size_t> CountItemsIfAllSucceeded(std::string_view body);

}  // namespace cdc::sink
