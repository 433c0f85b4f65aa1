// No-server tests of the MySQL client side: DSN parsing and redaction,
// text-protocol values, the binlog transaction/position state, and the columns
// mappings read (ReadColumns).
#include <mysql.h>

#include <gtest/gtest.h>

#include <cstring>
#include <set>

#include "connectors/mysql/binlog_stream_state.h"
#include "connectors/mysql/mysql_connection.h"
#include "connectors/mysql/mysql_source_catalog.h"
#include "connectors/mysql/mysql_source_position.h"
#include "connectors/mysql/read_columns.h"
#include "connectors/mysql/snapshot_values.h"

namespace cdc::mysql {
namespace {

using core::Value;

TEST(CatalogTest, EnumAndSetNamesParseFromColumnTypeWithDoubledQuotes) {
  EXPECT_EQ(ParseEnumSetValues("enum('small','it''s','a,b','')"),
            (std::vector<std::string>{"small", "it's", "a,b", ""}));
  EXPECT_EQ(ParseEnumSetValues("SET('x','y''z')"), (std::vector<std::string>{"x", "y'z"}));
  EXPECT_TRUE(ParseEnumSetValues("varchar(10)").empty());
  EXPECT_TRUE(ParseEnumSetValues("int(10) unsigned").empty());
}

TEST(CatalogTest, JsonColumnsTurnStringsIntoJsonInBothImagesOnly) {
  auto schema = std::make_shared<core::TableSchema>();
  schema->columns = {"id", "doc", "note"};
  core::RowChange c;
  c.table = schema;
  c.before = {Value::Int(1), Value::String("{\"a\": 1}"), Value::String("{}")};
  c.after = {Value::Int(1), Value::Null(), Value::String("x")};
  MarkJsonColumns(c, {"doc", "missing"});
  EXPECT_EQ(c.before[1], Value::Json("{\"a\": 1}"));
  EXPECT_EQ(c.before[2], Value::String("{}")) << "other columns stay strings";
  EXPECT_TRUE(c.after[1].is_null()) << "NULL stays NULL";
}

TEST(StoredPositionTest, MysqlExecutedGtidSetRoundTripsThroughTheStateValue) {
  BinlogPoint point{"binlog.000007", 1234, "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7"};
  std::string json = PointToJson(point, false);
  EXPECT_EQ(json, R"({"file":"binlog.000007","gtid":"3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7",)"
                  R"("offset":1234,"server":"mysql"})");
  auto back = PointFromJson(json);
  ASSERT_TRUE(back && *back);
  EXPECT_EQ((*back)->file, point.file);
  EXPECT_EQ((*back)->offset, point.offset);
  EXPECT_EQ((*back)->gtid, point.gtid);
  auto none = PointFromJson(std::nullopt);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto gtid_only = PointFromJson(std::string(R"({"gtid":"0-1-42"})"));
  ASSERT_TRUE(gtid_only && *gtid_only);
  EXPECT_EQ((*gtid_only)->gtid, "0-1-42");
  for (const char* bad : {"not json", "{}", R"({"offset":4})"}) {
    auto r = PointFromJson(std::string(bad));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, core::ErrorKind::kFatal) << bad;
  }
}

TEST(MysqlDsnTest, ParsesEveryPartAndDecodesEscapes) {
  auto dsn = MysqlDsn::Parse("mysql://cdc:p%40ss%3Aw@db.example:3307/shop?ssl-ca=/etc/ca.pem&connect_timeout=5");
  ASSERT_TRUE(dsn) << dsn.error().message;
  EXPECT_EQ(dsn->user, "cdc");
  EXPECT_EQ(dsn->password, "p@ss:w");
  EXPECT_EQ(dsn->host, "db.example");
  EXPECT_EQ(dsn->port, 3307u);
  EXPECT_EQ(dsn->database, "shop");
  EXPECT_EQ(dsn->ssl_ca, "/etc/ca.pem");
  EXPECT_EQ(dsn->connect_timeout_s, 5);
  EXPECT_EQ(dsn->Redacted(), "mysql://cdc@db.example:3307/shop");
}

TEST(MysqlDsnTest, SocketDsnNeedsNoHostAndDefaultsThePort) {
  auto dsn = MysqlDsn::Parse("mysql://root@/test?socket=/run/mysqld/mysqld.sock");
  ASSERT_TRUE(dsn) << dsn.error().message;
  EXPECT_EQ(dsn->socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(dsn->port, 3306u);
  EXPECT_EQ(dsn->database, "test");
}

TEST(MysqlDsnTest, BadDsnsAreConfigErrorsWithoutThePassword) {
  for (const char* bad : {"postgres://u:secret@h/db", "mysql://u:secret@h:99999/db", "mysql://u:secret@h/db?foo=1",
                          "mysql://u:secret@h/db?ssl-mode=sometimes", "u:secret@h/db"}) {
    auto dsn = MysqlDsn::Parse(bad);
    ASSERT_FALSE(dsn) << bad;
    EXPECT_EQ(dsn.error().kind, core::ErrorKind::kConfig);
    EXPECT_EQ(dsn.error().message.find("secret"), std::string::npos) << dsn.error().message;
  }
}

TEST(MysqlErrorsTest, LostConnectionsRetryAndAccessErrorsAreConfig) {
  EXPECT_EQ(ClassifyMysqlError(2013), core::ErrorKind::kRetryable);
  EXPECT_EQ(ClassifyMysqlError(2003), core::ErrorKind::kRetryable);
  EXPECT_EQ(ClassifyMysqlError(1045), core::ErrorKind::kConfig);
  EXPECT_EQ(ClassifyMysqlError(1236), core::ErrorKind::kFatal);
}

Value Text(uint8_t type, const char* text, uint32_t flags = 0, uint32_t charset = 45) {
  return TextToValue(TextColumn{type, flags, charset, 0}, text, text ? std::strlen(text) : 0);
}

TEST(SnapshotValuesTest, TextValuesTakeTheBinlogDecodersForms) {
  EXPECT_EQ(Text(MYSQL_TYPE_LONGLONG, "-42"), Value::Int(-42));
  EXPECT_EQ(Text(MYSQL_TYPE_LONGLONG, "18446744073709551615", UNSIGNED_FLAG), Value::Decimal("18446744073709551615"));
  EXPECT_EQ(Text(MYSQL_TYPE_NEWDECIMAL, "-0.50"), Value::Decimal("-0.50"));
  EXPECT_EQ(Text(MYSQL_TYPE_FLOAT, "1.1"), Value::Double(1.1));
  EXPECT_EQ(Text(MYSQL_TYPE_DATETIME, "2024-01-02 03:04:05.120"), Value::Timestamp("2024-01-02T03:04:05.120"));
  EXPECT_EQ(Text(MYSQL_TYPE_TIMESTAMP, "2024-01-02 03:04:05"), Value::TimestampTz("2024-01-02T03:04:05Z"));
  EXPECT_EQ(Text(MYSQL_TYPE_DATE, "0000-00-00"), Value::Null());
  EXPECT_EQ(Text(MYSQL_TYPE_DATETIME, "0000-00-00 00:00:00"), Value::Null());
  EXPECT_EQ(Text(MYSQL_TYPE_TIME, "-838:59:59"), Value::Time("-838:59:59"));
  EXPECT_EQ(Text(MYSQL_TYPE_YEAR, "2024", UNSIGNED_FLAG), Value::Int(2024));
  EXPECT_EQ(Text(MYSQL_TYPE_BIT, "\x01\x02"), Value::Int(258));
  EXPECT_EQ(Text(MYSQL_TYPE_STRING, "b", ENUM_FLAG), Value::String("b"));
  EXPECT_EQ(Text(MYSQL_TYPE_VAR_STRING, "\xff\x00", BINARY_FLAG, 63).kind(), core::ValueKind::kBytes);
  EXPECT_EQ(Text(MYSQL_TYPE_LONG, nullptr), Value::Null());
}

// Events as the decoder hands them out.
BinlogEvent Event(uint8_t type, uint32_t log_pos, uint32_t size, EventBody body) {
  BinlogEvent e;
  e.header.type = type;
  e.header.timestamp = 1700000000;
  e.header.server_id = 1;
  e.header.log_pos = log_pos;
  e.header.event_size = size;
  e.body = std::move(body);
  return e;
}

BinlogEvent Gtid(uint32_t log_pos, uint64_t seq) {
  MariaGtidEvent g;
  g.gtid = MariaGtid{0, 1, seq};
  return Event(kMariaGtidEvent, log_pos, 30, g);
}

BinlogEvent InsertRows(uint32_t log_pos, std::shared_ptr<const core::TableSchema> schema, int first, int count) {
  Rows rows;
  rows.kind = RowsKind::kWrite;
  rows.schema = std::move(schema);
  rows.decoded = rows.schema != nullptr;
  for (int i = 0; i < count; ++i) rows.rows.push_back(Row{{}, {Value::Int(first + i)}});
  return Event(kWriteRowsEventV2, log_pos, 40, rows);
}

BinlogEvent Commit(uint32_t log_pos) { return Event(kXidEvent, log_pos, 31, Xid{7}); }

TEST(BinlogStreamStateTest, RowsThenXidGiveOneTxEndWithTheResumePointAfterIt) {
  auto schema = std::make_shared<core::TableSchema>();
  BinlogStreamState state(BinlogPoint{"binlog.000002", 100, "0-1-4"}, true);
  std::vector<core::SourceEvent> out;
  std::vector<ResumeToken> tokens;
  auto e1 = Gtid(130, 5);
  auto e2 = InsertRows(170, schema, 1, 2);
  auto e3 = Commit(201);
  state.Apply(e1, out, tokens);
  state.Apply(e2, out, tokens);
  state.Apply(e3, out, tokens);
  ASSERT_EQ(out.size(), 3u);
  const auto& row = std::get<core::RowChange>(out[1]);
  EXPECT_EQ(row.position.change, (uint64_t{2} << 32) | 130);
  EXPECT_EQ(row.position.index, 1u);
  EXPECT_EQ(row.position.commit, (uint64_t{2} << 32) | 100);
  const auto& end = std::get<core::TxEnd>(out[2]);
  EXPECT_EQ(end.position.commit, (uint64_t{2} << 32) | 201);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].point.file, "binlog.000002");
  EXPECT_EQ(tokens[0].point.offset, 201u);
  EXPECT_EQ(tokens[0].point.gtid, "0-1-5");
  EXPECT_EQ(state.resume_point().offset, 201u);
}

