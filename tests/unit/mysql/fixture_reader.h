// Test helpers: locate and load the binlog fixtures (relative to the source
// tree), split them into raw events, and read their expect.json files.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cdc::mysql::testing {

// `$CDC_SOURCE_DIR/../shared/fixtures/mysql-binlog/<relative>`.
std::string FixturePath(const std::string& relative);
std::string ReadFileBytes(const std::string& path);
std::string Gunzip(const std::string& gz);
nlohmann::json LoadJson(const std::string& path);

// A binlog file image: the 4-byte magic followed by events. For the
// `BINLOG '<base64>'` text fixtures, the decoded chunks are concatenated behind
// a magic, as the fixtures' expect files count offsets.
std::string BinlogBytes(const std::string& relative);
std::string DecodeBinlogStatements(const std::string& text);

struct RawEvent {
  size_t offset = 0;
  std::string_view bytes;
};
// Splits after the magic by each header's event_size. Fails the test (and
// returns what was read) if the file does not end on an event boundary.
std::vector<RawEvent> SplitEvents(std::string_view file);

std::string HexToBytes(const std::string& hex);

}  // namespace cdc::mysql::testing
