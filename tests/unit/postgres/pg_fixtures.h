// Test helpers: locating and reading the pgoutput captures under
// $CDC_SOURCE_DIR/../shared/fixtures/pgoutput, and rendering decoded messages
// in the shape of the fixtures' expect.json "decoded" objects.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/postgres/pgoutput_messages.h"

namespace cdc::pg::testing {

// The pgoutput fixture folder; fails the calling test if CDC_SOURCE_DIR is unset.
std::string PgoutputDir();
std::string ReadFile(const std::string& path);
nlohmann::json ReadJson(const std::string& path);
std::string HexDecode(std::string_view hex);

// "2017-08-08T03:48:57.012975Z" from Unix epoch microseconds.
std::string FormatUnixMicros(int64_t us);

// The message as the expect files describe it: {"type": "Begin", "final_lsn":
// "0/16B1930", "final_lsn_u64": ..., ...}; tuples as arrays of text or null.
nlohmann::json Describe(const PgoutputMessage& message);

// One line of test_decoding output: "lsn|xid|text".
struct TestDecodingLine {
  std::string lsn;
  uint32_t xid = 0;
  std::string text;
};
std::vector<TestDecodingLine> ReadTestDecoding(const std::string& path);

// A change as test_decoding prints it: "table public.t: UPDATE: old-key: a[integer]:1
// new-tuple: a[integer]:2 b[text]:'x'". Values are unquoted; null is std::nullopt-like
// (is_null). Columns test_decoding omits are not listed.
struct TestDecodingColumn {
  std::string name;
  std::string type;
  bool is_null = false;
  std::string value;
};
struct TestDecodingChange {
  std::string table;  // "public.invoice_line"
  std::string op;     // INSERT, UPDATE, DELETE
  std::vector<TestDecodingColumn> old_key;
  std::vector<TestDecodingColumn> tuple;  // new tuple; the key for DELETE
};
bool ParseTestDecodingChange(const std::string& text, TestDecodingChange& out);

}  // namespace cdc::pg::testing
