// Binary JSON layout (MySQL sql-common/json_binary.h):
//   doc   := type u8, value
//   object/array (small: u16 fields, large: u32 fields):
//     count, size, key entries (objects: key offset, key length u16),
//     value entries (type u8 + offset, or the value inlined for literals and
//     int16/uint16, plus int32/uint32 in the large format), keys, values
//   string := lenenc-style varint (7 bits per byte) + bytes
//   opaque := field type u8, varint length, bytes
#include "connectors/mysql/json_binary.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "connectors/mysql/byte_reader.h"
#include "connectors/mysql/decimal.h"
#include "core/model/json_writer.h"
#include "connectors/mysql/table_map.h"

namespace cdc::mysql {
namespace {

enum JsonType : uint8_t {
  kSmallObject = 0,
  kLargeObject = 1,
  kSmallArray = 2,
  kLargeArray = 3,
  kLiteral = 4,
  kInt16 = 5,
  kUint16 = 6,
  kInt32 = 7,
  kUint32 = 8,
  kInt64 = 9,
  kUint64 = 10,
  kDouble = 11,
  kString = 12,
  kOpaque = 15,
};
constexpr int kMaxDepth = 100;

core::Error Bad(const std::string& what) { return core::Error::BadData("binary JSON: " + what); }

void AppendQuoted(std::string& out, std::string_view s) { core::AppendJsonString(out, s); }

core::Result<uint64_t> ReadVarLength(ByteReader& r) {
  uint64_t len = 0;
  for (int i = 0; i < 5; ++i) {
    MYSQL_ASSIGN_OR_RETURN(uint8_t b, r.U8());
    len |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) return len;
  }
  return core::Fail(Bad("bad length"));
}

std::string FormatPackedTime(int64_t packed, uint8_t field_type) {
  bool negative = packed < 0;
  uint64_t v = negative ? static_cast<uint64_t>(-packed) : static_cast<uint64_t>(packed);
  uint64_t frac = v % (1ULL << 24);
  uint64_t hi = v >> 24;
  char buf[64];
  if (field_type == kTypeTime) {
    uint64_t hour = (hi >> 12) % (1 << 10), minute = (hi >> 6) % 64, second = hi % 64;
    std::snprintf(buf, sizeof(buf), "%s%02llu:%02llu:%02llu.%06llu", negative ? "-" : "",
                  static_cast<unsigned long long>(hour), static_cast<unsigned long long>(minute),
                  static_cast<unsigned long long>(second), static_cast<unsigned long long>(frac));
    return buf;
  }
  uint64_t ymd = hi >> 17, ym = ymd >> 5, hms = hi % (1 << 17);
  unsigned long long year = ym / 13, month = ym % 13, day = ymd % 32;
  if (field_type == kTypeDate || field_type == kTypeNewDate) {
    std::snprintf(buf, sizeof(buf), "%04llu-%02llu-%02llu", year, month, day);
    return buf;
  }
  std::snprintf(buf, sizeof(buf), "%04llu-%02llu-%02llu %02llu:%02llu:%02llu.%06llu", year, month, day,
                static_cast<unsigned long long>(hms >> 12), static_cast<unsigned long long>((hms >> 6) % 64),
                static_cast<unsigned long long>(hms % 64), static_cast<unsigned long long>(frac));
  return buf;
}

core::Status AppendOpaque(std::string& out, ByteReader& r) {
  MYSQL_ASSIGN_OR_RETURN(uint8_t field_type, r.U8());
  MYSQL_ASSIGN_OR_RETURN(uint64_t len, ReadVarLength(r));
  MYSQL_ASSIGN_OR_RETURN(std::string_view data, r.Bytes(len));
  switch (field_type) {
    case kTypeDate:
    case kTypeNewDate:
    case kTypeTime:
    case kTypeDateTime:
    case kTypeTimestamp:
    case kTypeDateTime2:
    case kTypeTimestamp2:
    case kTypeTime2: {
      if (data.size() < 8) return core::Fail(Bad("short temporal opaque value"));
      ByteReader d(data);
      MYSQL_ASSIGN_OR_RETURN(uint64_t packed, d.U64());
      uint8_t kind = field_type;
      if (field_type == kTypeTime2) kind = kTypeTime;
      if (field_type == kTypeDateTime2 || field_type == kTypeTimestamp2) kind = kTypeDateTime;
      AppendQuoted(out, FormatPackedTime(static_cast<int64_t>(packed), kind));
      return {};
    }
    case kTypeNewDecimal: {
      ByteReader d(data);
      MYSQL_ASSIGN_OR_RETURN(uint8_t precision, d.U8());
      MYSQL_ASSIGN_OR_RETURN(uint8_t scale, d.U8());
      MYSQL_ASSIGN_OR_RETURN(std::string text, ReadDecimal(d, precision, scale));
      out += text;  // an exact JSON number
      return {};
    }
    default:
      AppendQuoted(out, "base64:type" + std::to_string(field_type) + ":" + Base64Encode(data));
      return {};
  }
}

core::Status AppendValue(std::string& out, uint8_t type, std::string_view doc, size_t offset, int depth);

// `doc` spans the object/array starting at its count field.
core::Status AppendContainer(std::string& out, uint8_t type, std::string_view doc, int depth) {
  if (depth > kMaxDepth) return core::Fail(Bad("nested too deeply"));
  const bool large = type == kLargeObject || type == kLargeArray;
  const bool object = type == kSmallObject || type == kLargeObject;
  const size_t w = large ? 4 : 2;
  ByteReader r(doc);
  MYSQL_ASSIGN_OR_RETURN(uint64_t count, r.UintLe(w));
  MYSQL_ASSIGN_OR_RETURN(uint64_t size, r.UintLe(w));
  if (size > doc.size()) return core::Fail(Bad("container larger than its value"));
  doc = doc.substr(0, size);
  const size_t key_entry = w + 2, value_entry = 1 + w;
  const size_t header = 2 * w + count * ((object ? key_entry : 0) + value_entry);
  if (count > doc.size() || header > doc.size()) return core::Fail(Bad("truncated container"));
  out += object ? '{' : '[';
  for (uint64_t i = 0; i < count; ++i) {
    if (i > 0) out += ',';
    if (object) {
      ByteReader k(doc.substr(2 * w + i * key_entry));
      MYSQL_ASSIGN_OR_RETURN(uint64_t key_offset, k.UintLe(w));
      MYSQL_ASSIGN_OR_RETURN(uint16_t key_len, k.U16());
      if (key_offset + key_len > doc.size()) return core::Fail(Bad("key out of range"));
      AppendQuoted(out, doc.substr(key_offset, key_len));
      out += ':';
    }
    size_t entry = 2 * w + (object ? count * key_entry : 0) + i * value_entry;
    ByteReader v(doc.substr(entry));
    MYSQL_ASSIGN_OR_RETURN(uint8_t value_type, v.U8());
    bool inlined = value_type == kLiteral || value_type == kInt16 || value_type == kUint16 ||
                   (large && (value_type == kInt32 || value_type == kUint32));
    if (inlined) {
      MYSQL_RETURN_IF_ERROR(AppendValue(out, value_type, doc, entry + 1, depth + 1));
    } else {
      MYSQL_ASSIGN_OR_RETURN(uint64_t value_offset, v.UintLe(w));
      if (value_offset >= doc.size()) return core::Fail(Bad("value out of range"));
      MYSQL_RETURN_IF_ERROR(AppendValue(out, value_type, doc, value_offset, depth + 1));
    }
  }
  out += object ? '}' : ']';
  return {};
}

core::Status AppendValue(std::string& out, uint8_t type, std::string_view doc, size_t offset, int depth) {
  if (offset > doc.size()) return core::Fail(Bad("offset out of range"));
  ByteReader r(doc.substr(offset));
  switch (type) {
    case kSmallObject:
    case kLargeObject:
    case kSmallArray:
    case kLargeArray:
      return AppendContainer(out, type, doc.substr(offset), depth);
    case kLiteral: {
      MYSQL_ASSIGN_OR_RETURN(uint8_t lit, r.U8());
      if (lit == 0)
        out += "null";
      else if (lit == 1)
        out += "true";
      else if (lit == 2)
        out += "false";
      else
        return core::Fail(Bad("unknown literal"));
      return {};
    }
    case kInt16:
    case kUint16:
    case kInt32:
    case kUint32:
    case kInt64:
    case kUint64: {
      size_t width = (type == kInt16 || type == kUint16) ? 2 : (type == kInt32 || type == kUint32) ? 4 : 8;
      MYSQL_ASSIGN_OR_RETURN(uint64_t raw, r.UintLe(width));
      bool is_signed = type == kInt16 || type == kInt32 || type == kInt64;
      if (is_signed) {
        int64_t v = static_cast<int64_t>(raw << (64 - 8 * width)) >> (64 - 8 * width);
        out += std::to_string(v);
      } else {
        out += std::to_string(raw);
      }
      return {};
    }
    case kDouble: {
      MYSQL_ASSIGN_OR_RETURN(uint64_t raw, r.U64());
      double d;
      std::memcpy(&d, &raw, sizeof(d));
      if (!std::isfinite(d)) return core::Fail(Bad("non-finite double"));
      out += nlohmann::json(d).dump();
      return {};
    }
    case kString: {
      MYSQL_ASSIGN_OR_RETURN(uint64_t len, ReadVarLength(r));
      MYSQL_ASSIGN_OR_RETURN(std::string_view s, r.Bytes(len));
      AppendQuoted(out, s);
      return {};
    }
    case kOpaque:
      return AppendOpaque(out, r);
    default:
      return core::Fail(Bad("unknown value type " + std::to_string(type)));
  }
}

// JSON path of a diff ("$.a[2].\"b c\"") to a JSON pointer for nlohmann.
core::Result<nlohmann::ordered_json::json_pointer> PathToPointer(std::string_view path) {
  if (path.empty() || path[0] != '$') return core::Fail(Bad("bad JSON path"));
  std::string pointer;
  size_t i = 1;
  auto escape = [](std::string key) {
    std::string e;
    for (char c : key) e += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    return e;
  };
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      std::string key;
      if (i < path.size() && path[i] == '"') {
        ++i;
        while (i < path.size() && path[i] != '"') {
          if (path[i] == '\\' && i + 1 < path.size()) ++i;
          key += path[i++];
        }
        ++i;
      } else {
        while (i < path.size() && path[i] != '.' && path[i] != '[') key += path[i++];
      }
      pointer += "/" + escape(key);
    } else if (path[i] == '[') {
      size_t end = path.find(']', i);
      if (end == std::string_view::npos) return core::Fail(Bad("bad JSON path"));
      pointer += "/" + std::string(path.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      return core::Fail(Bad("bad JSON path"));
    }
  }
  return nlohmann::ordered_json::json_pointer(pointer);
}

}  // namespace

