// CopyText: parses one row of `COPY ... TO STDOUT` text format (tab-separated
// fields, `\N` for NULL, backslash escapes) into unescaped fields. Reuses its
// buffers from row to row; the returned fields live until the next Parse.
// Not thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model/result.h"

namespace cdc::pg {

struct CopyField {
  bool is_null = false;
  std::string text;  // unescaped bytes (empty when null)
};

class CopyText {
 public:
  // `line` is one row as PQgetCopyData returns it (the trailing newline is
  // optional). Fails with kBug on a dangling backslash or a row whose field
  // count differs from `expected_fields` (when non-zero).
  core::Result<const std::vector<CopyField>*> Parse(std::string_view line, size_t expected_fields = 0);

 private:
  std::vector<CopyField> fields_;
};

}  // namespace cdc::pg
