// Column text to core::Value by collation id: UTF-8 charsets pass through,
// others (latin1 = cp1252, as MySQL means it) are converted to UTF-8 with iconv,
// the binary collation (63) gives bytes. Collation names come from Connector/C.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/model/value.h"

namespace cdc::mysql {

inline constexpr uint32_t kBinaryCollation = 63;

// Character set name of a collation id ("utf8mb4", "latin1", "binary"), or ""
// when the id is unknown to Connector/C.
std::string CharsetName(uint32_t collation_id);

// `collation_id` 0 means unknown (no optional metadata): valid UTF-8 becomes a
// string, anything else bytes. Text that cannot be converted is kept as bytes.
core::Value TextValue(std::string_view raw, uint32_t collation_id);
// The same, stored into `out` in place.
void SetTextValue(std::string_view raw, uint32_t collation_id, core::Value& out);

bool IsValidUtf8(std::string_view s);

}  // namespace cdc::mysql
