// Widths as in column_value.cpp's storage table: fixed-size types skip their
// size, length-prefixed ones read the prefix and skip the payload. Anything
// unusual (invalid metadata, BIT wider than 8 bytes) goes through
// ReadColumnValue so a damaged event fails the same way whether read or skipped.
#include "connectors/mysql/column_skip.h"

#include "connectors/mysql/column_value.h"
#include "connectors/mysql/decimal.h"

namespace cdc::mysql {
namespace {

// Fraction bytes of TIME2/DATETIME2/TIMESTAMP2 of precision `fsp`; -1 when invalid.
int FractionBytes(uint16_t fsp) { return fsp <= 6 ? static_cast<int>(fsp + 1) / 2 : -1; }

// Bytes of a fixed-width value, 0 for NULL-typed columns, -1 when the width
// depends on the value (or on metadata checked by ReadColumnValue).
int FixedWidth(uint8_t type, uint16_t meta) {
  switch (type) {
    case kTypeTiny:
    case kTypeYear:
      return 1;
    case kTypeShort:
      return 2;
    case kTypeInt24:
    case kTypeDate:
    case kTypeNewDate:
    case kTypeTime:
      return 3;
    case kTypeLong:
    case kTypeFloat:
    case kTypeTimestamp:
      return 4;
    case kTypeLongLong:
    case kTypeDouble:
    case kTypeDateTime:
      return 8;
    case kTypeNull:
      return 0;
    case kTypeTime2:
      return FractionBytes(meta) < 0 ? -1 : 3 + FractionBytes(meta);
    case kTypeDateTime2:
      return FractionBytes(meta) < 0 ? -1 : 5 + FractionBytes(meta);
    case kTypeTimestamp2:
      return FractionBytes(meta) < 0 ? -1 : 4 + FractionBytes(meta);
    case kTypeNewDecimal: {
      const int precision = meta >> 8, scale = meta & 0xFF;
      if (precision <= 0 || precision > 65 || scale > 30 || scale > precision) return -1;
      return static_cast<int>(DecimalBinarySize(precision, scale));
    }
    default:
      return -1;
  }
}

core::Status SkipPrefixed(ByteReader& r, size_t length_bytes) {
  MYSQL_ASSIGN_OR_RETURN(uint64_t len, r.UintLe(length_bytes));
  return r.Skip(len);
}

}  // namespace

core::Status SkipColumnValue(ByteReader& r, const TableMap& m, size_t col) {
  const uint8_t type = m.types[col];
  const uint16_t meta = m.meta[col];
  if (const int width = FixedWidth(type, meta); width >= 0) return r.Skip(static_cast<size_t>(width));
  switch (type) {
    case kTypeVarchar:
    case kTypeVarString:
      return SkipPrefixed(r, meta < 256 ? 1 : 2);
    case kTypeBlob:
    case kTypeTinyBlob:
    case kTypeMediumBlob:
    case kTypeLongBlob:
    case kTypeJson:
    case kTypeGeometry:
    case kTypeVector:
      if (meta >= 1 && meta <= 4) return SkipPrefixed(r, meta);
      break;
    case kTypeString: {
      const StringMeta string_meta = DecodeStringMeta(meta);
      const uint8_t real = string_meta.real;
      const uint32_t length = string_meta.length;
      if (real == kTypeEnum || real == kTypeSet) {
        if (length >= 1 && length <= 8) return r.Skip(length);
        break;
      }
      return SkipPrefixed(r, length < 256 ? 1 : 2);
    }
    case kTypeEnum:
    case kTypeSet:
      if ((meta & 0xFF) >= 1 && (meta & 0xFF) <= 8) return r.Skip(meta & 0xFF);
      break;
    default:
      break;
  }
  auto value = ReadColumnValue(r, m, col);
  if (!value) return core::Fail(std::move(value).error());
  return {};
}

}  // namespace cdc::mysql
