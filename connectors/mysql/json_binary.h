// MySQL binary JSON (the JSON column's storage format) to JSON text, and
// partial JSON updates (binlog_row_value_options=PARTIAL_JSON) applied to a
// previous value. MariaDB's JSON is plain text and never comes here.
#pragma once

#include <string>
#include <string_view>

#include "core/model/result.h"

namespace cdc::mysql {

// Renders one binary JSON document as compact JSON text. Opaque scalars follow
// MySQL: DATE "2012-03-18", DATETIME/TIMESTAMP "2012-03-18 11:30:45.000000",
// TIME "87:31:46.654321", DECIMAL as a number, others "base64:typeN:<base64>".
// An empty input is the JSON null MySQL stores for an empty value.
core::Result<std::string> JsonBinaryToText(std::string_view binary);

// Applies a partial-update diff list (from a PARTIAL_UPDATE_ROWS after image)
// to `before` (JSON text), giving the new JSON text.
core::Result<std::string> ApplyJsonDiff(const std::string& before, std::string_view diff);

// Base64 (standard alphabet, padded) as used for opaque JSON values.
std::string Base64Encode(std::string_view raw);

}  // namespace cdc::mysql
