// Value: one typed column value as decoded from a source, in canonical form.
// Textual kinds hold a canonical text the decoders produce (documented per kind);
// the JSON writer renders each kind as DESIGN.md "Value forms" says.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace cdc::core {

enum class ValueKind : uint8_t {
  kAbsent,       // not delivered (unchanged TOAST, missing from a MINIMAL image): omitted
  kNull,         // SQL NULL: JSON null
  kBool,         // JSON true/false
  kInt,          // int64: JSON number
  kDecimal,      // exact number as text ("-12.50", "18446744073709551615"): JSON number
  kDouble,       // float/double: JSON number; NaN/±Inf become null with a warning
  kString,       // UTF-8 text (also uuid, enum, interval, time zone-less time...)
  kDate,         // "YYYY-MM-DD"
  kTime,         // "HH:MM:SS[.ffffff]" (may be negative or >24h for MySQL TIME)
  kTimestamp,    // without zone: "YYYY-MM-DDTHH:MM:SS[.ffffff]"
  kTimestampTz,  // with zone, normalised to UTC: "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"
  kJson,         // JSON text (json/jsonb, arrays): emitted as the JSON value itself
  kBytes,        // raw bytes (bytea, BLOB): emitted as base64
};

const char* ValueKindName(ValueKind kind);

class Value {
 public:
  Value() = default;  // absent

  static Value Absent() { return Value(); }
  static Value Null() { return Value(ValueKind::kNull); }
  static Value Bool(bool b) {
    Value v(ValueKind::kBool);
    v.scalar_.b = b;
    return v;
  }
  static Value Int(int64_t i) {
    Value v(ValueKind::kInt);
    v.scalar_.i = i;
    return v;
  }
  static Value Double(double d) {
    Value v(ValueKind::kDouble);
    v.scalar_.d = d;
    return v;
  }
  static Value Decimal(std::string text) { return Text(ValueKind::kDecimal, std::move(text)); }
  static Value String(std::string text) { return Text(ValueKind::kString, std::move(text)); }
  static Value Date(std::string text) { return Text(ValueKind::kDate, std::move(text)); }
  static Value Time(std::string text) { return Text(ValueKind::kTime, std::move(text)); }
  static Value Timestamp(std::string text) { return Text(ValueKind::kTimestamp, std::move(text)); }
  static Value TimestampTz(std::string text) { return Text(ValueKind::kTimestampTz, std::move(text)); }
  static Value Json(std::string text) { return Text(ValueKind::kJson, std::move(text)); }
  static Value Bytes(std::string raw) { return Text(ValueKind::kBytes, std::move(raw)); }
  static Value Text(ValueKind kind, std::string text) {
    Value v(kind);
    v.text_ = std::move(text);
    return v;
  }

  // In place, for decoders filling a row slot: no temporary Value or string
  // to move in, and a reused slot keeps its text's capacity. A Value's text
  // is empty unless its kind is textual.
  void SetNull() {
    kind_ = ValueKind::kNull;
    text_.clear();
  }
  void SetInt(int64_t i) {
    kind_ = ValueKind::kInt;
    scalar_.i = i;
    text_.clear();
  }
  void SetText(ValueKind kind, std::string_view text) {
    kind_ = kind;
    // clear + append: assign() goes through the general _M_replace, which
    // costs more than short texts themselves.
    text_.clear();
    text_.append(text.data(), text.size());
  }

  ValueKind kind() const { return kind_; }
  bool is_absent() const { return kind_ == ValueKind::kAbsent; }
  bool is_null() const { return kind_ == ValueKind::kNull; }

  bool as_bool() const { return scalar_.b; }
  int64_t as_int() const { return scalar_.i; }
  double as_double() const { return scalar_.d; }
  // The canonical text of textual kinds (raw bytes for kBytes).
  const std::string& text() const { return text_; }

  // Plain text rendering for text templates and comparisons: NULL/absent render
  // as "", booleans as "true"/"false", numbers as written, bytes as base64.
  std::string ToText() const;
  // Appends what ToText returns, without a temporary string.
  void AppendText(std::string& out) const;

  bool operator==(const Value& o) const;

 private:
  explicit Value(ValueKind k) : kind_(k) {}

  ValueKind kind_ = ValueKind::kAbsent;
  union {
    bool b;
    int64_t i;
    double d;
  } scalar_{.i = 0};
  std::string text_;
};

}  // namespace cdc::core
