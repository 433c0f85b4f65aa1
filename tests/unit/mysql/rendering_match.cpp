#include "tests/unit/mysql/rendering_match.h"

#include <cmath>
#include <cstdlib>
#include <ctime>

namespace cdc::core {
void PrintTo(const Value& value, std::ostream* os) { *os << mysql::testing::Describe(value); }
}  // namespace cdc::core

namespace cdc::mysql::testing {
namespace {

using core::ValueKind;
using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;

std::string Unquote(const std::string& s) {
  if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') return s.substr(1, s.size() - 2);
  return s;
}

// mariadb-binlog writes bytes below 0x20, quotes and backslashes as \xNN.
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() + 0 && s[i + 1] == 'x') {
      out += static_cast<char>(std::stoi(s.substr(i + 2, 2), nullptr, 16));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// U+FFFD in the fixture stands for a byte the tool printed raw and the
// fixture writer could not keep: it matches any one character of ours.
bool TextMatches(const std::string& ours, const std::string& expected) {
  static const std::string kReplacement = "\xEF\xBF\xBD";
  size_t i = 0, j = 0;
  while (j < expected.size()) {
    if (expected.compare(j, kReplacement.size(), kReplacement) == 0) {
      if (i >= ours.size()) return false;
      unsigned char c = static_cast<unsigned char>(ours[i]);
      size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
      i += len;
      j += kReplacement.size();
      continue;
    }
    if (i >= ours.size() || ours[i] != expected[j]) return false;
    ++i;
    ++j;
  }
  return i == ours.size();
}

// Raw bytes as they reach the fixture: the tool printed them unescaped and
// the fixture writer read them as UTF-8, each invalid sequence becoming U+FFFD.
std::string AsPrinted(const std::string& raw) {
  std::string out;
  size_t i = 0;
  while (i < raw.size()) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    size_t valid = len == 0 ? 0 : 1;
    while (valid > 0 && valid < len && i + valid < raw.size() &&
           (static_cast<unsigned char>(raw[i + valid]) & 0xC0) == 0x80) {
      ++valid;
    }
    if (len != 0 && valid == len && !(len == 2 && c < 0xC2)) {
      out.append(raw, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      i += valid == 0 ? 1 : valid;
    }
  }
  return out;
}

uint64_t ParseBits(const std::string& s) {  // b'0101'
  uint64_t v = 0;
  for (char c : s) {
    if (c == '0' || c == '1') v = (v << 1) | static_cast<uint64_t>(c - '0');
  }
  return v;
}

bool StartsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

AssertionResult Mismatch(const core::Value& v, const std::string& rendered, const std::string& type) {
  return AssertionFailure() << "decoded " << Describe(v) << " but mariadb-binlog printed " << rendered << " ("
                            << type << ")";
}

AssertionResult Check(bool ok, const core::Value& v, const std::string& rendered, const std::string& type) {
  return ok ? AssertionSuccess() : Mismatch(v, rendered, type);
}

std::string EpochOf(const std::string& ts) {  // "2024-02-29T12:00:00.500Z" -> "1709208000.500"
  struct tm tm {};
  strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = std::to_string(static_cast<long long>(timegm(&tm)));
  size_t dot = ts.find('.');
  if (dot != std::string::npos) out += ts.substr(dot, ts.size() - 1 - dot);
  return out;
}

}  // namespace

std::string Describe(const core::Value& v) {
  std::string text = v.kind() == ValueKind::kInt      ? std::to_string(v.as_int())
                     : v.kind() == ValueKind::kDouble ? std::to_string(v.as_double())
                     : v.kind() == ValueKind::kBool   ? (v.as_bool() ? "true" : "false")
                                                      : v.text();
  return std::string(core::ValueKindName(v.kind())) + "(" + text + ")";
}

AssertionResult MatchesRendering(const core::Value& v, const std::string& rendered, const std::string& type,
                                 const TableMap& map, size_t col) {
  if (rendered == "NULL") return Check(v.is_null(), v, rendered, type);
  if (StartsWith(type, "TINYINT") || StartsWith(type, "SHORTINT") || StartsWith(type, "MEDIUMINT") ||
      StartsWith(type, "INT") || StartsWith(type, "LONGINT")) {
    std::string first = rendered.substr(0, rendered.find(' '));
    std::string second = first;
    size_t open = rendered.find('(');
    if (open != std::string::npos) second = rendered.substr(open + 1, rendered.find(')') - open - 1);
    if (v.kind() == ValueKind::kInt) {
      std::string ours = std::to_string(v.as_int());
      return Check(ours == first || ours == second, v, rendered, type);
    }
    return Check(v.kind() == ValueKind::kDecimal && (v.text() == second || v.text() == first), v, rendered,
                 type);
  }
  if (StartsWith(type, "YEAR")) {
    return Check(v.kind() == ValueKind::kInt && std::to_string(v.as_int()) == rendered, v, rendered, type);
  }
  if (StartsWith(type, "FLOAT") || StartsWith(type, "DOUBLE")) {
    if (v.kind() != ValueKind::kDouble) return Mismatch(v, rendered, type);
    double expected = std::strtod(rendered.c_str(), nullptr);
    double tolerance = (StartsWith(type, "FLOAT") ? 1e-6 : 1e-15) * std::max(1.0, std::fabs(expected));
    if (std::fabs(expected) < 1 && expected != 0) tolerance = std::fabs(expected) * 1e-6;
    return Check(std::fabs(v.as_double() - expected) <= tolerance, v, rendered, type);
  }
  if (StartsWith(type, "DECIMAL")) {
    return Check(v.kind() == ValueKind::kDecimal && v.text() == rendered, v, rendered, type);
  }
  if (StartsWith(type, "DATE ") || type == "DATE") {
    std::string d = Unquote(rendered);
    for (char& c : d) c = c == ':' ? '-' : c;
    if (d == "0000-00-00") return Check(v.is_null(), v, rendered, type);
    return Check(v.kind() == ValueKind::kDate && v.text() == d, v, rendered, type);
  }
  if (StartsWith(type, "DATETIME")) {
    std::string d = Unquote(rendered);
    if (StartsWith(d, "0000-00-00")) return Check(v.is_null(), v, rendered, type);
    d[10] = 'T';
    return Check(v.kind() == ValueKind::kTimestamp && v.text() == d, v, rendered, type);
  }
  if (StartsWith(type, "TIMESTAMP")) {
    if (rendered == "0") return Check(v.is_null(), v, rendered, type);
    return Check(v.kind() == ValueKind::kTimestampTz && EpochOf(v.text()) == rendered, v, rendered, type);
  }
  if (StartsWith(type, "TIME")) {
    return Check(v.kind() == ValueKind::kTime && v.text() == Unquote(rendered), v, rendered, type);
  }
  if (StartsWith(type, "ENUM")) {
    int64_t index = std::stoll(rendered);
    const auto& names = map.enum_values[col];
    if (names.empty()) return Check(v.kind() == ValueKind::kInt && v.as_int() == index, v, rendered, type);
    std::string name = index >= 1 && static_cast<size_t>(index) <= names.size() ? names[index - 1] : "";
    return Check(v.kind() == ValueKind::kString && v.text() == name, v, rendered, type);
  }
  if (StartsWith(type, "SET")) {
    uint64_t bits = ParseBits(rendered);
    const auto& names = map.set_values[col];
    if (names.empty()) {
      return Check(v.kind() == ValueKind::kInt && static_cast<uint64_t>(v.as_int()) == bits, v, rendered,
                   type);
    }
    std::string joined;
    for (size_t i = 0; i < names.size(); ++i) {
      if ((bits >> i) & 1) joined += (joined.empty() ? "" : ",") + names[i];
    }
    return Check(v.kind() == ValueKind::kString && v.text() == joined, v, rendered, type);
  }
  if (StartsWith(type, "BIT")) {
    return Check(v.kind() == ValueKind::kInt && static_cast<uint64_t>(v.as_int()) == ParseBits(rendered), v,
                 rendered, type);
  }
  // Strings, blobs, geometry: quoted text with \xNN escapes.
  std::string expected = Unescape(Unquote(rendered));
  if (v.kind() == ValueKind::kString) return Check(TextMatches(v.text(), expected), v, rendered, type);
  if (v.kind() == ValueKind::kBytes) {
    std::string ours = v.text();
    // BINARY(n) is stored without its 0x00 padding and the tool prints it so;
    // the decoder pads it back to n bytes.
    if (StartsWith(type, "STRING")) {
      while (!ours.empty() && ours.back() == '\0') ours.pop_back();
    }
    return Check(TextMatches(AsPrinted(ours), expected), v, rendered, type);
  }
  if (v.kind() == ValueKind::kJson) return Check(v.text() == expected, v, rendered, type);
  return Mismatch(v, rendered, type);
}

}  // namespace cdc::mysql::testing
