// Storage formats per type (integers little endian unless noted):
//   TINY/SHORT/INT24/LONG/LONGLONG 1/2/3/4/8 bytes; FLOAT/DOUBLE IEEE 4/8
//   NEWDECIMAL see decimal.h; YEAR 1 byte (+1900, 0 = 0000)
//   DATE 3 bytes: day 5 bits | month 4 bits | year 15 bits
//   TIME 3 bytes signed HHMMSS; DATETIME 8 bytes YYYYMMDDHHMMSS; TIMESTAMP 4 bytes epoch
//   TIME2/DATETIME2/TIMESTAMP2 big endian (3/5/4 bytes) + (fsp+1)/2 fraction bytes
//   VARCHAR 1 or 2 length bytes (max length < 256 or not); CHAR idem by its length
//   BLOB/TEXT/JSON/GEOMETRY/VECTOR `meta` length bytes then data
//   ENUM 1-2 bytes index, SET 1-8 bytes bitmap, BIT big endian (bits+7)/8 bytes
#include "connectors/mysql/column_value.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>

#include "connectors/mysql/charset.h"
#include "connectors/mysql/decimal.h"
#include "connectors/mysql/json_binary.h"

namespace cdc::mysql {
namespace {

using core::Value;

// Stores a value built by a helper: one move into the row's slot.
core::Status Set(Value& out, Value value) {
  out = std::move(value);
  return {};
}
core::Status Set(Value& out, core::Result<Value>&& value) {
  if (!value) return core::Fail(std::move(value).error());
  out = std::move(*value);
  return {};
}

core::Error Unsupported(uint8_t type) {
  return core::Error::BadData(std::string("unsupported column type ") + ColumnTypeName(type) + " (" +
                              std::to_string(type) + ")");
}

int64_t SignExtend(uint64_t v, size_t bytes) {
  const int shift = static_cast<int>(64 - 8 * bytes);
  return static_cast<int64_t>(v << shift) >> shift;
}

void SetInteger(Value& out, uint64_t raw, size_t bytes, bool is_unsigned) {
  if (!is_unsigned) return out.SetInt(SignExtend(raw, bytes));
  if (raw > static_cast<uint64_t>(INT64_MAX)) return out.SetText(core::ValueKind::kDecimal, std::to_string(raw));
  out.SetInt(static_cast<int64_t>(raw));
}

// Fraction bytes of TIME2/DATETIME2/TIMESTAMP2 as microseconds (unsigned form).
core::Result<uint32_t> ReadFraction(ByteReader& r, int fsp) {
  if (fsp == 0) return 0u;
  if (fsp < 0 || fsp > 6) {
    return core::Fail(core::Error::BadData("invalid fractional precision " + std::to_string(fsp)));
  }
  // 1-2 digits in one byte (hundredths), 3-4 in two, 5-6 in three (micros).
  static constexpr uint32_t kScale[4] = {0, 10000, 100, 1};
  const size_t bytes = static_cast<size_t>(fsp + 1) / 2;
  MYSQL_ASSIGN_OR_RETURN(uint64_t v, r.UintBe(bytes));
  return static_cast<uint32_t>(v) * kScale[bytes];
}

// "00".."99": fixed-width digits two per division, replacing snprintf, which
// dominated the DATETIME cost (these run once per temporal value in every row).
constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// Two digits of a value below 100: one table copy.
char* Put2(char* out, uint32_t v) {
  std::memcpy(out, kDigitPairs + 2 * v, 2);
  return out + 2;
}

char* PutDigits(char* out, uint32_t v, int width) {
  int i = width;
  for (; i >= 2; i -= 2) {
    Put2(out + i - 2, v % 100);
    v /= 100;
  }
  if (i == 1) out[0] = static_cast<char>('0' + v % 10);
  return out + width;
}

// ".ffffff" cut to fsp digits (nothing for fsp 0).
char* PutFraction(char* out, uint32_t micros, int fsp) {
  if (fsp <= 0) return out;
  if (fsp > 6) fsp = 6;
  *out++ = '.';
  micros %= 1000000;
  if (fsp == 6) {  // the usual DATETIME(6)/TIMESTAMP(6)
    out = Put2(out, micros / 10000);
    out = Put2(out, micros / 100 % 100);
    return Put2(out, micros % 100);
  }
  // The leading fsp of six digits: drop the others by one division.
  static constexpr uint32_t kDrop[7] = {1000000, 100000, 10000, 1000, 100, 10, 1};
  return PutDigits(out, micros / kDrop[fsp], fsp);
}

// "YYYY-MM-DD"; a year above 9999 (only from damaged data) keeps all its digits.
char* PutDate(char* out, unsigned year, unsigned month, unsigned day) {
  if (year <= 9999) {
    out = Put2(out, year / 100);
    out = Put2(out, year % 100);
  } else {
    int width = 4;
    for (unsigned y = year; y > 9999; y /= 10) ++width;
    out = PutDigits(out, year, width);
  }
  *out++ = '-';
  out = Put2(out, month % 100);
  *out++ = '-';
  return Put2(out, day % 100);
}

char* PutClock(char* out, unsigned hour, unsigned minute, unsigned second) {
  out = Put2(out, hour % 100);
  *out++ = ':';
  out = Put2(out, minute % 100);
  *out++ = ':';
  return Put2(out, second % 100);
}

// Temporal text is written into a stack buffer and stored into the row's
// slot in place (Value::SetText): no temporary string per value.
void SetText(Value& out, core::ValueKind kind, const char* begin, const char* end) {
  out.SetText(kind, std::string_view(begin, static_cast<size_t>(end - begin)));
}

void SetDate(Value& out, unsigned year, unsigned month, unsigned day) {
  // Zero dates ('0000-00-00', or a zero month/day) are not dates: NULL.
  if (month == 0 || day == 0) return out.SetNull();
  char buf[24];
  SetText(out, core::ValueKind::kDate, buf, PutDate(buf, year, month, day));
}

void SetDateTime(Value& out, unsigned year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                 unsigned second, uint32_t micros, int fsp) {
  if (month == 0 || day == 0) return out.SetNull();
  char buf[48];
  char* end = PutDate(buf, year, month, day);
  *end++ = 'T';
  end = PutClock(end, hour, minute, second);
  SetText(out, core::ValueKind::kTimestamp, buf, PutFraction(end, micros, fsp));
}

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
// civil_from_days), instead of gmtime_r + strftime per value.
void CivilFromDays(int64_t days, unsigned& year, unsigned& month, unsigned& day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<unsigned>(static_cast<int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0));
}

void SetEpoch(Value& out, uint64_t seconds, uint32_t micros, int fsp) {
  if (seconds == 0 && micros == 0) return out.SetNull();  // '0000-00-00 00:00:00'
  unsigned year = 0, month = 0, day = 0;
  CivilFromDays(static_cast<int64_t>(seconds / 86400), year, month, day);
  const uint64_t in_day = seconds % 86400;
  char buf[48];
  char* end = PutDate(buf, year, month, day);
  *end++ = 'T';
  end = PutClock(end, static_cast<unsigned>(in_day / 3600), static_cast<unsigned>(in_day / 60 % 60),
                 static_cast<unsigned>(in_day % 60));
  end = PutFraction(end, micros, fsp);
  *end++ = 'Z';
  SetText(out, core::ValueKind::kTimestampTz, buf, end);
}

Value TimeValue(bool negative, uint64_t hour, unsigned minute, unsigned second, uint32_t micros, int fsp) {
  char buf[48];
  int n = std::snprintf(buf, sizeof(buf), "%s%02llu:%02u:%02u", negative ? "-" : "",
                        static_cast<unsigned long long>(hour), minute, second);
  char* end = PutFraction(buf + n, micros, fsp);
  return Value::Time(std::string(buf, end));
}

core::Result<Value> ReadTime2(ByteReader& r, int fsp) {
  // TIME2: 3-byte big-endian with a 0x800000 offset; the fraction shares the
  // sign, so negative values with a fraction borrow one from the integer part.
  MYSQL_ASSIGN_OR_RETURN(uint64_t raw, r.UintBe(3));
  int64_t intpart = static_cast<int64_t>(raw) - 0x800000;
  int64_t frac = 0;
  if (fsp == 1 || fsp == 2) {
    MYSQL_ASSIGN_OR_RETURN(uint64_t f, r.UintBe(1));
    frac = static_cast<int64_t>(f);
    if (intpart < 0 && frac != 0) {
      intpart++;
      frac -= 0x100;
    }
    frac *= 10000;
  } else if (fsp == 3 || fsp == 4) {
    MYSQL_ASSIGN_OR_RETURN(uint64_t f, r.UintBe(2));
    frac = static_cast<int64_t>(f);
    if (intpart < 0 && frac != 0) {
      intpart++;
      frac -= 0x10000;
    }
    frac *= 100;
  } else if (fsp == 5 || fsp == 6) {
    MYSQL_ASSIGN_OR_RETURN(uint64_t f, r.UintBe(3));
    int64_t packed = static_cast<int64_t>((raw << 24) | f) - 0x800000000000LL;
    intpart = packed >> 24;  // arithmetic shift keeps the sign
    frac = packed - intpart * (1LL << 24);
    if (intpart < 0 && frac != 0) {
      intpart++;
      frac -= 1LL << 24;
    }
  } else if (fsp != 0) {
    return core::Fail(core::Error::BadData("invalid TIME fractional precision"));
  }
  int64_t packed = intpart * (1LL << 24) + frac;
  bool negative = packed < 0;
  uint64_t v = negative ? static_cast<uint64_t>(-packed) : static_cast<uint64_t>(packed);
  uint64_t hms = v >> 24;
  uint32_t micros = static_cast<uint32_t>(v % (1ULL << 24));
  return TimeValue(negative, (hms >> 12) % (1 << 10), (hms >> 6) % 64, hms % 64, micros, fsp);
}

core::Status ReadDateTime2(ByteReader& r, int fsp, Value& out) {
  MYSQL_ASSIGN_OR_RETURN(uint64_t raw, r.UintBe(5));
  MYSQL_ASSIGN_OR_RETURN(uint32_t micros, ReadFraction(r, fsp));
  int64_t intpart = static_cast<int64_t>(raw) - 0x8000000000LL;
  if (intpart < 0) return core::Fail(core::Error::BadData("negative DATETIME"));
  uint64_t ymd = static_cast<uint64_t>(intpart) >> 17, ym = ymd >> 5;
  uint64_t hms = static_cast<uint64_t>(intpart) % (1 << 17);
  SetDateTime(out, static_cast<unsigned>(ym / 13), static_cast<unsigned>(ym % 13), static_cast<unsigned>(ymd % 32),
              static_cast<unsigned>(hms >> 12), static_cast<unsigned>((hms >> 6) % 64),
              static_cast<unsigned>(hms % 64), micros, fsp);
  return {};
}

Value FloatValue(float f) {
  // Through the shortest text of the float, so FLOAT 1.1 is 1.1, not 1.100000023841858.
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), f);
  double d = 0;
  std::from_chars(buf, res.ptr, d);
  return Value::Double(d);
}

