#include "connectors/postgres/copy_text.h"

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
  size_t count = 0;
  size_t i = 0;
  for (;;) {
    if (fields_.size() <= count) fields_.emplace_back();
    CopyField& field = fields_[count++];
    field.text.clear();
    field.is_null = false;
    size_t start = i;
    // Most fields have no escapes: find the field's end and, when no
    // backslash comes before it, copy it whole (memchr-speed scans).
    const size_t tab = line.find('\t', i);
    const size_t end = tab == std::string_view::npos ? line.size() : tab;
    if (line.substr(i, end - i).find('\\') == std::string_view::npos) {
      field.text.assign(line.substr(i, end - i));
      i = end;
    }
    while (i < line.size() && line[i] != '\t') {
      // Copy the plain run up to the next tab or backslash in one append.
      size_t run = i;
      while (run < line.size() && line[run] != '\t' && line[run] != '\\') ++run;
      field.text.append(line.substr(i, run - i));
      i = run;
      if (i >= line.size() || line[i] == '\t') break;
      ++i;  // the backslash
      if (i >= line.size()) return core::Fail(core::Error::Bug("COPY text: backslash at end of row"));
      char e = line[i++];
      switch (e) {
        case 'b':
          field.text.push_back('\b');
          break;
        case 'f':
          field.text.push_back('\f');
          break;
        case 'n':
          field.text.push_back('\n');
          break;
        case 'r':
          field.text.push_back('\r');
          break;
        case 't':
          field.text.push_back('\t');
          break;
        case 'v':
          field.text.push_back('\v');
          break;
        case 'N':
          // Only a field that is exactly \N is NULL.
          if (i - start == 2 && (i == line.size() || line[i] == '\t')) {
            field.is_null = true;
          } else {
            field.text.push_back('N');
          }
          break;
        case 'x': {
          int value = 0, digits = 0;
          while (digits < 2 && i < line.size() && HexDigit(line[i]) >= 0) {
            value = value * 16 + HexDigit(line[i++]);
            ++digits;
          }
          if (digits == 0) {
            field.text.push_back('x');  // "\x" without digits is a plain x
          } else {
            field.text.push_back(static_cast<char>(value));
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
            field.text.push_back(static_cast<char>(value & 0xff));
          } else {
            field.text.push_back(e);
          }
      }
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

}  // namespace cdc::pg