TEST(BinlogStreamStateTest, AfterAReconnectMidTransactionRowsAlreadyEmittedAreNotRepeated) {
  auto schema = std::make_shared<core::TableSchema>();
  BinlogStreamState state(BinlogPoint{"binlog.000001", 4, ""}, true);
  std::vector<core::SourceEvent> out;
  std::vector<ResumeToken> tokens;
  auto g = Gtid(34, 1);
  auto r1 = InsertRows(74, schema, 1, 2);
  state.Apply(g, out, tokens);
  state.Apply(r1, out, tokens);
  ASSERT_EQ(out.size(), 2u);
  // The connection drops before the XID: the session restarts at offset 4.
  state.Restart();
  EXPECT_EQ(state.resume_point().offset, 4u);
  auto g2 = Gtid(34, 1);
  auto r1_again = InsertRows(74, schema, 1, 2);
  auto r2 = InsertRows(114, schema, 3, 1);
  auto x = Commit(145);
  state.Apply(g2, out, tokens);
  state.Apply(r1_again, out, tokens);
  state.Apply(r2, out, tokens);
  state.Apply(x, out, tokens);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(std::get<core::RowChange>(out[2]).after[0], Value::Int(3));
  EXPECT_TRUE(std::holds_alternative<core::TxEnd>(out[3]));
}

