#include "connectors/postgres/copy_text.h"

#include <cstring>

// COPY text format (PostgreSQL docs, "COPY", File Formats > Text Format):
// fields separated by '\t', rows end with '\n'; `\N` alone is NULL; escapes
// \b \f \n \r \t \v \\, \ooo (1-3 octal digits), \xhh (1-2 hex digits); a
// backslash before any other character stands for that character.

namespace cdc::pg {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

}  // namespace

core::Result<const std::vector<CopyField>*> CopyText::Parse(std::string_view line, size_t expected_fields) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (expected_fields != 0 && fields_.size() < expected_fields) fields_.resize(expected_fields);
  // One scan of the row: without a backslash anywhere no field needs a look.
  const bool escapes = std::memchr(line.data(), '\\', line.size()) != nullptr;
  size_t count = 0;
  size_t i = 0;
  for (;;) {
    if (fields_.size() <= count) fields_.emplace_back();
    CopyField& field = fields_[count++];
    field.is_null = false;
    // Most fields have no escapes: find the field's end and, when no
    // backslash comes before it, the field is that slice of the row
    // (memchr-speed scans, no copy).
    const char* at = line.data() + i;
    const size_t left = line.size() - i;
    const void* tab = std::memchr(at, '\t', left);
    const size_t len = tab == nullptr ? left : static_cast<size_t>(static_cast<const char*>(tab) - at);
    if (!escapes || std::memchr(at, '\\', len) == nullptr) {
      field.text = std::string_view(at, len);
      i += len;
    } else {
      auto end = ParseEscaped(line, i, field);
      if (!end) return core::Fail(end.error());
      i = *end;
    }
    if (i >= line.size()) break;
    ++i;  // the tab
  }
  fields_.resize(count);
  if (expected_fields != 0 && count != expected_fields) {
    return core::Fail(core::Error::Bug("COPY text: row has " + std::to_string(count) + " fields, expected " +
                                       std::to_string(expected_fields)));
  }
  return &fields_;
}

core::Result<size_t> CopyText::ParseEscaped(std::string_view line, size_t i, CopyField& field) {
  std::string& out = field.unescaped;
  out.clear();
  const size_t start = i;
  while (i < line.size() && line[i] != '\t') {
    // Copy the plain run up to the next tab or backslash in one append.
    size_t run = i;
    while (run < line.size() && line[run] != '\t' && line[run] != '\\') ++run;
    out.append(line.substr(i, run - i));
    i = run;
    if (i >= line.size() || line[i] == '\t') break;
    ++i;  // the backslash
    if (i >= line.size()) return core::Fail(core::Error::Bug("COPY text: backslash at end of row"));
    char e = line[i++];
    switch (e) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case 'N':
        // Only a field that is exactly \N is NULL.
        if (i - start == 2 && (i == line.size() || line[i] == '\t')) {
          field.is_null = true;
        } else {
          out.push_back('N');
        }
        break;
      case 'x': {
        int value = 0, digits = 0;
        while (digits < 2 && i < line.size() && HexDigit(line[i]) >= 0) {
          value = value * 16 + HexDigit(line[i++]);
          ++digits;
        }
        if (digits == 0) {
          out.push_back('x');  // "\x" without digits is a plain x
        } else {
          out.push_back(static_cast<char>(value));
        }
        break;
      }
      default:
        if (IsOctal(e)) {
          int value = e - '0', digits = 1;
          while (digits < 3 && i < line.size() && IsOctal(line[i])) {
            value = value * 8 + (line[i++] - '0');
            ++digits;
          }
          out.push_back(static_cast<char>(value & 0xff));
        } else {
          out.push_back(e);
        }
    }
  }
  field.text = out;
  return i;
}

}  // namespace cdc::pg
