// CopyText: parses one row of `COPY ... TO STDOUT` text format (tab-separated
// fields, `\N` for NULL, backslash escapes) into unescaped fields. A field
// without a backslash (nearly all) is a view into the row itself, so the row
// buffer must outlive the fields; only escaped fields are copied, into
// buffers reused from row to row. The fields live until the next Parse.
// Not thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model/result.h"

namespace cdc::pg {

struct CopyField {
  bool is_null = false;
  std::string_view text;  // unescaped bytes (empty when null); into the row or `unescaped`
  std::string unescaped;  // storage for a field that had escapes
};

class CopyText {
 public:
  // `line` is one row as PQgetCopyData returns it (the trailing newline is
  // optional). Fails with kBug on a dangling backslash or a row whose field
  // count differs from `expected_fields` (when non-zero).
  core::Result<const std::vector<CopyField>*> Parse(std::string_view line, size_t expected_fields = 0);

 private:
  // Unescapes the field starting at `i` into `field.unescaped`; returns where it ends.
  core::Result<size_t> ParseEscaped(std::string_view line, size_t i, CopyField& field);

  std::vector<CopyField> fields_;
};

}  // namespace cdc::pg