TEST(BinlogStreamStateTest, TransactionsOfUnmappedTablesEmitATxEndOnlyWhenFlushed) {
  BinlogStreamState state(BinlogPoint{"binlog.000001", 4, ""}, true);
  std::vector<core::SourceEvent> out;
  std::vector<ResumeToken> tokens;
  auto g = Gtid(34, 1);
  auto r = InsertRows(74, nullptr, 1, 1);  // filtered out by the decoder
  auto x = Commit(105);
  state.Apply(g, out, tokens);
  state.Apply(r, out, tokens);
  state.Apply(x, out, tokens);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(state.has_skipped());
  ASSERT_TRUE(state.FlushSkipped(out, tokens));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<core::TxEnd>(out[0]).position.commit, (uint64_t{1} << 32) | 105);
  EXPECT_FALSE(state.FlushSkipped(out, tokens));
}

TEST(BinlogStreamStateTest, RotateMovesToTheNextFileAndDdlForcesATxEnd) {
  BinlogStreamState state(BinlogPoint{"binlog.000001", 4, ""}, true);
  std::vector<core::SourceEvent> out;
  std::vector<ResumeToken> tokens;
  auto rotate = Event(kRotateEvent, 0, 40, Rotate{4, "binlog.000002"});
  state.Apply(rotate, out, tokens);
  EXPECT_EQ(state.resume_point().file, "binlog.000002");
  MariaGtidEvent g;
  g.gtid = MariaGtid{0, 1, 9};
  g.standalone = true;
  auto ge = Event(kMariaGtidEvent, 300, 30, g);
  Query q;
  q.kind = QueryKind::kDdl;
  q.sql = "ALTER TABLE t ADD COLUMN b INT";
  auto qe = Event(kQueryEvent, 380, 80, q);
  state.Apply(ge, out, tokens);
  auto fx = state.Apply(qe, out, tokens);
  EXPECT_TRUE(fx.ddl);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<core::TxEnd>(out[0]).position.commit, (uint64_t{2} << 32) | 380);
  EXPECT_EQ(tokens[0].point.gtid, "0-1-9");
}

}  // namespace
}  // namespace cdc::mysql

