#include "connectors/mysql/snapshot_values.h"

#include <mysql.h>

#include <charconv>
#include <cstdlib>
#include <string>

#include "connectors/mysql/charset.h"

namespace cdc::mysql {

namespace {

// Zero dates ('0000-00-00', or a zero month or day) are NULL in the binlog
// decoder, so the snapshot makes them NULL too.
bool IsZeroDate(std::string_view text) {
  if (text.size() < 10) return false;
  return text.substr(5, 2) == "00" || text.substr(8, 2) == "00";
}

// "YYYY-MM-DD HH:MM:SS[.ffffff]" -> "YYYY-MM-DDTHH:MM:SS[.ffffff]" + suffix,
// built in one allocation.
std::string IsoDateTime(std::string_view text, std::string_view suffix = {}) {
  std::string out;
  out.reserve(text.size() + suffix.size());
  out.append(text);
  if (out.size() > 10 && out[10] == ' ') out[10] = 'T';
  out.append(suffix);
  return out;
}

core::Value Integer(std::string_view text, bool is_unsigned) {
  if (is_unsigned) {
    uint64_t u = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), u);
    if (ec == std::errc() && p == text.data() + text.size()) {
      if (u <= static_cast<uint64_t>(INT64_MAX)) return core::Value::Int(static_cast<int64_t>(u));
      return core::Value::Decimal(std::string(text));  // BIGINT UNSIGNED above 2^63-1
    }
  } else {
    int64_t i = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
    if (ec == std::errc() && p == text.data() + text.size()) return core::Value::Int(i);
  }
  return core::Value::Decimal(std::string(text));
}

}  // namespace

core::Value TextToValue(const TextColumn& column, const char* text, size_t length) {
  if (text == nullptr) return core::Value::Null();
  std::string_view t(text, length);
  bool is_unsigned = (column.flags & UNSIGNED_FLAG) != 0;
  switch (column.type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
      return Integer(t, is_unsigned);
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
      return core::Value::Decimal(std::string(t));
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE: {
      std::string s(t);
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (end == s.c_str() + s.size()) return core::Value::Double(d);
      return core::Value::Decimal(std::move(s));
    }
    case MYSQL_TYPE_BIT: {
      // Raw big-endian bytes, at most 8 (BIT(64)).
      uint64_t bits = 0;
      for (char c : t) bits = (bits << 8) | static_cast<uint8_t>(c);
      if (bits <= static_cast<uint64_t>(INT64_MAX)) return core::Value::Int(static_cast<int64_t>(bits));
      return core::Value::Decimal(std::to_string(bits));
    }
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
      if (IsZeroDate(t)) return core::Value::Null();
      return core::Value::Date(std::string(t));
    case MYSQL_TYPE_DATETIME:
      if (IsZeroDate(t)) return core::Value::Null();
      return core::Value::Timestamp(IsoDateTime(t));
    case MYSQL_TYPE_TIMESTAMP:
      if (IsZeroDate(t)) return core::Value::Null();
      return core::Value::TimestampTz(IsoDateTime(t, "Z"));
    case MYSQL_TYPE_TIME:
      return core::Value::Time(std::string(t));
    case MYSQL_TYPE_JSON:
      return core::Value::Json(std::string(t));
    case MYSQL_TYPE_GEOMETRY:
      return core::Value::Bytes(std::string(t));
    default:
      break;
  }
  // Character and binary strings, ENUM and SET (their names), BLOB/TEXT.
  if (column.charsetnr == kBinaryCollation) return core::Value::Bytes(std::string(t));
  return TextValue(t, column.charsetnr);
}

std::string TextColumnTypeName(const TextColumn& column) {
  std::string name;
  switch (column.type) {
    case MYSQL_TYPE_TINY: name = "TINYINT"; break;
    case MYSQL_TYPE_SHORT: name = "SMALLINT"; break;
    case MYSQL_TYPE_LONG: name = "INT"; break;
    case MYSQL_TYPE_INT24: name = "MEDIUMINT"; break;
    case MYSQL_TYPE_LONGLONG: name = "BIGINT"; break;
    case MYSQL_TYPE_YEAR: name = "YEAR"; break;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL: name = "DECIMAL"; break;
    case MYSQL_TYPE_FLOAT: name = "FLOAT"; break;
    case MYSQL_TYPE_DOUBLE: name = "DOUBLE"; break;
    case MYSQL_TYPE_BIT: name = "BIT"; break;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE: name = "DATE"; break;
    case MYSQL_TYPE_DATETIME: name = "DATETIME"; break;
    case MYSQL_TYPE_TIMESTAMP: name = "TIMESTAMP"; break;
    case MYSQL_TYPE_TIME: name = "TIME"; break;
    case MYSQL_TYPE_JSON: name = "JSON"; break;
    case MYSQL_TYPE_GEOMETRY: name = "GEOMETRY"; break;
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB: name = column.charsetnr == kBinaryCollation ? "BLOB" : "TEXT"; break;
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_VAR_STRING: name = column.charsetnr == kBinaryCollation ? "VARBINARY" : "VARCHAR"; break;
    case MYSQL_TYPE_STRING:
      if (column.flags & ENUM_FLAG) {
        name = "ENUM";
      } else if (column.flags & SET_FLAG) {
        name = "SET";
      } else {
        name = column.charsetnr == kBinaryCollation ? "BINARY" : "CHAR";
      }
      break;
    default: name = "TYPE_" + std::to_string(column.type); break;
  }
  if ((column.flags & UNSIGNED_FLAG) && column.type != MYSQL_TYPE_BIT) name += " UNSIGNED";
  return name;
}

}  // namespace cdc::mysql
