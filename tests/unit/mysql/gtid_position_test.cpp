// MySQL GTID positions: set arithmetic and text, the binary set encoding and
// the COM_BINLOG_DUMP_GTID request (checked byte for byte against the layout in
// MySQL's com_binlog_dump_gtid / Gtid_set::encode, and against the PREVIOUS_GTIDS
// bodies MySQL wrote into the fixtures), and the executed set the stream state
// records while it reads the MySQL fixture binlogs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connectors/mysql/binlog_stream_state.h"
#include "connectors/mysql/byte_reader.h"
#include "connectors/mysql/event_decoder.h"
#include "connectors/mysql/gtid.h"
#include "connectors/mysql/gtid_encoding.h"
#include "connectors/mysql/gtid_tagged.h"
#include "tests/unit/mysql/fixture_reader.h"

namespace cdc::mysql::testing {
namespace {

constexpr char kUuidA[] = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
constexpr char kUuidB[] = "80549ecc-d2f2-11ea-b790-0242ac130002";

std::string Le(uint64_t v, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return out;
}

std::string UuidBytes(const char* text) {
  auto uuid = Uuid::Parse(text);
  EXPECT_TRUE(uuid.has_value());
  return std::string(reinterpret_cast<const char*>(uuid->bytes.data()), 16);
}

MysqlGtidSet Set(const std::string& text) {
  auto set = MysqlGtidSet::Parse(text);
  EXPECT_TRUE(set.has_value()) << text;
  return set.value_or(MysqlGtidSet{});
}

TEST(MysqlGtidSet, AddingMergesAdjacentAndFillsGaps) {
  MysqlGtidSet set;
  Uuid a = *Uuid::Parse(kUuidA);
  for (uint64_t gno : {1, 2, 3, 5, 9, 4}) set.Add({a, "", gno});
  EXPECT_EQ(set.ToString(), std::string(kUuidA) + ":1-5:9");
  set.Add({a, "", 8});
  set.Add({a, "", 7});
  EXPECT_EQ(set.ToString(), std::string(kUuidA) + ":1-5:7-9");
  set.Add({a, "", 6});
  EXPECT_EQ(set.ToString(), std::string(kUuidA) + ":1-9");
  set.Add({a, "", 3});
  EXPECT_EQ(set.ToString(), std::string(kUuidA) + ":1-9") << "adding a member changes nothing";
  EXPECT_TRUE(set.Contains({a, "", 9}));
  EXPECT_FALSE(set.Contains({a, "", 10}));
  EXPECT_FALSE(set.Contains({a, "t", 1})) << "a tag is another sid";
}

TEST(MysqlGtidSet, TextRoundTripsInMysqlOrder) {
  const std::string text = std::string(kUuidA) + ":1-5:7," + kUuidB + ":1-3";
  EXPECT_EQ(Set(text).ToString(), text);
  // Out of order, overlapping, separated by spaces and newlines as SHOW MASTER STATUS prints it.
  EXPECT_EQ(Set(std::string(kUuidB) + ":2-3,\n" + kUuidA + ":7, " + kUuidA + ":1-5:3-4," + kUuidB + ":1")
                .ToString(),
            text);
  const std::string tagged = std::string(kUuidA) + ":1-13:mytag:1-2";
  EXPECT_EQ(Set(tagged).ToString(), tagged);
  EXPECT_TRUE(Set("").empty());
  EXPECT_FALSE(MysqlGtidSet::Parse(std::string(kUuidA) + ":5-3").has_value()) << "reversed interval";
  EXPECT_FALSE(MysqlGtidSet::Parse(std::string(kUuidA) + ":0").has_value()) << "gno 0 does not exist";
}

TEST(GtidEncoding, SerialUintRoundTripsAtEveryLengthBoundary) {
  for (uint64_t v : std::vector<uint64_t>{0, 1, 127, 128, 16383, 16384, (1ull << 21) - 1, 1ull << 21,
                                          (1ull << 56) - 1, 1ull << 56, ~0ull}) {
    std::string out;
    WriteSerialUint(out, v);
    size_t want = 9;  // n bytes carry 7n bits up to 8 bytes; then 0xFF + 8 bytes
    for (size_t n = 8; n >= 1; --n) {
      if (v < (1ull << (7 * n))) want = n;
    }
    EXPECT_EQ(out.size(), want) << v;
    ByteReader r(out);
    auto back = ReadSerialUint(r);
    ASSERT_TRUE(back.has_value()) << v;
    EXPECT_EQ(*back, v);
    EXPECT_TRUE(r.empty());
  }
}

TEST(GtidEncoding, UntaggedSetHasTheDocumentedLayout) {
  MysqlGtidSet set = Set(std::string(kUuidB) + ":1-3:7," + kUuidA + ":5");
  // n_sids u64, then per sid in uuid order: uuid, n_intervals u64, [start, end) u64 pairs.
  std::string want = Le(2, 8) + UuidBytes(kUuidA) + Le(1, 8) + Le(5, 8) + Le(6, 8) + UuidBytes(kUuidB) +
                     Le(2, 8) + Le(1, 8) + Le(4, 8) + Le(7, 8) + Le(8, 8);
  EXPECT_EQ(EncodeGtidSet(set), want);
  EXPECT_EQ(EncodeGtidSet(MysqlGtidSet{}), Le(0, 8));
}

TEST(GtidEncoding, TaggedSetUsesFormatOneWithVarlenTags) {
  MysqlGtidSet set = Set(std::string(kUuidA) + ":1-2:mytag:4");
  std::string want = Le((1ull << 56) | (2ull << 8) | 1, 8) + UuidBytes(kUuidA) + std::string(1, '\0') +
                     Le(1, 8) + Le(1, 8) + Le(3, 8) + UuidBytes(kUuidA) +
                     std::string(1, static_cast<char>(5 << 1)) + "mytag" + Le(1, 8) + Le(4, 8) + Le(5, 8);
  EXPECT_EQ(EncodeGtidSet(set), want);
}

TEST(GtidEncoding, BinlogDumpGtidPayloadIsFlagsServerIdNamePositionAndSet) {
  MysqlGtidSet set = Set(std::string(kUuidA) + ":1-10");
  std::string data = EncodeGtidSet(set);
  // flags u16 (BINLOG_THROUGH_GTID) | server_id u32 | name_size u32 | name | pos u64 |
  // data_size u32 | data.
  EXPECT_EQ(BinlogDumpGtidPayload(5702, "", 4, set),
            Le(4, 2) + Le(5702, 4) + Le(0, 4) + Le(4, 8) + Le(data.size(), 4) + data);
  EXPECT_EQ(BinlogDumpGtidPayload(0x01020304, "binlog.000007", 0x1122334455ull, set),
            Le(4, 2) + Le(0x01020304, 4) + Le(13, 4) + "binlog.000007" + Le(0x1122334455ull, 8) +
                Le(data.size(), 4) + data);
  EXPECT_EQ(data.size(), 8u + 16 + 8 + 16);
  EXPECT_EQ(kComBinlogDumpGtid, 0x1e);
}

// The MySQL binlog fixtures (not the MariaDB ones) that carry GTIDs.
const std::vector<std::string> kMysqlFixtures = {
    "boxercrab/16_xid.binlog",
    "boxercrab/19_table_map.binlog",
    "boxercrab/29_row_query.binlog",
    "boxercrab/30_write_rows_v2.binlog",
    "boxercrab/31_update_rows_v2.binlog",
    "boxercrab/32_delete_rows_v2.binlog",
    "boxercrab/33_35_gtid_prev_gtid.binlog",
    "rust_mysql_common/binlog-invisible-columns.000001",
    "rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001",
    "rust_mysql_common/binlog_transaction_with_GTID_TAG.000001",
    "rust_mysql_common/mysql-enum-string-set.000001",
    "rust_mysql_common/mysql_type_bit.000001",
    "rust_mysql_common/transaction_compression.000001",
};

struct Replay {
  std::string previous;             // the PREVIOUS_GTIDS set
  std::vector<std::string> added;   // GTIDs of the file's transactions, in order
  std::vector<std::string> stored;  // the GTID set of each resume token, in order
  std::string final_gtid;
};

// Decodes a fixture and feeds it to the stream state as the source does,
// starting from the set in PREVIOUS_GTIDS (what the server had executed
// before this file); checks each PREVIOUS_GTIDS body re-encodes to its bytes.
Replay ReplayFixture(const std::string& fixture) {
  Replay out;
  std::string bytes = BinlogBytes(fixture);
  EventDecoder decoder;
  std::vector<core::SourceEvent> events;
  std::vector<ResumeToken> tokens;
  std::unique_ptr<BinlogStreamState> state;
  for (const RawEvent& raw : SplitEvents(bytes)) {
    auto event = decoder.Decode(raw.bytes);
    EXPECT_TRUE(event.has_value()) << fixture << " at " << raw.offset;
    if (!event) break;
    if (const auto* prev = event->As<PreviousGtids>()) {
      size_t crc = decoder.format() && decoder.format()->checksum == ChecksumAlg::kCrc32 ? 4 : 0;
      std::string_view body = raw.bytes.substr(19, raw.bytes.size() - 19 - crc);
      EXPECT_EQ(EncodeGtidSet(prev->set), body) << fixture << ": PREVIOUS_GTIDS re-encoded";
      out.previous = prev->set.ToString();
      state =
          std::make_unique<BinlogStreamState>(BinlogPoint{"binlog.000001", raw.offset, out.previous}, false);
      continue;
    }
    if (const auto* gtid = event->As<Gtid>(); gtid && !gtid->anonymous)
      out.added.push_back(gtid->gtid.ToString());
    if (const auto* payload = event->As<TransactionPayload>()) {
      for (const auto& inner : payload->events) {
        if (const auto* g = inner.As<Gtid>(); g && !g->anonymous) out.added.push_back(g->gtid.ToString());
      }
    }
    if (!state) continue;
    state->Apply(*event, events, tokens);
    state->FlushSkipped(events, tokens);
    for (const auto& t : tokens) out.stored.push_back(t.point.gtid);
    tokens.clear();
    events.clear();
  }
  if (state) out.final_gtid = state->resume_point().gtid;
  return out;
}

TEST(MysqlGtidPosition, ExecutedSetAdvancesOverEveryMysqlFixture) {
  for (const auto& fixture : kMysqlFixtures) {
    SCOPED_TRACE(fixture);
    Replay r = ReplayFixture(fixture);
    MysqlGtidSet want = Set(r.previous);
    for (const auto& g : r.added) {
      auto one = MysqlGtidSet::Parse(g);
      ASSERT_TRUE(one.has_value()) << g;
      for (const auto& [key, intervals] : one->sets()) want.AddInterval(key, intervals.front());
    }
    EXPECT_EQ(r.final_gtid, want.ToString());
    // Every stored set contains the one before it: the position never goes back.
    for (size_t i = 1; i < r.stored.size(); ++i) {
      MysqlGtidSet before = Set(r.stored[i - 1]), after = Set(r.stored[i]);
      for (const auto& [key, intervals] : before.sets()) {
        for (const auto& iv : intervals) {
          for (uint64_t gno = iv.start; gno < iv.end; ++gno) {
            EXPECT_TRUE(after.Contains({key.first, key.second, gno}))
                << r.stored[i - 1] << " -> " << r.stored[i];
          }
        }
      }
    }
  }
}

TEST(MysqlGtidPosition, EachTransactionIsStoredWithItsGtid) {
  Replay xid = ReplayFixture("boxercrab/16_xid.binlog");
  EXPECT_EQ(xid.previous, "");
  const std::string uuid = "80549ecc-d2f2-11ea-b790-0242ac130002";
  EXPECT_EQ(xid.stored, (std::vector<std::string>{uuid + ":1", uuid + ":1-2", uuid + ":1-3"}));

  Replay tagged = ReplayFixture("rust_mysql_common/binlog_transaction_with_GTID_TAG.000001");
  const std::string sid = "55778904-0299-11f1-b1b8-4ef0c4956feb";
  EXPECT_EQ(tagged.previous, sid + ":1-13:mytag:1-2");
  EXPECT_EQ(tagged.final_gtid, sid + ":1-13:mytag:1-3");

  Replay untagged = ReplayFixture("rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001");
  EXPECT_EQ(untagged.previous, "b9b88c66-0755-11f1-9899-4a9da94c4d71:1-2");
}

}  // namespace
}  // namespace cdc::mysql::testing