// ReadColumns: what the binlog decoder and the snapshot build values for.
namespace cdc::mysql {
namespace {

core::TableSchema Customers() {
  core::TableSchema s;
  s.schema = "shop";
  s.name = "customers";
  s.columns = {"id", "email", "plan", "updated_at", "note"};
  s.key = {0};
  return s;
}

TEST(ReadColumns, FlagsTheColumnsMappingsReadOldOnesAndTheKey) {
  ReadColumns read({{"customers", {"email"}, {"plan"}, true}, {"shop.customers", {"note"}, {}, false}}, "shop");
  EXPECT_EQ(read.Flags(Customers()), (std::vector<bool>{true, true, true, false, true}));
  EXPECT_EQ(read.Of("shop", "customers"), (std::set<std::string>{"email", "note", "plan"}));
}

TEST(ReadColumns, ANameTheTableLacksMeansEveryColumn) {
  ReadColumns read({{"shop.customers", {"email", "emial"}, {}, false}}, "shop");
  EXPECT_TRUE(read.Flags(Customers()).empty());
}

TEST(ReadColumns, NeedsNamingNoColumnReadTheTableWhole) {
  ReadColumns read({{"shop.customers", {"email"}, {}, false}, {"shop.customers", {}, {}, false}}, "shop");
  EXPECT_TRUE(read.Flags(Customers()).empty());
  EXPECT_TRUE(read.Of("shop", "customers").empty());
  EXPECT_TRUE(ReadColumns({}, "shop").Flags(Customers()).empty());  // a table no mapping names
}

}  // namespace
}  // namespace cdc::mysql
