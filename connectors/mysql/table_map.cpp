// TABLE_MAP_EVENT body:
//   table_id u48 (u32 when the post-header is 6 bytes) | flags u16
//   db_len u8 | db | 0 | table_len u8 | table | 0
//   column_count lenenc | types[column_count] | meta_len lenenc | meta block
//   null bitmap (column_count+7)/8 | optional metadata: { type u8, len lenenc, value }*
// Metadata per type (bytes): FLOAT/DOUBLE/BLOB/GEOMETRY/JSON/VECTOR/TIME2/
// DATETIME2/TIMESTAMP2 1; VARCHAR/VAR_STRING/BIT 2 (little endian);
// NEWDECIMAL/STRING/ENUM/SET 2 (first byte high). Others 0.
#include "connectors/mysql/table_map.h"

#include <string>

#include "connectors/mysql/byte_reader.h"

namespace cdc::mysql {
namespace {

enum OptionalField : uint8_t {
  kSignedness = 1,
  kDefaultCharset = 2,
  kColumnCharset = 3,
  kColumnName = 4,
  kSetStrValue = 5,
  kEnumStrValue = 6,
  kGeometryType = 7,
  kSimplePrimaryKey = 8,
  kPrimaryKeyWithPrefix = 9,
  kEnumAndSetDefaultCharset = 10,
  kEnumAndSetColumnCharset = 11,
  kColumnVisibility = 12,
};

bool IsNumeric(uint8_t t) {
  switch (t) {
    case kTypeTiny:
    case kTypeShort:
    case kTypeInt24:
    case kTypeLong:
    case kTypeLongLong:
    case kTypeNewDecimal:
    case kTypeFloat:
    case kTypeDouble:
    case kTypeDecimal:
      return true;
    default:
      return false;
  }
}

bool IsCharacter(uint8_t real_type) {
  switch (real_type) {
    case kTypeString:
    case kTypeVarString:
    case kTypeVarchar:
    case kTypeBlob:
    case kTypeTinyBlob:
    case kTypeMediumBlob:
    case kTypeLongBlob:
    case kTypeVector:
      return true;
    default:
      return false;
  }
}

bool IsEnumOrSet(uint8_t real_type) { return real_type == kTypeEnum || real_type == kTypeSet; }

core::Result<uint16_t> ReadMeta(ByteReader& r, uint8_t type) {
  switch (type) {
    case kTypeFloat:
    case kTypeDouble:
    case kTypeBlob:
    case kTypeTinyBlob:
    case kTypeMediumBlob:
    case kTypeLongBlob:
    case kTypeGeometry:
    case kTypeJson:
    case kTypeVector:
    case kTypeTime2:
    case kTypeDateTime2:
    case kTypeTimestamp2:
      return r.U8().map([](uint8_t v) { return static_cast<uint16_t>(v); });
    case kTypeVarchar:
    case kTypeVarString:
    case kTypeBit:
      return r.U16();
    case kTypeNewDecimal:
    case kTypeString:
    case kTypeEnum:
    case kTypeSet: {
      MYSQL_ASSIGN_OR_RETURN(uint8_t hi, r.U8());
      MYSQL_ASSIGN_OR_RETURN(uint8_t lo, r.U8());
      return static_cast<uint16_t>((hi << 8) | lo);
    }
    case kTypeDecimal:
      return core::Fail(core::Error::BadData("pre-5.0 DECIMAL columns are not supported"));
    default:
      return uint16_t{0};
  }
}

// Bits are most significant first within each byte (optional metadata bitmaps).
std::vector<bool> ReadMsbBits(std::string_view bytes, size_t count) {
  std::vector<bool> bits;
  for (size_t i = 0; i < count && i / 8 < bytes.size(); ++i) {
    bits.push_back((static_cast<uint8_t>(bytes[i / 8]) >> (7 - i % 8)) & 1);
  }
  return bits;
}

core::Result<std::vector<std::vector<std::string>>> ReadStringLists(ByteReader& r) {
  std::vector<std::vector<std::string>> lists;
  while (!r.empty()) {
    MYSQL_ASSIGN_OR_RETURN(uint64_t n, r.PackedInt());
    if (n > r.remaining()) return core::Fail(core::Error::BadData("bad ENUM/SET value count"));
    std::vector<std::string> values;
    for (uint64_t i = 0; i < n; ++i) {
      MYSQL_ASSIGN_OR_RETURN(std::string_view s, r.PackedBytes());
      values.emplace_back(s);
    }
    lists.push_back(std::move(values));
  }
  return lists;
}

// DEFAULT_CHARSET layout: default collation, then (index, collation) pairs for
// the columns (counted among `selected`) that differ from it.
core::Status ApplyCharsets(ByteReader& r, bool per_column, const std::vector<size_t>& selected,
                           std::vector<uint32_t>& collations) {
  if (per_column) {
    for (size_t idx : selected) {
      MYSQL_ASSIGN_OR_RETURN(uint64_t c, r.PackedInt());
      collations[idx] = static_cast<uint32_t>(c);
    }
    return {};
  }
  MYSQL_ASSIGN_OR_RETURN(uint64_t def, r.PackedInt());
  for (size_t idx : selected) collations[idx] = static_cast<uint32_t>(def);
  while (!r.empty()) {
    MYSQL_ASSIGN_OR_RETURN(uint64_t i, r.PackedInt());
    MYSQL_ASSIGN_OR_RETURN(uint64_t c, r.PackedInt());
    if (i >= selected.size()) return core::Fail(core::Error::BadData("bad charset column index"));
    collations[selected[i]] = static_cast<uint32_t>(c);
  }
  return {};
}

core::Status DecodeOptional(ByteReader& r, TableMap& m) {
  const size_t n = m.column_count();
  std::vector<size_t> numeric, character, enum_set, enums, sets, geometry;
  for (size_t i = 0; i < n; ++i) {
    uint8_t t = m.real_types[i];
    if (IsNumeric(t)) numeric.push_back(i);
    if (IsCharacter(t)) character.push_back(i);
    if (IsEnumOrSet(t)) enum_set.push_back(i);
    if (t == kTypeEnum) enums.push_back(i);
    if (t == kTypeSet) sets.push_back(i);
    if (t == kTypeGeometry) geometry.push_back(i);
  }
  while (!r.empty()) {
    MYSQL_ASSIGN_OR_RETURN(uint8_t type, r.U8());
    MYSQL_ASSIGN_OR_RETURN(std::string_view value, r.PackedBytes());
    ByteReader v(value);
    switch (type) {
      case kSignedness: {
        m.has_signedness = true;
        std::vector<bool> bits = ReadMsbBits(value, numeric.size());
        for (size_t k = 0; k < bits.size(); ++k) m.is_unsigned[numeric[k]] = bits[k];
        break;
      }
      case kDefaultCharset:
      case kColumnCharset:
        MYSQL_RETURN_IF_ERROR(ApplyCharsets(v, type == kColumnCharset, character, m.collations));
        break;
      case kEnumAndSetDefaultCharset:
      case kEnumAndSetColumnCharset:
        MYSQL_RETURN_IF_ERROR(ApplyCharsets(v, type == kEnumAndSetColumnCharset, enum_set, m.collations));
        break;
      case kColumnName: {
        std::vector<std::string> names;
        while (!v.empty()) {
          MYSQL_ASSIGN_OR_RETURN(std::string_view s, v.PackedBytes());
          names.emplace_back(s);
        }
        if (names.size() != n) return core::Fail(core::Error::BadData("column name count mismatch"));
        m.column_names = std::move(names);
        break;
      }
      case kSetStrValue:
      case kEnumStrValue: {
        MYSQL_ASSIGN_OR_RETURN(auto lists, ReadStringLists(v));
        const auto& cols = type == kSetStrValue ? sets : enums;
        auto& target = type == kSetStrValue ? m.set_values : m.enum_values;
        for (size_t k = 0; k < lists.size() && k < cols.size(); ++k) target[cols[k]] = lists[k];
        break;
      }
      case kGeometryType:
        for (size_t idx : geometry) {
          MYSQL_ASSIGN_OR_RETURN(uint64_t g, v.PackedInt());
          m.geometry_types[idx] = static_cast<uint32_t>(g);
        }
        break;
      case kSimplePrimaryKey:
      case kPrimaryKeyWithPrefix:
        m.has_primary_key = true;
        while (!v.empty()) {
          MYSQL_ASSIGN_OR_RETURN(uint64_t idx, v.PackedInt());
          uint64_t prefix = 0;
          if (type == kPrimaryKeyWithPrefix) {
            MYSQL_ASSIGN_OR_RETURN(prefix, v.PackedInt());
          }
          if (idx >= n) return core::Fail(core::Error::BadData("primary key column out of range"));
          m.primary_key.push_back(static_cast<uint32_t>(idx));
          m.primary_key_prefix.push_back(static_cast<uint32_t>(prefix));
        }
        break;
      case kColumnVisibility: {
        m.has_visibility = true;
        std::vector<bool> bits = ReadMsbBits(value, n);
        for (size_t k = 0; k < bits.size(); ++k) m.visible[k] = bits[k];
        break;
      }
      default:
        break;  // newer fields (e.g. VECTOR dimensionality) carry nothing we need
    }
  }
  return {};
}

}  // namespace

const char* ColumnTypeName(uint8_t type) {
  switch (type) {
    case kTypeDecimal:
      return "DECIMAL";
    case kTypeTiny:
      return "TINYINT";
    case kTypeShort:
      return "SMALLINT";
    case kTypeLong:
      return "INT";
    case kTypeFloat:
      return "FLOAT";
    case kTypeDouble:
      return "DOUBLE";
    case kTypeNull:
      return "NULL";
    case kTypeTimestamp:
      return "TIMESTAMP";
    case kTypeLongLong:
      return "BIGINT";
    case kTypeInt24:
      return "MEDIUMINT";
    case kTypeDate:
      return "DATE";
    case kTypeTime:
      return "TIME";
    case kTypeDateTime:
      return "DATETIME";
    case kTypeYear:
      return "YEAR";
    case kTypeNewDate:
      return "DATE";
    case kTypeVarchar:
      return "VARCHAR";
    case kTypeBit:
      return "BIT";
    case kTypeTimestamp2:
      return "TIMESTAMP";
    case kTypeDateTime2:
      return "DATETIME";
    case kTypeTime2:
      return "TIME";
    case kTypeTypedArray:
      return "TYPED_ARRAY";
    case kTypeVector:
      return "VECTOR";
    case kTypeJson:
      return "JSON";
    case kTypeNewDecimal:
      return "DECIMAL";
    case kTypeEnum:
      return "ENUM";
    case kTypeSet:
      return "SET";
    case kTypeTinyBlob:
      return "TINYBLOB";
    case kTypeMediumBlob:
      return "MEDIUMBLOB";
    case kTypeLongBlob:
      return "LONGBLOB";
    case kTypeBlob:
      return "BLOB";
    case kTypeVarString:
      return "VARCHAR";
    case kTypeString:
      return "CHAR";
    case kTypeGeometry:
      return "GEOMETRY";
    default:
      return "UNKNOWN";
  }
}

core::Result<TableMap> DecodeTableMap(std::string_view body, uint8_t post_header_len) {
  ByteReader r(body);
  TableMap m;
  if (post_header_len == 6) {
    MYSQL_ASSIGN_OR_RETURN(uint32_t id, r.U32());
    m.table_id = id;
  } else {
    MYSQL_ASSIGN_OR_RETURN(m.table_id, r.U48());
  }
  MYSQL_ASSIGN_OR_RETURN(m.flags, r.U16());
  if (post_header_len > 8) MYSQL_RETURN_IF_ERROR(r.Skip(post_header_len - 8));
  MYSQL_ASSIGN_OR_RETURN(uint8_t db_len, r.U8());
  MYSQL_ASSIGN_OR_RETURN(std::string_view db, r.Bytes(db_len));
  MYSQL_RETURN_IF_ERROR(r.Skip(1));
  MYSQL_ASSIGN_OR_RETURN(uint8_t table_len, r.U8());
  MYSQL_ASSIGN_OR_RETURN(std::string_view table, r.Bytes(table_len));
  MYSQL_RETURN_IF_ERROR(r.Skip(1));
  m.database = std::string(db);
  m.table = std::string(table);

  MYSQL_ASSIGN_OR_RETURN(uint64_t n, r.PackedInt());
  if (n > r.remaining()) return core::Fail(core::Error::BadData("TABLE_MAP column count too large"));
  MYSQL_ASSIGN_OR_RETURN(std::string_view types, r.Bytes(n));
  m.types.assign(types.begin(), types.end());
  MYSQL_ASSIGN_OR_RETURN(std::string_view meta_block, r.PackedBytes());
  ByteReader meta(meta_block);
  m.meta.resize(n);
  m.real_types.resize(n);
  for (size_t i = 0; i < n; ++i) {
    MYSQL_ASSIGN_OR_RETURN(m.meta[i], ReadMeta(meta, m.types[i]));
    uint8_t real = m.types[i];
    if (real == kTypeString) {
      uint8_t hi = m.meta[i] >> 8;
      // CHAR longer than 255 borrows two bits of the real-type byte, which then
      // no longer reads as ENUM/SET (0xF7/0xF8 have both bits set).
      if ((hi & 0x30) == 0x30 && (hi == kTypeEnum || hi == kTypeSet)) real = hi;
    }
    m.real_types[i] = real;
  }
  MYSQL_ASSIGN_OR_RETURN(std::string_view nulls, r.Bytes((n + 7) / 8));
  m.nullable.resize(n);
  for (size_t i = 0; i < n; ++i) m.nullable[i] = (static_cast<uint8_t>(nulls[i / 8]) >> (i % 8)) & 1;

  m.is_unsigned.assign(n, false);
  m.collations.assign(n, 0);
  m.enum_values.assign(n, {});
  m.set_values.assign(n, {});
  m.geometry_types.assign(n, 0);
  m.visible.assign(n, true);
  MYSQL_RETURN_IF_ERROR(DecodeOptional(r, m));
  return m;
}

}  // namespace cdc::mysql
