// One column value of a row image, by the column's binlog type and metadata,
// as a core::Value in the canonical forms of core/model/value.h. The value
// forms per MySQL type are listed in README.md.
#pragma once

#include <cstddef>

#include "connectors/mysql/byte_reader.h"
#include "connectors/mysql/table_map.h"
#include "core/model/result.h"
#include "core/model/value.h"

namespace cdc::mysql {

// Reads the (non-NULL) value of column `column` of `map` from `reader`.
core::Result<core::Value> ReadColumnValue(ByteReader& reader, const TableMap& map, size_t column);
// The same, stored into `out` (a row image's slot): one move per value instead
// of a Result and its moves; `out` is unspecified after an error.
core::Status ReadColumnValueInto(ByteReader& reader, const TableMap& map, size_t column, core::Value& out);

// Reads a length-prefixed blob-family payload (`length_bytes` 1..4) raw.
core::Result<std::string_view> ReadBlobBytes(ByteReader& reader, uint16_t length_bytes);

}  // namespace cdc::mysql
