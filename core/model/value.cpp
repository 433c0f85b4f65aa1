#include "core/model/value.h"

#include <charconv>

#include "core/model/json_writer.h"

namespace cdc::core {

const char* ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kAbsent: return "absent";
    case ValueKind::kNull: return "null";
    case ValueKind::kBool: return "bool";
    case ValueKind::kInt: return "int";
    case ValueKind::kDecimal: return "decimal";
    case ValueKind::kDouble: return "double";
    case ValueKind::kString: return "string";
    case ValueKind::kDate: return "date";
    case ValueKind::kTime: return "time";
    case ValueKind::kTimestamp: return "timestamp";
    case ValueKind::kTimestampTz: return "timestamptz";
    case ValueKind::kJson: return "json";
    case ValueKind::kBytes: return "bytes";
  }
  return "?";
}

std::string Value::ToText() const {
  std::string out;
  AppendText(out);
  return out;
}

void Value::AppendText(std::string& out) const {
  switch (kind_) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      return;
    case ValueKind::kBool:
      out += scalar_.b ? "true" : "false";
      return;
    case ValueKind::kInt: {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, scalar_.i);
      // (pointer, length): the iterator overload goes through replace().
      out.append(buf, static_cast<size_t>(end - buf));
      return;
    }
    case ValueKind::kDouble: {
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, scalar_.d);
      // (pointer, length): the iterator overload goes through replace().
      out.append(buf, static_cast<size_t>(end - buf));
      return;
    }
    case ValueKind::kBytes:
      out += Base64Encode(text_);
      return;
    default:
      out += text_;
  }
}

bool Value::operator==(const Value& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      return true;
    case ValueKind::kBool:
      return scalar_.b == o.scalar_.b;
    case ValueKind::kInt:
      return scalar_.i == o.scalar_.i;
    case ValueKind::kDouble:
      return scalar_.d == o.scalar_.d;
    default:
      return text_ == o.text_;
  }
}

}  // namespace cdc::core
