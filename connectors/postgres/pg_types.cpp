#include "connectors/postgres/pg_types.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "connectors/postgres/pg_array_text.h"
#include "connectors/postgres/pg_datetime.h"

namespace cdc::pg {
namespace {

// Domains over domains are legal; a cycle is not, but a corrupt registration
// must not loop forever.
constexpr int kMaxResolveDepth = 16;

struct BuiltinType {
  uint32_t oid;
  const char* name;
  uint32_t array_oid;  // the type's array type, 0 if none listed
};

// Names as pg_type.typname; array types are "_" + element name.
constexpr BuiltinType kBuiltins[] = {
    {oid::kBool, "bool", 1000},
    {oid::kBytea, "bytea", 1001},
    {oid::kChar, "char", 1002},
    {oid::kName, "name", 1003},
    {oid::kInt8, "int8", 1016},
    {oid::kInt2, "int2", 1005},
    {oid::kInt4, "int4", 1007},
    {oid::kText, "text", 1009},
    {oid::kOid, "oid", 1028},
    {oid::kXid, "xid", 1011},
    {oid::kJson, "json", 199},
    {oid::kXml, "xml", 143},
    {oid::kFloat4, "float4", 1021},
    {oid::kFloat8, "float8", 1022},
    {oid::kMoney, "money", 791},
    {oid::kBpchar, "bpchar", 1014},
    {oid::kVarchar, "varchar", 1015},
    {oid::kDate, "date", 1182},
    {oid::kTime, "time", 1183},
    {oid::kTimestamp, "timestamp", 1115},
    {oid::kTimestampTz, "timestamptz", 1185},
    {oid::kInterval, "interval", 1187},
    {oid::kTimeTz, "timetz", 1270},
    {oid::kBit, "bit", 1561},
    {oid::kVarbit, "varbit", 1563},
    {oid::kNumeric, "numeric", 1231},
    {oid::kUuid, "uuid", 2951},
    {oid::kJsonb, "jsonb", 3807},
    {650, "cidr", 651},
    {869, "inet", 1041},
    {829, "macaddr", 1040},
    {774, "macaddr8", 775},
    {3220, "pg_lsn", 3221},
    {5069, "xid8", 271},
    {3614, "tsvector", 3643},
    {1033, "aclitem", 1034},
};

const BuiltinType* FindBuiltin(uint32_t type_oid) {
  for (const auto& b : kBuiltins) {
    if (b.oid == type_oid) return &b;
  }
  return nullptr;
}

const BuiltinType* FindBuiltinByArray(uint32_t array_oid) {
  for (const auto& b : kBuiltins) {
    if (b.array_oid == array_oid) return &b;
  }
  return nullptr;
}

core::Error Bad(const char* type, std::string_view text) {
  return core::Error::BadData(std::string("not a PostgreSQL ") + type + " value: '" +
                              std::string(text.substr(0, 64)) + "'");
}

core::Result<core::Value> IntFromText(const char* type, std::string_view text) {
  // Up to 18 digits cannot overflow int64: summed by hand (from_chars costs
  // several times more per value); longer text takes from_chars' range check.
  const bool negative = !text.empty() && text[0] == '-';
  const size_t digits = text.size() - (negative ? 1 : 0);
  if (digits >= 1 && digits <= 18) {
    int64_t v = 0;
    for (size_t i = negative ? 1 : 0; i < text.size(); ++i) {
      const unsigned d = static_cast<unsigned char>(text[i] - '0');
      if (d > 9) return core::Fail(Bad(type, text));
      v = v * 10 + d;
    }
    return core::Value::Int(negative ? -v : v);
  }
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return core::Fail(Bad(type, text));
  }
  return core::Value::Int(v);
}

// numeric_out: "-12.50", "0.99", "NaN", "Infinity", "-Infinity"; never an
// exponent. The text is kept exactly so no precision is lost.
core::Result<core::Value> NumericFromText(std::string_view text, ConversionWarnings* warnings) {
  if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
    if (warnings != nullptr) ++warnings->numeric_not_finite;
    return core::Value::Null();
  }
  size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  size_t int_digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++int_digits;
  if (int_digits == 0) return core::Fail(Bad("numeric", text));
  if (i < text.size() && text[i] == '.') {
    ++i;
    size_t frac_digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++frac_digits;
    if (frac_digits == 0) return core::Fail(Bad("numeric", text));
  }
  if (i != text.size()) return core::Fail(Bad("numeric", text));
  return core::Value::Decimal(std::string(text));
}

// float4out/float8out: shortest exact digits (extra_float_digits >= 1, the
// default since PostgreSQL 12), "NaN", "Infinity", "-Infinity".
core::Result<core::Value> FloatFromText(std::string_view text) {
  if (text == "NaN") return core::Value::Double(std::numeric_limits<double>::quiet_NaN());
  if (text == "Infinity") return core::Value::Double(std::numeric_limits<double>::infinity());
  if (text == "-Infinity") return core::Value::Double(-std::numeric_limits<double>::infinity());
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(v)) {
    return core::Fail(Bad("float", text));
  }
  return core::Value::Double(v);
}

int HexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// byteaout: hex "\x0a1b" (bytea_output=hex, the default) or the escape
// format (printable bytes as is, "\\" for a backslash, "\ooo" octal).
core::Result<core::Value> ByteaFromText(std::string_view text) {
  std::string raw;
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
    if (text.size() % 2 != 0) return core::Fail(Bad("bytea", text));
    raw.reserve((text.size() - 2) / 2);
    for (size_t i = 2; i < text.size(); i += 2) {
      int hi = HexNibble(text[i]);
      int lo = HexNibble(text[i + 1]);
      if (hi < 0 || lo < 0) return core::Fail(Bad("bytea", text));
      raw.push_back(static_cast<char>((hi << 4) | lo));
    }
    return core::Value::Bytes(std::move(raw));
  }
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '\\') {
      raw.push_back(text[i++]);
    } else if (i + 1 < text.size() && text[i + 1] == '\\') {
      raw.push_back('\\');
      i += 2;
    } else if (i + 3 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '3' &&
               text[i + 2] >= '0' && text[i + 2] <= '7' && text[i + 3] >= '0' &&
               text[i + 3] <= '7') {
      raw.push_back(static_cast<char>(((text[i + 1] - '0') << 6) | ((text[i + 2] - '0') << 3) |
                                      (text[i + 3] - '0')));
      i += 4;
    } else {
      return core::Fail(Bad("bytea", text));
    }
  }
  return core::Value::Bytes(std::move(raw));
}

core::Result<core::Value> BoolFromText(std::string_view text) {
  if (text == "t") return core::Value::Bool(true);
  if (text == "f") return core::Value::Bool(false);
  return core::Fail(Bad("bool", text));
}

core::Result<core::Value> Convert(uint32_t type_oid, std::string_view text,
                                  const TypeResolver& types, ConversionWarnings* warnings,
                                  int depth);

core::Result<core::Value> ArrayFromText(uint32_t element_oid, std::string_view text,
                                        const TypeResolver& types, ConversionWarnings* warnings,
                                        int depth) {
  // box is the only builtin type whose array delimiter is ';'.
  const char delimiter = element_oid == 603 ? ';' : ',';
  auto json = ArrayTextToJson(
      text,
      [&](std::string_view element) {
        return Convert(element_oid, element, types, warnings, depth + 1);
      },
      delimiter);
  if (!json) return core::Fail(json.error());
  return core::Value::Json(std::move(*json));
}

core::Result<core::Value> Convert(uint32_t type_oid, std::string_view text,
                                  const TypeResolver& types, ConversionWarnings* warnings,
                                  int depth) {
  if (depth > kMaxResolveDepth) {
    return core::Fail(core::Error::Bug("type " + std::to_string(type_oid) +
                                       " resolves through too many domains/arrays"));
  }
  switch (type_oid) {
    case oid::kBool:
      return BoolFromText(text);
    case oid::kInt2:
      return IntFromText("int2", text);
    case oid::kInt4:
      return IntFromText("int4", text);
    case oid::kInt8:
      return IntFromText("int8", text);
    case oid::kOid:
      return IntFromText("oid", text);
    case oid::kXid:
      return IntFromText("xid", text);
    case oid::kNumeric:
      return NumericFromText(text, warnings);
    case oid::kFloat4:
    case oid::kFloat8:
      return FloatFromText(text);
    case oid::kDate:
      return DateFromText(text);
    case oid::kTime:
      return TimeFromText(text);
    case oid::kTimeTz:
      return TimeTzFromText(text);
    case oid::kTimestamp:
      return TimestampFromText(text);
    case oid::kTimestampTz:
      return TimestampTzFromText(text);
    case oid::kJson:
    case oid::kJsonb:
      return core::Value::Json(std::string(text));
    case oid::kBytea:
      return ByteaFromText(text);
    // The common text-like types, before the array and user-type lookups.
    case oid::kText:
    case oid::kVarchar:
    case oid::kBpchar:
    case oid::kName:
    case oid::kUuid:
    case oid::kInterval:
      return core::Value::String(std::string(text));
    default:
      break;
  }
  if (const BuiltinType* element = FindBuiltinByArray(type_oid)) {
    return ArrayFromText(element->oid, text, types, warnings, depth);
  }
  if (const UserType* user = types.Find(type_oid)) {
    switch (user->kind) {
      case UserTypeKind::kDomain:
        return Convert(user->base_oid, text, types, warnings, depth + 1);
      case UserTypeKind::kArray:
        return ArrayFromText(user->base_oid, text, types, warnings, depth);
      case UserTypeKind::kEnum:
      case UserTypeKind::kComposite:
      case UserTypeKind::kOther:
        break;
    }
  }
  // text, varchar, bpchar, name, char, uuid, interval, money, xml, inet,
  // enums, composites and every type we do not know: the text as printed.
  return core::Value::String(std::string(text));
}

}  // namespace

void TypeResolver::NoteName(uint32_t type_oid, std::string name) {
  auto [it, inserted] = types_.try_emplace(type_oid);
  if (inserted || it->second.name.empty()) it->second.name = std::move(name);
}

const UserType* TypeResolver::Find(uint32_t type_oid) const {
  auto it = types_.find(type_oid);
  return it == types_.end() ? nullptr : &it->second;
}

core::Result<core::Value> TextToValue(uint32_t type_oid, std::string_view text,
                                      const TypeResolver& types, ConversionWarnings* warnings) {
  return Convert(type_oid, text, types, warnings, 0);
}

std::string TypeName(uint32_t type_oid, const TypeResolver& types) {
  if (const BuiltinType* b = FindBuiltin(type_oid)) return b->name;
  if (const BuiltinType* b = FindBuiltinByArray(type_oid)) return std::string("_") + b->name;
  if (const UserType* user = types.Find(type_oid); user != nullptr && !user->name.empty()) {
    return user->name;
  }
  return "oid:" + std::to_string(type_oid);
}

uint32_t BuiltinArrayElement(uint32_t type_oid) {
  const BuiltinType* b = FindBuiltinByArray(type_oid);
  return b == nullptr ? 0 : b->oid;
}

}  // namespace cdc::pg
