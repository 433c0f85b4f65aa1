// Text-protocol column values (as a snapshot SELECT returns them) converted to
// core::Value in the same forms the binlog row decoder produces, so a row read
// by the snapshot and the same row read from the binlog compare equal. The
// session must run with time_zone='+00:00' (TIMESTAMP values are UTC).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/model/value.h"

namespace cdc::mysql {

// What the conversion needs from a result column (MYSQL_FIELD).
struct TextColumn {
  uint8_t type = 0;         // enum_field_types (the ColumnType codes of table_map.h)
  uint32_t flags = 0;       // UNSIGNED_FLAG, ENUM_FLAG, SET_FLAG, BINARY_FLAG...
  uint32_t charsetnr = 0;   // 63 = binary
  uint32_t decimals = 0;
};

// `text` is null for SQL NULL. Malformed text is kBadData-worthy but values
// from the server are trusted: unparsable numbers fall back to kDecimal text.
core::Value TextToValue(const TextColumn& column, const char* text, size_t length);

// "INT UNSIGNED", "VARCHAR", "DATETIME"... for TableSchema::types.
std::string TextColumnTypeName(const TextColumn& column);

}  // namespace cdc::mysql
