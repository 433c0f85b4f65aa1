#include "core/model/json_writer.h"

#include <charconv>
#include <cmath>

namespace cdc::core {

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(s.data() + run_start, s.size() - run_start);
  out.push_back('"');
}

std::string Base64Encode(std::string_view raw) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < raw.size(); i += 3) {
    const uint32_t n = (uint8_t(raw[i]) << 16) | (uint8_t(raw[i + 1]) << 8) | uint8_t(raw[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  if (i < raw.size()) {
    uint32_t n = uint8_t(raw[i]) << 16;
    if (i + 1 < raw.size()) n |= uint8_t(raw[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < raw.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

bool AppendJsonValue(std::string& out, const Value& v) {
  switch (v.kind()) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      out += "null";
      return true;
    case ValueKind::kBool:
      out += v.as_bool() ? "true" : "false";
      return true;
    case ValueKind::kInt: {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, end);
      return true;
    }
    case ValueKind::kDouble: {
      if (!std::isfinite(v.as_double())) {
        out += "null";
        return false;
      }
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.as_double());
      out.append(buf, end);
      return true;
    }
    case ValueKind::kDecimal:
    case ValueKind::kJson:
      out += v.text();
      return true;
    case ValueKind::kBytes:
      out.push_back('"');
      out += Base64Encode(v.text());
      out.push_back('"');
      return true;
    case ValueKind::kString:
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kTimestamp:
    case ValueKind::kTimestampTz:
      AppendJsonString(out, v.text());
      return true;
  }
  return true;
}

}  // namespace cdc::core
