// Unit behaviour of the decoder parts: ByteReader, GTID text forms, statement
// classification, the table map cache, CRC32 and unknown-event handling.
#include <gtest/gtest.h>
#include <zlib.h>

#include "connectors/mysql/byte_reader.h"
#include "connectors/mysql/event_decoder.h"
#include "connectors/mysql/gtid.h"
#include "connectors/mysql/json_binary.h"
#include "connectors/mysql/table_map_cache.h"
#include "tests/unit/mysql/fixture_reader.h"

namespace cdc::mysql::testing {
namespace {

TEST(ByteReader, ReadsLittleAndBigEndianAndFailsPastTheEnd) {
  std::string data("\x01\x02\x03\x04\x05", 5);
  ByteReader r(data);
  EXPECT_EQ(*r.U16(), 0x0201);
  EXPECT_EQ(*r.UintBe(2), 0x0304u);
  auto over = r.U16();
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().kind, core::ErrorKind::kBadData);
  EXPECT_EQ(r.offset(), 4u) << "a failed read consumes nothing";
  EXPECT_EQ(*r.U8(), 5);
  EXPECT_TRUE(r.empty());
}

TEST(ByteReader, PackedIntegersAndStrings) {
  std::string data(
      "\xFA\xFC\x34\x12\x03"
      "abc"
      "x\0y",
      11);
  ByteReader r(data);
  EXPECT_EQ(*r.PackedInt(), 250u);
  EXPECT_EQ(*r.PackedInt(), 0x1234u);
  EXPECT_EQ(*r.PackedBytes(), "abc");
  EXPECT_EQ(*r.NulTerminated(), "x");
  EXPECT_FALSE(r.NulTerminated().has_value()) << "no terminator left";
  std::string bad("\xFF", 1);
  ByteReader b(bad);
  EXPECT_FALSE(b.PackedInt().has_value());
  std::string huge("\xFE\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x7F", 9);
  ByteReader h(huge);
  EXPECT_FALSE(h.PackedBytes().has_value()) << "length beyond the data";
}

TEST(Gtid, MysqlSetParsesMergesAndPrints) {
  auto set = MysqlGtidSet::Parse(
      "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7, 3e11fa47-71ca-11e1-9e33-c80aa9429562:6");
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->ToString(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-7");
  MysqlGtid g{set->sets().begin()->first.first, "", 8};
  EXPECT_FALSE(set->Contains(g));
  set->Add(g);
  EXPECT_TRUE(set->Contains(g));
  EXPECT_EQ(set->ToString(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-8");
  auto tagged = MysqlGtidSet::Parse("55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:1-2");
  ASSERT_TRUE(tagged.has_value());
  EXPECT_EQ(tagged->ToString(), "55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:1-2");
  EXPECT_FALSE(MysqlGtidSet::Parse("not-a-uuid:1").has_value());
}

TEST(Gtid, MariadbPositionKeepsLastPerDomain) {
  auto pos = MariaGtidPos::Parse("1-2-7,0-1-100");
  ASSERT_TRUE(pos.has_value());
  pos->Update({0, 1, 101});
  EXPECT_EQ(pos->ToString(), "0-1-101,1-2-7");
  EXPECT_FALSE(MariaGtid::Parse("0-1").has_value());
}

TEST(QueryClassification, TransactionControlAndDdl) {
  EXPECT_EQ(ClassifyQuery("BEGIN"), QueryKind::kBegin);
  EXPECT_EQ(ClassifyQuery("XA START 'x'"), QueryKind::kBegin);
  EXPECT_EQ(ClassifyQuery("COMMIT"), QueryKind::kCommit);
  EXPECT_EQ(ClassifyQuery("ROLLBACK"), QueryKind::kRollback);
  EXPECT_EQ(ClassifyQuery("ROLLBACK TO SAVEPOINT a"), QueryKind::kSavepoint);
  EXPECT_EQ(ClassifyQuery("XA COMMIT 'x'"), QueryKind::kXa);
  EXPECT_EQ(ClassifyQuery("/* comment */ alter table t add c int"), QueryKind::kDdl);
  EXPECT_EQ(ClassifyQuery("/*!40000 ALTER TABLE `t` DISABLE KEYS */"), QueryKind::kDdl);
  EXPECT_EQ(ClassifyQuery("TRUNCATE t"), QueryKind::kDdl);
  EXPECT_EQ(ClassifyQuery("INSERT INTO t VALUES (1)"), QueryKind::kOther);
}

TableMap SimpleMap(uint64_t id, const std::string& table) {
  TableMap m;
  m.table_id = id;
  m.database = "db";
  m.table = table;
  m.types = {kTypeLong, kTypeVarchar};
  m.real_types = m.types;
  m.meta = {0, 100};
  m.nullable = {false, true};
  m.is_unsigned = {false, false};
  m.collations = {0, 0};
  m.enum_values.resize(2);
  m.set_values.resize(2);
  m.geometry_types = {0, 0};
  m.visible = {true, true};
  return m;
}

TEST(TableMapCache, PlaceholderNamesUntilTheSourceSuppliesThem) {
  TableMapCache cache;
  const auto& entry = cache.Put(SimpleMap(7, "t"));
  EXPECT_EQ(entry.schema->columns, (std::vector<std::string>{"col_1", "col_2"}));
  uint64_t v1 = entry.schema->version;
  cache.SetColumnNames("db", "t", {"id", "name"});
  EXPECT_EQ(cache.Find(7)->schema->columns, (std::vector<std::string>{"id", "name"}));
  EXPECT_NE(cache.Find(7)->schema->version, v1);
  // A later TABLE_MAP of the same table keeps the supplied names.
  EXPECT_EQ(cache.Put(SimpleMap(7, "t")).schema->columns, (std::vector<std::string>{"id", "name"}));
}

TEST(TableMapCache, RepeatedMapsShareOneSchemaAcrossTableIds) {
  TableMapCache cache;
  auto first = cache.Put(SimpleMap(7, "t")).schema;
  auto again = cache.Put(SimpleMap(9, "t")).schema;
  EXPECT_EQ(first.get(), again.get());
  EXPECT_EQ(cache.Find(7), nullptr) << "the old id of the same table is dropped";
  TableMap changed = SimpleMap(9, "t");
  changed.types[1] = kTypeLongLong;
  changed.real_types[1] = kTypeLongLong;
  auto other = cache.Put(changed).schema;
  EXPECT_NE(other.get(), first.get());
  EXPECT_GT(other->version, first->version);
  cache.Invalidate("db", "t");
  EXPECT_EQ(cache.Find(9), nullptr);
}

TEST(TableMapCache, SuppliedSignednessAppliesOnlyWithoutLoggedSignedness) {
  TableMapCache cache;
  cache.Put(SimpleMap(7, "t"));
  cache.SetUnsignedColumns("db", "t", {true, false});
  EXPECT_TRUE(cache.Find(7)->map->is_unsigned[0]);
  EXPECT_EQ(cache.Find(7)->schema->types[0], "INT UNSIGNED");
  EXPECT_TRUE(cache.Put(SimpleMap(8, "t")).map->is_unsigned[0]) << "kept for later maps";
  TableMap logged = SimpleMap(9, "t");
  logged.has_signedness = true;  // the binlog's own metadata wins
  EXPECT_FALSE(cache.Put(logged).map->is_unsigned[0]);
  cache.Invalidate("db", "t");
  EXPECT_FALSE(cache.Put(SimpleMap(10, "t")).map->is_unsigned[0]);
}

TEST(TableMapCache, SuppliedEnumAndSetNamesFillOnlyColumnsLoggedWithoutThem) {
  auto enum_set_map = [](uint64_t id) {
    TableMap m = SimpleMap(id, "t");
    m.types = {kTypeString, kTypeString};
    m.real_types = {kTypeEnum, kTypeSet};
    return m;
  };
  TableMapCache cache;
  cache.Put(enum_set_map(7));
  cache.SetEnumSetValues("db", "t", {{"small", "large"}, {"a", "b"}});
  EXPECT_EQ(cache.Find(7)->map->enum_values[0], (std::vector<std::string>{"small", "large"}));
  EXPECT_EQ(cache.Find(7)->map->set_values[1], (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(cache.Find(7)->map->set_values[0].empty()) << "an ENUM column gets no SET names";
  EXPECT_EQ(cache.Put(enum_set_map(8)).map->enum_values[0], (std::vector<std::string>{"small", "large"}))
      << "kept for later maps";
  TableMap logged = enum_set_map(9);
  logged.enum_values[0] = {"x"};  // the binlog's own metadata wins
  EXPECT_EQ(cache.Put(logged).map->enum_values[0], (std::vector<std::string>{"x"}));
  cache.Invalidate("db", "t");
  EXPECT_TRUE(cache.Put(enum_set_map(10)).map->enum_values[0].empty());
}

TEST(EventDecoder, SignednessFromInformationSchemaMakesMysql57UnsignedValuesPositive) {
  // 16_xid's table has an INT column logged without signedness (MySQL 5.7).
  std::string file = BinlogBytes("boxercrab/16_xid.binlog");
  EventDecoder d;
  const Rows* rows = nullptr;
  std::vector<BinlogEvent> keep;
  for (const auto& e : SplitEvents(file)) {
    auto r = d.Decode(e.bytes);
    ASSERT_TRUE(r.has_value());
    if (const auto* m = r->As<std::shared_ptr<const TableMap>>()) {
      std::vector<bool> flags((*m)->column_count(), false);
      flags[0] = true;
      d.table_maps().SetUnsignedColumns((*m)->database, (*m)->table, flags);
    }
    keep.push_back(std::move(*r));
  }
  for (const auto& e : keep) {
    if (e.As<Rows>()) rows = e.As<Rows>();
  }
  ASSERT_NE(rows, nullptr);
  EXPECT_TRUE(rows->table_map->is_unsigned[0]);
  EXPECT_EQ(rows->rows.at(0).after[0].kind(), core::ValueKind::kInt);
  EXPECT_GE(rows->rows.at(0).after[0].as_int(), 0);
}

TEST(EventDecoder, RepeatedTableMapBytesReuseTheEntryWithCatalogFactsApplied) {
  std::string file = BinlogBytes("boxercrab/16_xid.binlog");
  EventDecoder d;
  std::string_view table_map;
  for (const auto& e : SplitEvents(file)) {
    auto r = d.Decode(e.bytes);
    ASSERT_TRUE(r.has_value());
    if (r->As<std::shared_ptr<const TableMap>>()) table_map = e.bytes;
  }
  ASSERT_FALSE(table_map.empty());
  auto decode_map = [&d, table_map]() {
    auto r = d.Decode(table_map);
    EXPECT_TRUE(r.has_value());
    return *r->As<std::shared_ptr<const TableMap>>();
  };
  auto first = decode_map();
  EXPECT_EQ(decode_map(), first) << "the same bytes give the cached map";
  const auto* entry = d.table_maps().Find(first->table_id);
  ASSERT_NE(entry, nullptr);
  auto schema = entry->schema;

  std::vector<std::string> names;
  for (size_t i = 0; i < first->column_count(); ++i) names.push_back("c" + std::to_string(i));
  d.table_maps().SetColumnNames(first->database, first->table, names);
  auto renamed = decode_map();
  EXPECT_EQ(d.table_maps().Find(renamed->table_id)->schema->columns, names)
      << "names supplied after the first decode stay on the reused entry";

  d.table_maps().InvalidateAll();
  auto fresh = decode_map();
  EXPECT_NE(fresh, first) << "after DDL the bytes are decoded again";
  EXPECT_EQ(fresh->types, first->types);
  EXPECT_NE(d.table_maps().Find(fresh->table_id)->schema->columns, names) << "supplied names were dropped";
}

// Frames a body as a v4 event without checksum.
std::string Frame(uint8_t type, const std::string& body, uint16_t flags = 0) {
  std::string e(19, '\0');
  e[4] = static_cast<char>(type);
  uint32_t size = static_cast<uint32_t>(19 + body.size());
  for (int i = 0; i < 4; ++i) e[9 + i] = static_cast<char>((size >> (8 * i)) & 0xFF);
  e[17] = static_cast<char>(flags & 0xFF);
  return e + body;
}

TEST(EventDecoder, MariadbCompressedQueryIsInflated) {
  EventDecoder d;
  d.SetFormat(EventDecoder::DefaultFormat(Flavor::kMariaDb, ChecksumAlg::kOff));
  std::string sql = "ALTER TABLE t ADD COLUMN c INT";
  uLongf len = compressBound(sql.size());
  std::string z(len, '\0');
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(z.data()), &len, reinterpret_cast<const Bytef*>(sql.data()),
                     sql.size()),
            Z_OK);
  z.resize(len);
  std::string body(13, '\0');
  body[8] = 2;  // db length
  body += std::string("db\0", 3);
  body += static_cast<char>(0x81);  // zlib, one length byte
  body += static_cast<char>(sql.size());
  body += z;
  auto r = d.Decode(Frame(kMariaQueryCompressedEvent, body));
  ASSERT_TRUE(r.has_value()) << r.error().Describe();
  EXPECT_EQ(r->As<Query>()->sql, sql);
  EXPECT_EQ(r->As<Query>()->database, "db");
  EXPECT_EQ(r->As<Query>()->kind, QueryKind::kDdl);
}

TEST(EventDecoder, HeartbeatV1AndV2CarryFileAndPosition) {
  EventDecoder d;
  std::string v1 = Frame(kHeartbeatEvent, "binlog.000007");
  v1[13] = static_cast<char>(0x34);  // log_pos 0x1234
  v1[14] = static_cast<char>(0x12);
  auto h1 = d.Decode(v1);
  ASSERT_TRUE(h1.has_value());
  EXPECT_EQ(h1->As<Heartbeat>()->file, "binlog.000007");
  EXPECT_EQ(h1->As<Heartbeat>()->position, 0x1234u);
  // v2: (type, length, value) fields; 1 = file name, 2 = position (lenenc).
  std::string fields = std::string("\x01\x0d", 2) + "binlog.000007" + std::string("\x02\x03\xfc\x34\x12", 5);
  auto h2 = d.Decode(Frame(kHeartbeatEventV2, fields));
  ASSERT_TRUE(h2.has_value()) << h2.error().Describe();
  EXPECT_EQ(h2->As<Heartbeat>()->version, 2);
  EXPECT_EQ(h2->As<Heartbeat>()->file, "binlog.000007");
  EXPECT_EQ(h2->As<Heartbeat>()->position, 0x1234u);
}

// The first events of a CRC32 fixture: FORMAT_DESCRIPTION, PREVIOUS_GTIDS, ...
std::vector<std::string> FirstEvents(const std::string& relative) {
  std::string file = BinlogBytes(relative);
  std::vector<std::string> out;
  for (const auto& e : SplitEvents(file)) out.emplace_back(e.bytes);
  return out;
}

TEST(EventDecoder, Crc32MismatchIsBadDataAndLeavesStateUnchanged) {
  auto events = FirstEvents("boxercrab/16_xid.binlog");
  EventDecoder d;
  ASSERT_TRUE(d.Decode(events[0]).has_value());
  std::string corrupt = events[1];
  corrupt[20] = static_cast<char>(corrupt[20] ^ 0x40);
  auto r = d.Decode(corrupt);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, core::ErrorKind::kBadData);
  EXPECT_NE(r.error().message.find("CRC32"), std::string::npos);
  EXPECT_TRUE(d.Decode(events[1]).has_value()) << "the intact event still decodes";
}

TEST(EventDecoder, UnknownTypeWithoutIgnorableFlagIsAnErrorWithItIgnoredAndCounted) {
  auto events = FirstEvents("mysql-binlog-connector-java/mysql-bin.checksum-none");
  EventDecoder d;
  ASSERT_TRUE(d.Decode(events[0]).has_value());
  std::string unknown(19 + 3, '\0');
  unknown[4] = static_cast<char>(99);
  unknown[9] = static_cast<char>(unknown.size());
  EXPECT_FALSE(d.Decode(unknown).has_value());
  unknown[17] = static_cast<char>(kLogEventIgnorableFlag);
  auto r = d.Decode(unknown);
  ASSERT_TRUE(r.has_value());
  ASSERT_NE(r->As<Ignored>(), nullptr);
  EXPECT_EQ(d.ignored_counts().at(99), 1u);
}

TEST(EventDecoder, RotateBeforeFormatDescriptionDecodesWithEitherChecksumSetting) {
  auto events = FirstEvents("boxercrab/04_rotate.binlog");
  std::string rotate = events.back();  // ROTATE with CRC32
  EventDecoder guess;
  auto r = guess.Decode(rotate);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->As<Rotate>()->next_file, "mysql_bin.000002");
  EXPECT_TRUE(r->checksum_verified);
  EventDecoder told;
  told.SetChecksumBeforeFormat(ChecksumAlg::kCrc32);
  EXPECT_EQ(told.Decode(rotate)->As<Rotate>()->next_file, "mysql_bin.000002");
}

TEST(EventDecoder, RowFilterSkipsDecodingRowsOfOtherTables) {
  std::string file = BinlogBytes("boxercrab/30_write_rows_v2.binlog");
  EventDecoder d;
  d.SetRowFilter([](const TableMap& m) { return m.table != "boxercrab"; });
  const Rows* rows = nullptr;
  std::vector<BinlogEvent> keep;
  for (const auto& e : SplitEvents(file)) {
    auto r = d.Decode(e.bytes);
    ASSERT_TRUE(r.has_value());
    keep.push_back(std::move(*r));
  }
  for (const auto& e : keep) {
    if (e.As<Rows>()) rows = e.As<Rows>();
  }
  ASSERT_NE(rows, nullptr);
  EXPECT_FALSE(rows->decoded);
  EXPECT_TRUE(rows->rows.empty());
  EXPECT_EQ(rows->table_map->table, "boxercrab");
}

TEST(JsonBinary, ScalarsContainersAndDiffs) {
  EXPECT_EQ(*JsonBinaryToText(HexToBytes("0401")), "true");
  EXPECT_EQ(*JsonBinaryToText(HexToBytes("0c026869")), "\"hi\"");
  EXPECT_EQ(*JsonBinaryToText(HexToBytes("05feff")), "-2");
  EXPECT_EQ(*JsonBinaryToText(""), "null");
  EXPECT_FALSE(JsonBinaryToText(HexToBytes("0c05ab")).has_value()) << "string longer than the data";
  EXPECT_FALSE(JsonBinaryToText(HexToBytes("63")).has_value()) << "unknown type";
  // Replace $.age with 26 (int16), as a PARTIAL_UPDATE_ROWS diff carries it.
  std::string diff = HexToBytes(
      "00"
      "05"
      "242e616765"
      "03"
      "051a00");
  EXPECT_EQ(*ApplyJsonDiff(R"({"age":25,"name":"Joe"})", diff), R"({"age":26,"name":"Joe"})");
  std::string remove = HexToBytes(
      "02"
      "06"
      "242e6e616d65");
  EXPECT_EQ(*ApplyJsonDiff(R"({"age":25,"name":"Joe"})", remove), R"({"age":25})");
}

}  // namespace
}  // namespace cdc::mysql::testing
