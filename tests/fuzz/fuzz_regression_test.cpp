// Replays every committed seed and every past fuzz finding through the fuzz
// entry points in the normal build, so a fixed crash stays fixed without
// clang. Findings live in regressions/<target>/ (the libFuzzer input as is);
// their specific outcomes are asserted in the decoders' own tests below.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/mysql/event_bodies.h"
#include "connectors/mysql/row_decoder.h"
#include "connectors/postgres/pgoutput_decoder.h"
#include "tests/fuzz/fuzz_inputs.h"

namespace cdc::fuzz {
namespace {

using Entry = void (*)(const uint8_t*, size_t);

std::string FuzzDir() {
  const char* source = std::getenv("CDC_SOURCE_DIR");
  return std::string(source ? source : ".") + "/tests/fuzz";
}

// Runs every file of corpus/<target> and regressions/<target>; returns how many.
size_t ReplayAll(const std::string& target, Entry entry) {
  size_t count = 0;
  for (const char* kind : {"corpus", "regressions"}) {
    const std::filesystem::path dir = FuzzDir() + "/" + kind + "/" + target;
    if (!std::filesystem::exists(dir)) continue;
    for (const auto& file : std::filesystem::directory_iterator(dir)) {
      std::ifstream in(file.path(), std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      const std::string data = bytes.str();
      SCOPED_TRACE(file.path().string());
      entry(reinterpret_cast<const uint8_t*>(data.data()), data.size());
      ++count;
    }
  }
  return count;
}

TEST(FuzzRegressionTest, PgoutputSeedsAndFindingsDecodeWithoutCrashing) {
  EXPECT_GE(ReplayAll("pgoutput", &FuzzPgoutput), 10u);
}

TEST(FuzzRegressionTest, BinlogSeedsAndFindingsDecodeWithoutCrashing) {
  EXPECT_GE(ReplayAll("binlog", &FuzzBinlog), 20u);
}

TEST(FuzzRegressionTest, ConfigSeedsAndFindingsLoadWithoutCrashing) {
  EXPECT_GE(ReplayAll("config", &FuzzConfig), 4u);
}

TEST(FuzzRegressionTest, ResponseSeedsAndFindingsParseWithoutCrashing) {
  EXPECT_GE(ReplayAll("response", &FuzzResponse), 4u);
}

TEST(FuzzRegressionTest, FramesSplitByBigEndianLengthAndTheLastTakesTheRest) {
  std::vector<std::string> frames;
  SplitFrames(std::string_view("\x00\x02" "ab" "\x00\x05" "cd", 8),
              [&](std::string_view f) { frames.emplace_back(f); });
  EXPECT_EQ(frames, (std::vector<std::string>{"ab", "cd"}));
}

// fuzz_binlog finding (regressions/binlog/rows-image-of-no-columns): a rows
// event whose column bitmap selects nothing has zero-byte images, and the
// decoder read the rest of the event as endless empty rows.
TEST(FuzzFindingTest, RowsImageOverNoColumnsIsBadDataNotAnEndlessLoop) {
  mysql::TableMap map;
  map.database = "shop";
  map.table = "t";
  map.types = {mysql::kTypeLong};
  map.real_types = {mysql::kTypeLong};
  map.meta = {0};
  map.nullable = {false};
  mysql::RowsHeader header;
  header.kind = mysql::RowsKind::kWrite;
  header.column_count = 1;
  header.columns_before = {false};
  header.rows = std::string_view("\x00\x00", 2);
  auto rows = mysql::DecodeRowImages(header, map);
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().kind, core::ErrorKind::kBadData);
  EXPECT_NE(rows.error().message.find("shop.t has row data but no column in its image"), std::string::npos)
      << rows.error().message;
}

// fuzz_pgoutput finding (regressions/pgoutput/commit-time-overflow): a commit
// time near INT64_MAX overflowed (UB) when shifted to the Unix epoch.
TEST(FuzzFindingTest, PgoutputBeginWithCommitTimeAtTheInt64LimitIsMalformed) {
  std::string begin = "B";
  begin += std::string(8, '\0');                     // final LSN
  begin += "\x7f" + std::string(7, '\xff');          // commit time INT64_MAX
  begin += std::string(3, '\0') + "\x07";            // xid 7
  pg::PgoutputDecoder decoder;
  auto message = decoder.Decode(begin);
  ASSERT_FALSE(message);
  EXPECT_EQ(message.error().kind, core::ErrorKind::kBug);
  EXPECT_NE(message.error().message.find("out of range"), std::string::npos) << message.error().message;
}

// fuzz_binlog finding (regressions/binlog/compressed-size-claim-of-1gib): a
// MariaDB compressed event claiming up to 1 GiB made a few bytes allocate and
// clear that much before zlib failed.
TEST(FuzzFindingTest, CompressedEventClaimingMoreThanZlibCanInflateIsRefusedBeforeAllocating) {
  // Header 0x83: zlib, 3-byte big-endian length 0x100000 (1 MiB), then 2 bytes.
  const std::string event("\x83\x10\x00\x00\x78\x9c", 6);
  std::string storage;
  auto inflated = mysql::MariaUncompress(event, storage);
  ASSERT_FALSE(inflated);
  EXPECT_EQ(inflated.error().kind, core::ErrorKind::kBadData);
  EXPECT_NE(inflated.error().message.find("1048576 bytes cannot come from 2 compressed bytes"), std::string::npos)
      << inflated.error().message;
  EXPECT_EQ(storage.capacity() < 1048576, true);
}

}  // namespace
}  // namespace cdc::fuzz
