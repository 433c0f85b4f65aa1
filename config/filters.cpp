#include "config/filters.h"

#include <openssl/evp.h>
#include <phonenumbers/phonenumberutil.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>

#include "config/time_text.h"

namespace cdc::config {
namespace {

using core::Value;
using core::ValueKind;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

core::Status Bad(const Filter& f, const Value& in, const std::string& why) {
  return core::Fail(core::Error::BadData(f.spelling + " " + why + " '" + in.ToText() + "'"));
}

std::string TrimText(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n\f\v");
  return s.substr(first, last - first + 1);
}

// ASCII case mapping: ids, codes and e-mail addresses; other UTF-8 bytes pass.
std::string AsciiCase(std::string s, bool upper) {
  for (char& c : s) {
    c = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

std::string Sha256Hex(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xF]);
  }
  return out;
}

bool IsJsonNumber(const std::string& s) {
  // JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  const size_t int_start = i;
  const size_t int_digits = digits();
  if (int_digits == 0 || (int_digits > 1 && s[int_start] == '0')) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

bool ParseInteger(const std::string& text, int64_t& out) {
  std::string s = TrimText(text);
  if (!s.empty() && s[0] == '+') s.erase(0, 1);
  // "12.000" is an integer written as a decimal; "12.5" is not.
  if (const auto dot = s.find('.'); dot != std::string::npos) {
    if (s.find_first_not_of('0', dot + 1) != std::string::npos) return false;
    s.resize(dot);
  }
  if (s.empty() || s == "-") return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool ParseDouble(const std::string& text, double& out) {
  const std::string s = TrimText(text);
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(out);
}

bool IsEmail(const std::string& s) {
  const auto at = s.find('@');
  if (at == std::string::npos || at == 0 || s.find('@', at + 1) != std::string::npos) return false;
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7F || c == ',' || c == ';' || c == '<' || c == '>') return false;
  }
  const std::string domain = s.substr(at + 1);
  const auto dot = domain.rfind('.');
  return dot != std::string::npos && dot != 0 && dot + 1 < domain.size() &&
         domain.find("..") == std::string::npos && domain.front() != '.';
}

tl::expected<Value, std::string> LiteralValue(const FilterArg& arg) {
  if (arg.quoted) return Value::String(arg.text);
  if (arg.text == "true") return Value::Bool(true);
  if (arg.text == "false") return Value::Bool(false);
  if (arg.text == "null") return Value::Null();
  int64_t i = 0;
  auto [ptr, ec] = std::from_chars(arg.text.data(), arg.text.data() + arg.text.size(), i);
  if (ec == std::errc() && ptr == arg.text.data() + arg.text.size()) return Value::Int(i);
  if (IsJsonNumber(arg.text)) return Value::Decimal(arg.text);
  return tl::unexpected("expected a quoted text, a number, true or false, got " + arg.text);
}

}  // namespace

tl::expected<Filter, std::string> MakeFilter(const std::string& name, const std::vector<FilterArg>& args,
                                             std::string spelling) {
  struct Spec {
    const char* name;
    FilterKind kind;
    int args;  // number of arguments taken
  };
  static constexpr Spec kSpecs[] = {
      {"lower", FilterKind::kLower, 0},   {"upper", FilterKind::kUpper, 0},
      {"trim", FilterKind::kTrim, 0},     {"e164", FilterKind::kE164, 1},
      {"sha256", FilterKind::kSha256, 0}, {"default", FilterKind::kDefault, 1},
      {"date", FilterKind::kDate, 1},     {"string", FilterKind::kString, 0},
      {"int", FilterKind::kInt, 0},       {"float", FilterKind::kFloat, 0},
      {"number", FilterKind::kNumber, 0}, {"email", FilterKind::kEmail, 0},
  };
  const Spec* spec = nullptr;
  for (const Spec& s : kSpecs) {
    if (name == s.name) spec = &s;
  }
  if (spec == nullptr) {
    return tl::unexpected("unknown filter '" + name +
                          "' (known: lower, upper, trim, e164, sha256, default, date, string, "
                          "int, float, number, email)");
  }
  if (static_cast<int>(args.size()) != spec->args) {
    return tl::unexpected("filter '" + name + "' takes " + std::to_string(spec->args) + " argument" +
                          (spec->args == 1 ? "" : "s") + ", got " + std::to_string(args.size()));
  }
  Filter f;
  f.kind = spec->kind;
  f.spelling = std::move(spelling);
  switch (f.kind) {
    case FilterKind::kE164: {
      if (!args[0].quoted) {
        return tl::unexpected(std::string("e164 takes a quoted region code, e.g. e164('ES')"));
      }
      std::set<std::string> regions;
      PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
      f.arg = AsciiCase(args[0].text, true);
      if (regions.count(f.arg) == 0) {
        return tl::unexpected("e164: unknown region code '" + args[0].text + "'");
      }
      break;
    }
    case FilterKind::kDate:
      if (!args[0].quoted || args[0].text.empty()) {
        return tl::unexpected(std::string("date takes a quoted format, e.g. date('%Y-%m-%d')"));
      }
      f.arg = args[0].text;
      break;
    case FilterKind::kDefault: {
      auto v = LiteralValue(args[0]);
      if (!v) return tl::unexpected("default: " + v.error());
      f.fallback = std::move(*v);
      break;
    }
    default:
      break;
  }
  return f;
}