std::string Base64Encode(std::string_view raw) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < raw.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(raw[i]) << 16) | (static_cast<uint8_t>(raw[i + 1]) << 8) |
                 static_cast<uint8_t>(raw[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(n >> k) & 63];
  }
  if (i < raw.size()) {
    uint32_t n = static_cast<uint8_t>(raw[i]) << 16;
    if (i + 1 < raw.size()) n |= static_cast<uint8_t>(raw[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < raw.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

core::Result<std::string> JsonBinaryToText(std::string_view binary) {
  if (binary.empty()) return std::string("null");
  std::string out;
  MYSQL_RETURN_IF_ERROR(AppendValue(out, static_cast<uint8_t>(binary[0]), binary.substr(1), 0, 0));
  return out;
}

core::Result<std::string> ApplyJsonDiff(const std::string& before, std::string_view diff) {
  enum Op : uint8_t { kReplace = 0, kInsert = 1, kRemove = 2 };
  try {
    auto doc = nlohmann::ordered_json::parse(before);
    ByteReader r(diff);
    while (!r.empty()) {
      MYSQL_ASSIGN_OR_RETURN(uint8_t op, r.U8());
      MYSQL_ASSIGN_OR_RETURN(std::string_view path, r.PackedBytes());
      MYSQL_ASSIGN_OR_RETURN(auto pointer, PathToPointer(path));
      if (op == kRemove) {
        auto parent = pointer.parent_pointer();
        auto& container = doc.at(parent);
        if (container.is_array()) {
          container.erase(static_cast<size_t>(std::stoul(pointer.back())));
        } else {
          container.erase(pointer.back());
        }
        continue;
      }
      if (op != kReplace && op != kInsert) return core::Fail(Bad("unknown diff operation"));
      MYSQL_ASSIGN_OR_RETURN(std::string_view value, r.PackedBytes());
      MYSQL_ASSIGN_OR_RETURN(std::string text, JsonBinaryToText(value));
      auto parsed = nlohmann::ordered_json::parse(text);
      if (op == kInsert && pointer.parent_pointer() != pointer) {
        auto& container = doc.at(pointer.parent_pointer());
        if (container.is_array()) {
          size_t idx = static_cast<size_t>(std::stoul(pointer.back()));
          container.insert(container.begin() + std::min(idx, container.size()), parsed);
          continue;
        }
      }
      doc[pointer] = parsed;
    }
    return doc.dump();
  } catch (const std::exception& e) {
    return core::Fail(Bad(std::string("cannot apply partial update: ") + e.what()));
  }
}

}  // namespace cdc::mysql
