// CopyBinary: reads `COPY ... TO STDOUT (FORMAT binary)` rows, one CopyData
// message at a time (the first also carries the file header), into fields
// that are views into the message; and BinaryToValue, which turns a field of
// a type listed by BinaryCopyDecodable into exactly the core::Value its text
// form gives (pg_types' TextToValue). The snapshot uses binary COPY only when
// every column's type is decodable: the server formats nothing and we parse
// no text. Not thread-safe; fields live until the next Parse.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "connectors/postgres/copy_text.h"
#include "core/model/result.h"
#include "core/model/value.h"

namespace cdc::pg {

// Builtin types with a binary decoder: bool, int2/4/8, float4/8, text,
// varchar, bpchar, name, json, jsonb, uuid, date, timestamp, timestamptz.
// Domains, arrays, numeric and the rest are read as text.
bool BinaryCopyDecodable(uint32_t type_oid);

// One field's bytes (not NULL) of a decodable type → its Value.
core::Result<core::Value> BinaryToValue(uint32_t type_oid, std::string_view bytes);

class CopyBinary {
 public:
  // One CopyData message: a row (fields as views into `message`), or nullptr
  // for the trailer that ends the data. Fails with kBug on a bad header, a
  // truncated row or a field count other than `expected_fields`.
  core::Result<const std::vector<CopyField>*> Parse(std::string_view message, size_t expected_fields);

 private:
  bool header_read_ = false;
  std::vector<CopyField> fields_;
};

}  // namespace cdc::pg