core::Status ApplyFilter(const Filter& f, const Value& in, Value& out) {
  if (in.is_absent()) {
    out = in;
    return {};
  }
  if (in.is_null()) {
    out = f.kind == FilterKind::kDefault ? f.fallback : in;
    return {};
  }
  switch (f.kind) {
    case FilterKind::kLower:
      out = Value::String(AsciiCase(in.ToText(), false));
      return {};
    case FilterKind::kUpper:
      out = Value::String(AsciiCase(in.ToText(), true));
      return {};
    case FilterKind::kTrim:
      out = Value::String(TrimText(in.ToText()));
      return {};
    case FilterKind::kString:
      out = Value::String(in.ToText());
      return {};
    case FilterKind::kDefault:
      out = in;
      return {};
    case FilterKind::kSha256:
      out = Value::String(Sha256Hex(in.ToText()));
      return {};
    case FilterKind::kE164: {
      const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
      PhoneNumber number;
      if (util->Parse(in.ToText(), f.arg, &number) != PhoneNumberUtil::NO_PARSING_ERROR ||
          !util->IsValidNumber(number)) {
        return Bad(f, in, "cannot make a valid phone number of");
      }
      std::string e164;
      util->Format(number, PhoneNumberUtil::E164, &e164);
      out = Value::String(std::move(e164));
      return {};
    }
    case FilterKind::kDate: {
      auto us = ValueToEpochMicros(in);
      if (!us || in.kind() == ValueKind::kInt) return Bad(f, in, "needs a date or timestamp, got");
      out = Value::String(FormatTime(*us, f.arg));
      return {};
    }
    case FilterKind::kInt: {
      int64_t i = 0;
      switch (in.kind()) {
        case ValueKind::kInt:
          out = in;
          return {};
        case ValueKind::kBool:
          out = Value::Int(in.as_bool() ? 1 : 0);
          return {};
        case ValueKind::kDouble: {
          const double d = in.as_double();
          if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) > 9.2e18) break;
          out = Value::Int(static_cast<int64_t>(d));
          return {};
        }
        case ValueKind::kDecimal:
        case ValueKind::kString:
          if (!ParseInteger(in.text(), i)) break;
          out = Value::Int(i);
          return {};
        default:
          break;
      }
      return Bad(f, in, "cannot convert to an integer");
    }
    case FilterKind::kFloat:
    case FilterKind::kNumber: {
      switch (in.kind()) {
        case ValueKind::kInt:
        case ValueKind::kDecimal:
        case ValueKind::kDouble:
          if (f.kind == FilterKind::kFloat && in.kind() != ValueKind::kDouble) {
            double d = 0;
            if (!ParseDouble(in.ToText(), d)) break;
            out = Value::Double(d);
          } else {
            out = in;
          }
          return {};
        case ValueKind::kBool:
          out = Value::Int(in.as_bool() ? 1 : 0);
          return {};
        case ValueKind::kString: {
          const std::string text = TrimText(in.text());
          double d = 0;
          if (f.kind == FilterKind::kNumber && IsJsonNumber(text)) {
            out = Value::Decimal(text);  // keeps the exact digits
            return {};
          }
          if (!ParseDouble(text, d)) break;
          out = Value::Double(d);
          return {};
        }
        default:
          break;
      }
      return Bad(f, in, "cannot convert to a number");
    }
    case FilterKind::kEmail: {
      std::string email = AsciiCase(TrimText(in.ToText()), false);
      if (!IsEmail(email)) return Bad(f, in, "is not an e-mail address:");
      out = Value::String(std::move(email));
      return {};
    }
  }
  return {};
}

}  // namespace cdc::config