core::Status ReadString(ByteReader& r, const TableMap& m, size_t col, size_t length_bytes, Value& out) {
  uint64_t len = 0;
  if (length_bytes == 1) {  // most strings: U8 is inline
    MYSQL_ASSIGN_OR_RETURN(len, r.U8());
  } else {
    MYSQL_ASSIGN_OR_RETURN(len, r.UintLe(length_bytes));
  }
  MYSQL_ASSIGN_OR_RETURN(std::string_view raw, r.Bytes(len));
  SetTextValue(raw, m.collations[col], out);
  return {};
}

// CHAR/BINARY: the server strips the pad; BINARY(n) gets its 0x00 pad back
// (as the server itself unpacks it), CHAR stays without trailing spaces.
core::Status ReadChar(ByteReader& r, const TableMap& m, size_t col, uint32_t max_length, Value& out) {
  MYSQL_RETURN_IF_ERROR(ReadString(r, m, col, max_length < 256 ? 1 : 2, out));
  if (m.collations[col] == kBinaryCollation && out.text().size() < max_length) {
    std::string padded = out.text();
    padded.resize(max_length, '\0');
    out = Value::Bytes(std::move(padded));
  }
  return {};
}

Value EnumValue(const TableMap& m, size_t col, uint64_t index) {
  const auto& names = m.enum_values[col];
  if (names.empty()) return Value::Int(static_cast<int64_t>(index));
  if (index == 0 || index > names.size()) return Value::String("");  // invalid value ''
  return Value::String(names[index - 1]);
}

