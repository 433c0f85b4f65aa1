// TableMap: one decoded TABLE_MAP_EVENT (column types, per-type metadata,
// nullability and the optional metadata of binlog_row_metadata=MINIMAL/FULL).
// Immutable once decoded; shared by the rows events that follow it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/result.h"

namespace cdc::mysql {

// MySQL column type codes (enum_field_types) as they appear in the binlog.
enum ColumnType : uint8_t {
  kTypeDecimal = 0,
  kTypeTiny = 1,
  kTypeShort = 2,
  kTypeLong = 3,
  kTypeFloat = 4,
  kTypeDouble = 5,
  kTypeNull = 6,
  kTypeTimestamp = 7,
  kTypeLongLong = 8,
  kTypeInt24 = 9,
  kTypeDate = 10,
  kTypeTime = 11,
  kTypeDateTime = 12,
  kTypeYear = 13,
  kTypeNewDate = 14,
  kTypeVarchar = 15,
  kTypeBit = 16,
  kTypeTimestamp2 = 17,
  kTypeDateTime2 = 18,
  kTypeTime2 = 19,
  kTypeTypedArray = 20,
  kTypeVector = 242,
  kTypeJson = 245,
  kTypeNewDecimal = 246,
  kTypeEnum = 247,
  kTypeSet = 248,
  kTypeTinyBlob = 249,
  kTypeMediumBlob = 250,
  kTypeLongBlob = 251,
  kTypeBlob = 252,
  kTypeVarString = 253,
  kTypeString = 254,
  kTypeGeometry = 255,
};

const char* ColumnTypeName(uint8_t type);

// The metadata of a MYSQL_TYPE_STRING column: its real type (STRING, ENUM or
// SET) and its length in bytes. CHAR longer than 255 borrows two bits of the
// real-type byte for the length.
struct StringMeta {
  uint8_t real;
  uint32_t length;
};
inline StringMeta DecodeStringMeta(uint16_t meta) {
  uint8_t real = static_cast<uint8_t>(meta >> 8);
  uint32_t length = meta & 0xFF;
  if ((real & 0x30) != 0x30) {
    length |= static_cast<uint32_t>((real & 0x30) ^ 0x30) << 4;
    real |= 0x30;
  }
  return {real, length};
}

struct TableMap {
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::string database;
  std::string table;

  // Per column, in table order (all vectors have column_count entries).
  std::vector<uint8_t> types;       // binlog type code (STRING may hide ENUM/SET)
  std::vector<uint8_t> real_types;  // ENUM/SET/STRING resolved from the metadata
  std::vector<uint16_t> meta;       // type metadata, widened to 16 bits
  std::vector<bool> nullable;

  // Optional metadata (absent fields stay empty). Per-column vectors are
  // expanded to all columns even where MySQL lists only some (e.g. signedness
  // is sent for numeric columns only); columns it does not cover hold defaults.
  bool has_signedness = false;
  std::vector<bool> is_unsigned;
  // Collation id per column for character columns (0 = unknown / not a
  // character column). DEFAULT_CHARSET is already applied per column.
  std::vector<uint32_t> collations;
  std::vector<std::string> column_names;              // empty when not logged
  std::vector<std::vector<std::string>> enum_values;  // per column; empty if unknown
  std::vector<std::vector<std::string>> set_values;   // per column; empty if unknown
  std::vector<uint32_t> geometry_types;               // per column; 0 if unknown
  bool has_primary_key = false;
  std::vector<uint32_t> primary_key;         // column indices
  std::vector<uint32_t> primary_key_prefix;  // prefix length per key column, 0 = whole
  bool has_visibility = false;
  std::vector<bool> visible;

  size_t column_count() const { return types.size(); }
};

// Decodes a TABLE_MAP body (post-header included). `post_header_len` is the
// FORMAT_DESCRIPTION's value for type 19: 8 (6-byte table id) or, on servers
// before MySQL 5.1.4, 6 (4-byte table id).
core::Result<TableMap> DecodeTableMap(std::string_view body, uint8_t post_header_len);

}  // namespace cdc::mysql
