#include "connectors/postgres/copy_binary.h"

#include <endian.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "connectors/postgres/pg_datetime.h"
#include "connectors/postgres/pg_types.h"

// Binary COPY format (PostgreSQL docs, "COPY", Binary Format): an 11-byte
// signature, int32 flags, int32 header-extension length and that many bytes;
// then per row an int16 field count (-1: the trailer) and per field an int32
// length (-1: NULL) and the type's send() bytes. All integers big-endian.

namespace cdc::pg {
namespace {

constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // + the terminating '\0': 11 bytes

uint16_t Load16(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return be16toh(v);
}
uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return be32toh(v);
}
uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return be64toh(v);
}

int16_t Int16(const char* p) { return static_cast<int16_t>(Load16(p)); }
int32_t Int32(const char* p) { return static_cast<int32_t>(Load32(p)); }
int64_t Int64(const char* p) { return static_cast<int64_t>(Load64(p)); }

core::Error Malformed(const char* what) { return core::Error::Bug(std::string("binary COPY: ") + what); }

core::Error BadLength(uint32_t type_oid, size_t length) {
  return core::Error::Bug("binary COPY: a value of type " + std::to_string(type_oid) + " has " +
                          std::to_string(length) + " bytes");
}

core::Value FloatValue(double v) {
  // The same values FloatFromText gives for "NaN", "Infinity", "-Infinity".
  if (std::isnan(v)) return core::Value::Double(std::numeric_limits<double>::quiet_NaN());
  return core::Value::Double(v);
}

// float4 text is its shortest round-trip digits, which the text path reads as
// a double: 1.1f becomes 1.1, not 1.100000023841858.
core::Value Float4Value(float f) {
  if (!std::isfinite(f)) return FloatValue(f);
  char buf[32];
  auto printed = std::to_chars(buf, buf + sizeof buf, f);
  double v = 0;
  std::from_chars(buf, printed.ptr, v);
  return core::Value::Double(v);
}

core::Value UuidValue(std::string_view b) {
  static constexpr char kHex[] = "0123456789abcdef";
  char out[36];
  char* p = out;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
    const auto byte = static_cast<unsigned char>(b[i]);
    *p++ = kHex[byte >> 4];
    *p++ = kHex[byte & 15];
  }
  return core::Value::String(std::string(out, sizeof out));
}

// The fixed size of a type's binary value, 0 when it varies.
size_t FixedSize(uint32_t type_oid) {
  switch (type_oid) {
    case oid::kBool: return 1;
    case oid::kInt2: return 2;
    case oid::kInt4:
    case oid::kFloat4:
    case oid::kDate: return 4;
    case oid::kInt8:
    case oid::kFloat8:
    case oid::kTimestamp:
    case oid::kTimestampTz: return 8;
    case oid::kUuid: return 16;
    default: return 0;
  }
}

}  // namespace

bool BinaryCopyDecodable(uint32_t type_oid) {
  switch (type_oid) {
    case oid::kBool:
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
    case oid::kFloat4:
    case oid::kFloat8:
    case oid::kText:
    case oid::kVarchar:
    case oid::kBpchar:
    case oid::kName:
    case oid::kJson:
    case oid::kJsonb:
    case oid::kUuid:
    case oid::kDate:
    case oid::kTimestamp:
    case oid::kTimestampTz:
      return true;
    default:
      return false;
  }
}

core::Result<core::Value> BinaryToValue(uint32_t type_oid, std::string_view bytes) {
  const size_t fixed = FixedSize(type_oid);
  if (fixed != 0 && bytes.size() != fixed) return core::Fail(BadLength(type_oid, bytes.size()));
  const char* p = bytes.data();
  switch (type_oid) {
    case oid::kBool: return core::Value::Bool(p[0] != 0);
    case oid::kInt2: return core::Value::Int(Int16(p));
    case oid::kInt4: return core::Value::Int(Int32(p));
    case oid::kInt8: return core::Value::Int(Int64(p));
    case oid::kFloat4: {
      const uint32_t bits = Load32(p);
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return Float4Value(f);
    }
    case oid::kFloat8: {
      const uint64_t bits = Load64(p);
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return FloatValue(d);
    }
    case oid::kJson: return core::Value::Json(std::string(bytes));
    case oid::kJsonb:
      // jsonb_send: a version byte (1), then the text jsonb_out prints.
      if (bytes.empty() || bytes[0] != 1) return core::Fail(Malformed("unknown jsonb version"));
      return core::Value::Json(std::string(bytes.substr(1)));
    case oid::kUuid: return UuidValue(bytes);
    case oid::kDate: return DateFromBinary(Int32(p));
    case oid::kTimestamp: return TimestampFromBinary(Int64(p), /*with_zone=*/false);
    case oid::kTimestampTz: return TimestampFromBinary(Int64(p), /*with_zone=*/true);
    case oid::kText:
    case oid::kVarchar:
    case oid::kBpchar:
    case oid::kName: return core::Value::String(std::string(bytes));
    default: return core::Fail(core::Error::Bug("binary COPY: no decoder for type " + std::to_string(type_oid)));
  }
}

core::Result<const std::vector<CopyField>*> CopyBinary::Parse(std::string_view message, size_t expected_fields) {
  const char* p = message.data();
  const char* end = p + message.size();
  if (!header_read_) {
    if (message.size() < 19 || std::memcmp(p, kSignature, 11) != 0) return core::Fail(Malformed("bad signature"));
    const int32_t extension = Int32(p + 15);
    if (extension < 0 || end - (p + 19) < extension) return core::Fail(Malformed("bad header extension"));
    p += 19 + extension;
    header_read_ = true;
  }
  if (end - p < 2) return core::Fail(Malformed("truncated row"));
  const int16_t count = Int16(p);
  p += 2;
  if (count == -1) return nullptr;
  if (count < 0 || static_cast<size_t>(count) != expected_fields) {
    return core::Fail(core::Error::Bug("binary COPY: row has " + std::to_string(count) + " fields, expected " +
                                       std::to_string(expected_fields)));
  }
  fields_.resize(expected_fields);
  for (CopyField& field : fields_) {
    if (end - p < 4) return core::Fail(Malformed("truncated row"));
    const int32_t length = Int32(p);
    p += 4;
    field.is_null = length == -1;
    if (field.is_null) {
      field.text = {};
      continue;
    }
    if (length < 0 || end - p < length) return core::Fail(Malformed("truncated field"));
    field.text = std::string_view(p, static_cast<size_t>(length));
    p += length;
  }
  if (p != end) return core::Fail(Malformed("bytes after a row"));
  return &fields_;
}

}  // namespace cdc::pg