Value SetValue(const TableMap& m, size_t col, uint64_t bits) {
  const auto& names = m.set_values[col];
  if (names.empty()) {
    if (bits > static_cast<uint64_t>(INT64_MAX)) return Value::Decimal(std::to_string(bits));
    return Value::Int(static_cast<int64_t>(bits));
  }
  std::string out;
  for (size_t i = 0; i < names.size() && i < 64; ++i) {
    if ((bits >> i) & 1) {
      if (!out.empty()) out += ",";
      out += names[i];
    }
  }
  return Value::String(out);
}

}  // namespace

core::Result<std::string_view> ReadBlobBytes(ByteReader& reader, uint16_t length_bytes) {
  if (length_bytes < 1 || length_bytes > 4) {
    return core::Fail(core::Error::BadData("invalid BLOB length size " + std::to_string(length_bytes)));
  }
  MYSQL_ASSIGN_OR_RETURN(uint64_t len, reader.UintLe(length_bytes));
  return reader.Bytes(len);
}

core::Status ReadColumnValueInto(ByteReader& r, const TableMap& m, size_t col, Value& out) {
  const uint8_t type = m.types[col];
  const uint16_t meta = m.meta[col];
  const bool is_unsigned = m.is_unsigned[col];
  switch (type) {
    case kTypeTiny:
    case kTypeShort:
    case kTypeInt24:
    case kTypeLong:
    case kTypeLongLong: {
      size_t bytes = type == kTypeTiny    ? 1
                     : type == kTypeShort ? 2
                     : type == kTypeInt24 ? 3
                     : type == kTypeLong  ? 4
                                          : 8;
      MYSQL_ASSIGN_OR_RETURN(uint64_t raw, r.UintLe(bytes));
      SetInteger(out, raw, bytes, is_unsigned);
      return {};
    }
    case kTypeFloat: {
      MYSQL_ASSIGN_OR_RETURN(uint32_t raw, r.U32());
      float f;
      std::memcpy(&f, &raw, sizeof(f));
      return Set(out, FloatValue(f));
    }
    case kTypeDouble: {
      MYSQL_ASSIGN_OR_RETURN(uint64_t raw, r.U64());
      double d;
      std::memcpy(&d, &raw, sizeof(d));
      return Set(out, Value::Double(d));
    }
    case kTypeNewDecimal: {
      char buffer[kDecimalTextCapacity];
      MYSQL_ASSIGN_OR_RETURN(std::string_view text, ReadDecimalText(r, meta >> 8, meta & 0xFF, buffer));
      out.SetText(core::ValueKind::kDecimal, text);
      return {};
    }
    case kTypeYear: {
      MYSQL_ASSIGN_OR_RETURN(uint8_t y, r.U8());
      out.SetInt(y == 0 ? 0 : 1900 + y);
      return {};
    }
    case kTypeDate:
    case kTypeNewDate: {
      MYSQL_ASSIGN_OR_RETURN(uint32_t v, r.U24());
      SetDate(out, v >> 9, (v >> 5) & 15, v & 31);
      return {};
    }
    case kTypeTime: {
      MYSQL_ASSIGN_OR_RETURN(uint64_t raw, r.UintLe(3));
      int64_t v = SignExtend(raw, 3);
      bool negative = v < 0;
      uint64_t a = static_cast<uint64_t>(negative ? -v : v);
      return Set(out, TimeValue(negative, a / 10000, (a / 100) % 100, a % 100, 0, 0));
    }
    case kTypeTime2:
      return Set(out, ReadTime2(r, meta));
    case kTypeDateTime: {
      MYSQL_ASSIGN_OR_RETURN(uint64_t v, r.U64());
      uint64_t date = v / 1000000, time = v % 1000000;
      SetDateTime(out, static_cast<unsigned>(date / 10000), (date / 100) % 100, date % 100,
                  static_cast<unsigned>(time / 10000), (time / 100) % 100, time % 100, 0, 0);
      return {};
    }
    case kTypeDateTime2:
      return ReadDateTime2(r, meta, out);
    case kTypeTimestamp: {
      MYSQL_ASSIGN_OR_RETURN(uint32_t secs, r.U32());
      SetEpoch(out, secs, 0, 0);
      return {};
    }
    case kTypeTimestamp2: {
      MYSQL_ASSIGN_OR_RETURN(uint64_t secs, r.UintBe(4));
      MYSQL_ASSIGN_OR_RETURN(uint32_t micros, ReadFraction(r, meta));
      SetEpoch(out, secs, micros, meta);
      return {};
    }
    case kTypeVarchar:
    case kTypeVarString:
      return ReadString(r, m, col, meta < 256 ? 1 : 2, out);
    case kTypeString: {
      const StringMeta string_meta = DecodeStringMeta(meta);
      const uint8_t real = string_meta.real;
      const uint32_t length = string_meta.length;
      if (real == kTypeEnum) {
        MYSQL_ASSIGN_OR_RETURN(uint64_t idx, r.UintLe(length));
        return Set(out, EnumValue(m, col, idx));
      }
      if (real == kTypeSet) {
        MYSQL_ASSIGN_OR_RETURN(uint64_t bits, r.UintLe(length));
        return Set(out, SetValue(m, col, bits));
      }
      return ReadChar(r, m, col, length, out);
    }
    case kTypeEnum: {
      MYSQL_ASSIGN_OR_RETURN(uint64_t idx, r.UintLe(meta & 0xFF));
      return Set(out, EnumValue(m, col, idx));
    }
    case kTypeSet: {
      MYSQL_ASSIGN_OR_RETURN(uint64_t bits, r.UintLe(meta & 0xFF));
      return Set(out, SetValue(m, col, bits));
    }
    case kTypeBit: {
      uint32_t nbits = (meta >> 8) * 8 + (meta & 0xFF);
      size_t bytes = (nbits + 7) / 8;
      if (bytes == 0 || bytes > 8) {
        MYSQL_ASSIGN_OR_RETURN(std::string_view raw, r.Bytes(bytes));
        return Set(out, Value::Bytes(std::string(raw)));
      }
      MYSQL_ASSIGN_OR_RETURN(uint64_t v, r.UintBe(bytes));
      if (v > static_cast<uint64_t>(INT64_MAX)) return Set(out, Value::Decimal(std::to_string(v)));
      return Set(out, Value::Int(static_cast<int64_t>(v)));
    }
    case kTypeBlob:
    case kTypeTinyBlob:
    case kTypeMediumBlob:
    case kTypeLongBlob: {
      MYSQL_ASSIGN_OR_RETURN(std::string_view raw, ReadBlobBytes(r, meta));
      SetTextValue(raw, m.collations[col], out);
      return {};
    }
    case kTypeJson: {
      MYSQL_ASSIGN_OR_RETURN(std::string_view raw, ReadBlobBytes(r, meta));
      MYSQL_ASSIGN_OR_RETURN(std::string text, JsonBinaryToText(raw));
      return Set(out, Value::Json(std::move(text)));
    }
    case kTypeNull:
      out.SetNull();  // a NULL-typed column stores nothing
      return {};
    case kTypeGeometry:
    case kTypeVector: {
      MYSQL_ASSIGN_OR_RETURN(std::string_view raw, ReadBlobBytes(r, meta));
      return Set(out, Value::Bytes(std::string(raw)));
    }
    default:
      return core::Fail(Unsupported(type));
  }
}

core::Result<Value> ReadColumnValue(ByteReader& r, const TableMap& m, size_t col) {
  Value value;
  MYSQL_RETURN_IF_ERROR(ReadColumnValueInto(r, m, col, value));
  return value;
}

}  // namespace cdc::mysql
