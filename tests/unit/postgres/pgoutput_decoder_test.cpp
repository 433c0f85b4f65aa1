// Every pgoutput capture in fixtures/ decoded field by field against its
// expect.json, plus the message kinds no capture holds, built byte by byte
// from the documented layout.
#include "connectors/postgres/pgoutput_decoder.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/postgres/pg_fixtures.h"

namespace cdc::pg {
namespace {

using namespace std::string_literals;
using testing::Describe;
using testing::PgoutputDir;
using testing::ReadFile;
using testing::ReadJson;

// Compares every field the expect file records, and that we add none.
void ExpectSameFields(const nlohmann::json& actual, const nlohmann::json& expected,
                      const std::string& file) {
  for (const auto& [key, value] : expected.items()) {
    ASSERT_TRUE(actual.contains(key)) << file << ": missing field " << key;
    EXPECT_EQ(actual[key], value) << file << ": field " << key;
  }
  for (const auto& [key, value] : actual.items()) {
    EXPECT_TRUE(expected.contains(key)) << file << ": extra field " << key << " = " << value;
  }
}

TEST(PgoutputDecoderTest, KyleconroyCapturesMatchExpectFieldByField) {
  const std::string dir = PgoutputDir() + "/kyleconroy-pgoutput";
  const auto expect = ReadJson(dir + "/expect.json");
  ASSERT_EQ(expect["messages"].size(), 17u);
  PgoutputDecoder decoder;
  for (const auto& m : expect["messages"]) {
    const std::string file = m["file"];
    const std::string bytes = ReadFile(dir + "/" + file);
    ASSERT_EQ(bytes.size(), m["size"].get<size_t>()) << file;
    auto decoded = decoder.Decode(bytes);
    ASSERT_TRUE(decoded) << file << ": " << decoded.error().message;
    ExpectSameFields(Describe(*decoded), m["decoded"], file);
  }
}

TEST(PgoutputDecoderTest, KyleconroyUpstreamAssertionsHold) {
  const std::string dir = PgoutputDir() + "/kyleconroy-pgoutput";
  PgoutputDecoder decoder;
  auto insert_values = [&](const char* file) {
    const std::string bytes = ReadFile(dir + "/" + file);  // the views point into it
    auto m = decoder.Decode(bytes);
    EXPECT_TRUE(m) << file;
    const auto& insert = std::get<InsertMessage>(*m);
    EXPECT_EQ(insert.relation_oid, 16395u);
    return std::pair(std::string(insert.new_tuple.at(0).data),
                     std::string(insert.new_tuple.at(1).data));
  };
  EXPECT_EQ(insert_values("002.waldata"), std::pair("40"s, "forty"s));
  EXPECT_EQ(insert_values("011.waldata"), std::pair("11"s, "eleven"s));
  EXPECT_EQ(insert_values("014.waldata"), std::pair("12"s, "twelve"s));

  const std::string type_bytes = ReadFile(dir + "/016.waldata");
  auto type = decoder.Decode(type_bytes);
  ASSERT_TRUE(type);
  const auto& t = std::get<TypeMessage>(*type);
  EXPECT_EQ(t.oid, 35756u);
  EXPECT_EQ(t.namespace_name, "public");
  EXPECT_EQ(t.name, "ticket_state");
  EXPECT_EQ(t.xid, 0u);
}

TEST(PgoutputDecoderTest, PostgrexCapturesMatchExpectFieldByField) {
  const std::string dir = PgoutputDir() + "/postgrex_wal";
  const auto expect = ReadJson(dir + "/expect.json");
  size_t checked = 0;
  for (const auto& tx : expect["transactions"]) {
    PgoutputDecoder decoder;
    for (const auto& m : tx["messages"]) {
      const std::string file = m["file"];
      const std::string bytes = ReadFile(dir + "/" + file);
      ASSERT_EQ(bytes.size(), m["size"].get<size_t>()) << file;
      auto decoded = decoder.Decode(bytes);
      ASSERT_TRUE(decoded) << file << ": " << decoded.error().message;
      ExpectSameFields(Describe(*decoded), m["decoded"], file);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 14u);
}

TEST(PgoutputDecoderTest, PostgrexRelationHasNumericTypmodAndBoolColumn) {
  const std::string dir = PgoutputDir() + "/postgrex_wal";
  PgoutputDecoder decoder;
  const std::string bytes = ReadFile(dir + "/insert-event2-relation.bin");
  auto m = decoder.Decode(bytes);
  ASSERT_TRUE(m);
  const auto& r = std::get<RelationMessage>(*m);
  EXPECT_EQ(r.oid, 22887u);
  ASSERT_EQ(r.columns.size(), 7u);
  EXPECT_EQ(r.columns[5].name, "salary");
  EXPECT_EQ(r.columns[5].type_oid, 1700u);
  EXPECT_EQ(r.columns[5].type_modifier, (6 << 16 | 2) + 4);
  EXPECT_EQ(r.columns[6].type_oid, 16u);
  EXPECT_TRUE(r.columns[0].is_key());
  EXPECT_FALSE(r.columns[1].is_key());
}

TEST(PgoutputDecoderTest, CapturedChinookV1MatchesExpectFieldByField) {
  const std::string dir = PgoutputDir() + "/captured-pg15-chinook";
  const auto expect = ReadJson(dir + "/expect.json");
  ASSERT_EQ(expect["v1_messages"].size(), 24u);
  PgoutputDecoder decoder;
  std::map<std::string, int> by_type;
  for (const auto& m : expect["v1_messages"]) {
    const std::string file = m["file"];
    const std::string bytes = ReadFile(dir + "/" + file);
    ASSERT_EQ(bytes.size(), m["size"].get<size_t>()) << file;
    auto decoded = decoder.Decode(bytes);
    ASSERT_TRUE(decoded) << file << ": " << decoded.error().message;
    ExpectSameFields(Describe(*decoded), m["decoded"], file);
    ++by_type[MessageName(*decoded)];
  }
  for (const auto& [type, count] : expect["v1_summary"].items()) {
    EXPECT_EQ(by_type[type], count.get<int>()) << type;
  }
}

TEST(PgoutputDecoderTest, TupleDataViewsPointIntoThePayload) {
  const std::string bytes = ReadFile(PgoutputDir() + "/captured-pg15-chinook/v1/02-insert.bin");
  PgoutputDecoder decoder;
  auto m = decoder.Decode(bytes);
  ASSERT_TRUE(m);
  const auto& insert = std::get<InsertMessage>(*m);
  ASSERT_EQ(insert.new_tuple.size(), 13u);
  const auto& first_name = insert.new_tuple[1];
  EXPECT_EQ(first_name.kind, TupleDataKind::kText);
  EXPECT_EQ(first_name.data, "Zo\xc3\xab");
  EXPECT_GE(first_name.data.data(), bytes.data());
  EXPECT_LE(first_name.data.data() + first_name.data.size(), bytes.data() + bytes.size());
  EXPECT_EQ(insert.new_tuple[3].kind, TupleDataKind::kNull);
}

TEST(PgoutputDecoderTest, CommitTimeIsConvertedToUnixEpoch) {
  PgoutputDecoder decoder;
  const std::string bytes = ReadFile(PgoutputDir() + "/kyleconroy-pgoutput/000.waldata");
  auto m = decoder.Decode(bytes);
  ASSERT_TRUE(m);
  // 555479337012975 µs after 2000-01-01 = 2017-08-08T03:48:57.012975Z.
  EXPECT_EQ(std::get<BeginMessage>(*m).commit_time_us, 1502164137012975LL);
}

// Messages no real capture holds (fixtures/README.md "Gap"), from the
// documented layouts.
std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}
std::string Be64(uint64_t v) {
  return Be32(static_cast<uint32_t>(v >> 32)) + Be32(static_cast<uint32_t>(v));
}

TEST(PgoutputDecoderTest, DecodesTruncateWithOptionsAndRelations) {
  const std::string bytes = "T"s + Be32(2) + "\x03"s + Be32(16395) + Be32(16410);
  PgoutputDecoder decoder;
  auto m = decoder.Decode(bytes);
  ASSERT_TRUE(m) << m.error().message;
  const auto& t = std::get<TruncateMessage>(*m);
  EXPECT_TRUE(t.cascade());
  EXPECT_TRUE(t.restart_identity());
  EXPECT_EQ(t.relation_oids, (std::vector<uint32_t>{16395, 16410}));
  EXPECT_EQ(t.xid, 0u);
}

TEST(PgoutputDecoderTest, DecodesOrigin) {
  const std::string bytes = "O"s + Be64(0x2F4B300) + "node_a\0"s;
  PgoutputDecoder decoder;
  auto m = decoder.Decode(bytes);
  ASSERT_TRUE(m);
  const auto& o = std::get<OriginMessage>(*m);
  EXPECT_EQ(o.commit_lsn, 0x2F4B300u);
  EXPECT_EQ(o.name, "node_a");
}

TEST(PgoutputDecoderTest, DecodesLogicalMessageWithBinaryContent) {
  const std::string content = "a\0b"s;
  const std::string bytes = "M"s + "\x01"s + Be64(0x1000) + "audit\0"s + Be32(3) + content;
  PgoutputDecoder decoder;
  auto m = decoder.Decode(bytes);
  ASSERT_TRUE(m);
  const auto& msg = std::get<LogicalMessage>(*m);
  EXPECT_TRUE(msg.transactional());
  EXPECT_EQ(msg.lsn, 0x1000u);
  EXPECT_EQ(msg.prefix, "audit");
  EXPECT_EQ(msg.content, content);
}

TEST(PgoutputDecoderTest, DecodesUnchangedToastAndBinaryColumns) {
  const std::string bytes = "U"s + Be32(7) + "N"s + "\x00\x03"s + "u"s + "b"s + Be32(2) +
                            "\x01\x02"s + "t"s + Be32(1) + "x"s;
  PgoutputDecoder decoder;
  auto m = decoder.Decode(bytes);
  ASSERT_TRUE(m) << m.error().message;
  const auto& u = std::get<UpdateMessage>(*m);
  EXPECT_EQ(u.old_kind, OldTupleKind::kNone);
  EXPECT_TRUE(u.old_tuple.empty());
  ASSERT_EQ(u.new_tuple.size(), 3u);
  EXPECT_EQ(u.new_tuple[0].kind, TupleDataKind::kUnchangedToast);
  EXPECT_EQ(u.new_tuple[1].kind, TupleDataKind::kBinary);
  EXPECT_EQ(u.new_tuple[1].data, "\x01\x02"s);
  EXPECT_EQ(u.new_tuple[2].data, "x");
}

TEST(PgoutputDecoderTest, StreamAbortWithAndWithoutParallelFields) {
  PgoutputDecoder decoder;
  auto plain = decoder.Decode("A"s + Be32(1068) + Be32(1070));
  ASSERT_TRUE(plain);
  EXPECT_EQ(std::get<StreamAbortMessage>(*plain).xid, 1068u);
  EXPECT_EQ(std::get<StreamAbortMessage>(*plain).subxid, 1070u);
  EXPECT_EQ(std::get<StreamAbortMessage>(*plain).abort_lsn, 0u);

  auto parallel = decoder.Decode("A"s + Be32(1068) + Be32(1068) + Be64(0x2F86E90) + Be64(0));
  ASSERT_TRUE(parallel);
  EXPECT_EQ(std::get<StreamAbortMessage>(*parallel).abort_lsn, 0x2F86E90u);
  EXPECT_EQ(std::get<StreamAbortMessage>(*parallel).abort_time_us, kPostgresEpochOffsetUs);
}

TEST(PgoutputDecoderTest, ChangesInsideAStreamCarryTheXid) {
  PgoutputDecoder decoder;
  ASSERT_TRUE(decoder.Decode("S"s + Be32(1068) + "\x01"s));
  EXPECT_TRUE(decoder.in_stream());
  EXPECT_EQ(decoder.stream_xid(), 1068u);
  auto insert = decoder.Decode("I"s + Be32(1068) + Be32(16415) + "N"s + "\x00\x01"s + "n"s);
  ASSERT_TRUE(insert) << insert.error().message;
  EXPECT_EQ(std::get<InsertMessage>(*insert).xid, 1068u);
  EXPECT_EQ(std::get<InsertMessage>(*insert).relation_oid, 16415u);
  auto truncate = decoder.Decode("T"s + Be32(1068) + Be32(1) + "\x00"s + Be32(16415));
  ASSERT_TRUE(truncate);
  EXPECT_EQ(std::get<TruncateMessage>(*truncate).xid, 1068u);
  ASSERT_TRUE(decoder.Decode("E"));
  EXPECT_FALSE(decoder.in_stream());
  // Outside the stream the same bytes lack the xid: now they are malformed.
  EXPECT_FALSE(decoder.Decode("I"s + Be32(1068) + Be32(16415) + "N"s + "\x00\x01"s + "n"s));
}

TEST(PgoutputDecoderTest, StreamProtocolViolationsAreErrors) {
  PgoutputDecoder decoder;
  EXPECT_FALSE(decoder.Decode("E"));  // stop without start
  ASSERT_TRUE(decoder.Decode("S"s + Be32(5) + "\x00"s));
  EXPECT_FALSE(decoder.Decode("S"s + Be32(6) + "\x00"s));  // nested start
  EXPECT_FALSE(decoder.Decode("B"s + Be64(1) + Be64(2) + Be32(3)));
  EXPECT_FALSE(decoder.Decode("c"s + Be32(5) + "\x00"s + Be64(1) + Be64(2) + Be64(3)));
  EXPECT_TRUE(decoder.in_stream());
  decoder.Reset();
  EXPECT_FALSE(decoder.in_stream());
  EXPECT_TRUE(decoder.Decode("B"s + Be64(1) + Be64(2) + Be32(3)));
}

TEST(PgoutputDecoderTest, UnknownMessageTypeErrorNamesTheByte) {
  PgoutputDecoder decoder;
  auto m = decoder.Decode("Z\x00\x01"s);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, core::ErrorKind::kBug);
  EXPECT_NE(m.error().message.find("0x5a 'Z'"), std::string::npos) << m.error().message;
  // Two-phase messages (protocol 3) are never requested: unknown as well.
  auto prepare = decoder.Decode("P"s + "\x00"s);
  ASSERT_FALSE(prepare);
  EXPECT_NE(prepare.error().message.find("0x50"), std::string::npos);
  auto binary = decoder.Decode("\x9f"s);
  ASSERT_FALSE(binary);
  EXPECT_NE(binary.error().message.find("0x9f"), std::string::npos);
}

TEST(PgoutputDecoderTest, TrailingBytesAreAnError) {
  PgoutputDecoder decoder;
  auto m = decoder.Decode("B"s + Be64(1) + Be64(2) + Be32(3) + "x"s);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("trailing"), std::string::npos);
}

TEST(PgoutputDecoderTest, UnknownTupleKindIsAnError) {
  PgoutputDecoder decoder;
  auto m = decoder.Decode("I"s + Be32(1) + "N"s + "\x00\x01"s + "x"s);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("0x78"), std::string::npos) << m.error().message;
}

TEST(PgoutputDecoderTest, HugeColumnCountsFailWithoutAllocating) {
  PgoutputDecoder decoder;
  EXPECT_FALSE(decoder.Decode("I"s + Be32(1) + "N"s + "\xff\xff"s + "n"s));
  EXPECT_FALSE(decoder.Decode("T"s + Be32(0xffffffff) + "\x00"s + Be32(1)));
}

}  // namespace
}  // namespace cdc::pg
