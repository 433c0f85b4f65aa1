// Array text grammar (array_out): an optional dimension decoration
// "[lo:hi][lo:hi]=", then '{' items '}' where an item is a nested array, a
// double-quoted string (backslash escapes '"' and '\'), or an unquoted string
// (backslash escapes allowed, surrounding whitespace ignored) in which the
// bare word NULL (any case) means SQL NULL.
#include "connectors/postgres/pg_array_text.h"

#include <strings.h>

#include <cctype>

#include "core/model/json_writer.h"

namespace cdc::pg {
namespace {

// PostgreSQL's MAXDIM.
constexpr int kMaxDepth = 6;

class ArrayParser {
 public:
  ArrayParser(std::string_view text, const ArrayElementConverter& element, char delimiter)
      : s_(text), element_(element), delimiter_(delimiter) {}

  core::Result<std::string> Parse() {
    if (Peek() == '[') {
      size_t eq = s_.find('=');
      if (eq == std::string_view::npos) return core::Fail(Bad("dimension decoration without '='"));
      pos_ = eq + 1;
    }
    SkipSpace();
    std::string out;
    if (auto s = ParseArray(out, 1); !s) return core::Fail(s.error());
    SkipSpace();
    if (pos_ != s_.size()) return core::Fail(Bad("text after the closing brace"));
    return out;
  }

 private:
  core::Error Bad(const char* what) const {
    return core::Error::BadData("malformed array text (" + std::string(what) + " at " +
                                std::to_string(pos_) + "): '" + std::string(s_.substr(0, 64)) +
                                "'");
  }
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }

  core::Status ParseArray(std::string& out, int depth) {
    if (depth > kMaxDepth) return core::Fail(Bad("too many dimensions"));
    if (Peek() != '{') return core::Fail(Bad("expected '{'"));
    ++pos_;
    out.push_back('[');
    SkipSpace();
    if (Peek() == '}') {
      ++pos_;
      out.push_back(']');
      return {};
    }
    for (bool first = true;; first = false) {
      if (!first) out.push_back(',');
      SkipSpace();
      if (Peek() == '{') {
        if (auto s = ParseArray(out, depth + 1); !s) return s;
      } else if (auto s = ParseElement(out); !s) {
        return s;
      }
      SkipSpace();
      if (Peek() == delimiter_) {
        ++pos_;
        continue;
      }
      if (Peek() == '}') {
        ++pos_;
        out.push_back(']');
        return {};
      }
      return core::Fail(Bad("expected a delimiter or '}'"));
    }
  }

  core::Status ParseElement(std::string& out) {
    std::string text;
    bool quoted = false;
    bool escaped = false;
    if (Peek() == '"') {
      quoted = true;
      ++pos_;
      for (;;) {
        if (pos_ >= s_.size()) return core::Fail(Bad("unterminated quoted element"));
        char c = s_[pos_++];
        if (c == '"') break;
        if (c == '\\') {
          if (pos_ >= s_.size()) return core::Fail(Bad("dangling backslash"));
          c = s_[pos_++];
        }
        text.push_back(c);
      }
    } else {
      size_t trailing_space_start = std::string::npos;
      while (pos_ < s_.size() && s_[pos_] != delimiter_ && s_[pos_] != '}') {
        char c = s_[pos_++];
        if (c == '{' || c == '"') return core::Fail(Bad("unexpected character in element"));
        if (c == '\\') {
          if (pos_ >= s_.size()) return core::Fail(Bad("dangling backslash"));
          c = s_[pos_++];
          escaped = true;
          trailing_space_start = std::string::npos;
          text.push_back(c);
          continue;
        }
        if (std::isspace(static_cast<unsigned char>(c))) {
          if (trailing_space_start == std::string::npos) trailing_space_start = text.size();
        } else {
          trailing_space_start = std::string::npos;
        }
        text.push_back(c);
      }
      if (trailing_space_start != std::string::npos) text.resize(trailing_space_start);
      if (text.empty()) return core::Fail(Bad("empty element"));
    }
    if (!quoted && !escaped && text.size() == 4 && strncasecmp(text.data(), "NULL", 4) == 0) {
      out += "null";
      return {};
    }
    auto value = element_(text);
    if (!value) return core::Fail(value.error());
    // JSON has no NaN/Infinity: a non-finite float element renders as null.
    core::AppendJsonValue(out, *value);
    return {};
  }

  std::string_view s_;
  const ArrayElementConverter& element_;
  char delimiter_;
  size_t pos_ = 0;
};

}  // namespace

core::Result<std::string> ArrayTextToJson(std::string_view text,
                                          const ArrayElementConverter& element, char delimiter) {
  return ArrayParser(text, element, delimiter).Parse();
}

}  // namespace cdc::pg
