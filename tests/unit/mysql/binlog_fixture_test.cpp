// One test per binlog fixture (boxercrab, canal, the Chinook capture,
// go-mysql-server's MariaDB statements): the whole file decodes, and what its
// expect.json records (events, counts, CRC32, GTIDs, rotate targets, table
// names, mariadb-binlog row images, upstream assertions) holds.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "tests/unit/mysql/fixture_check.h"
#include "tests/unit/mysql/fixture_reader.h"
#include "tests/unit/mysql/rendering_match.h"

namespace cdc::mysql::testing {
namespace {

using core::Value;

TEST(BoxercrabFixture, StopFileEndsWithStopEvent) {
  FixtureRun run = CheckFixture("boxercrab/03_stop.binlog");
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_NE(run.events.back().event.As<Stop>(), nullptr);
}

TEST(BoxercrabFixture, RotatePointsToNextFile) {
  FixtureRun run = CheckFixture("boxercrab/04_rotate.binlog");
  const Rotate* r = Nth(run, 2).As<Rotate>();
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->next_file, "mysql_bin.000002");
  EXPECT_EQ(r->position, 4u);
}
TEST(BoxercrabFixture, FormatDescriptionIsMysql57WithCrc32) {
  FixtureRun run = CheckFixture("boxercrab/15_format_desc.binlog");
  const auto* f = run.events.front().event.As<FormatDescription>();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->flavor, Flavor::kMysql);
  EXPECT_EQ(f->checksum, ChecksumAlg::kCrc32);
  EXPECT_EQ(f->binlog_version, 4);
  EXPECT_EQ(f->server_version, "5.7.30-log");
  EXPECT_EQ(f->create_timestamp, 1596175634u);
}
TEST(BoxercrabFixture, XidFile) {
  FixtureRun run = CheckFixture("boxercrab/16_xid.binlog");
  ASSERT_NE(Nth(run, 10).As<Xid>(), nullptr);
  EXPECT_EQ(Nth(run, 10).As<Xid>()->xid, 41u);
}
TEST(BoxercrabFixture, TableMapFile) {
  FixtureRun run = CheckFixture("boxercrab/19_table_map.binlog");
  const auto* m = Nth(run, 8).As<std::shared_ptr<const TableMap>>();
  ASSERT_NE(m, nullptr);
  EXPECT_EQ((*m)->table_id, 110u);
  EXPECT_EQ((*m)->table, "boxercrab");
  EXPECT_EQ((*m)->flags, 1);
  EXPECT_EQ((*m)->types, (std::vector<uint8_t>{kTypeLong, kTypeVarchar}));
  EXPECT_EQ((*m)->meta[1], 160);
  EXPECT_EQ((*m)->nullable, (std::vector<bool>{false, false}));
}
TEST(BoxercrabFixture, RowsQueryFile) {
  FixtureRun run = CheckFixture("boxercrab/29_row_query.binlog");
  const RowsQuery* q = Nth(run, 8).As<RowsQuery>();
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->sql, "INSERT INTO `boxercrab` (`title`) VALUES ('hahhhhhhhhh')");
}
TEST(BoxercrabFixture, WriteRowsV2File) {
  FixtureRun run = CheckFixture("boxercrab/30_write_rows_v2.binlog");
  const Rows& rows = RowsAt(run, 10);
  EXPECT_EQ(rows.table_id, 111u);
  EXPECT_EQ(rows.version, 2);
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(rows.rows[0].after, (std::vector<Value>{Value::Int(1), Value::String("abcde")}));
}
TEST(BoxercrabFixture, UpdateRowsV2File) {
  FixtureRun run = CheckFixture("boxercrab/31_update_rows_v2.binlog");
  const Rows& rows = RowsAt(run, 5);
  ASSERT_EQ(rows.rows.size(), 1u);
  auto s = [](const char* t) { return Value::String(t); };
  EXPECT_EQ(rows.rows[0].before,
            (std::vector<Value>{Value::Int(1), s("abc"), s("abc"), s("abc"), s("abc"), s("abc"),
                                Value::Double(1.0), Value::Double(2.0), Value::Decimal("3.0000")}));
  EXPECT_EQ(rows.rows[0].after,
            (std::vector<Value>{Value::Int(1), s("xd"), s("xd"), s("xd"), s("xd"), s("xd"),
                                Value::Double(4.0), Value::Double(4.0), Value::Decimal("4.0000")}));
}
TEST(BoxercrabFixture, DeleteRowsV2File) {
  FixtureRun run = CheckFixture("boxercrab/32_delete_rows_v2.binlog");
  const Rows& rows = RowsAt(run, 16);
  EXPECT_EQ(rows.kind, RowsKind::kDelete);
  EXPECT_EQ(rows.table_id, 112u);
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(rows.rows[0].before, (std::vector<Value>{Value::Int(1), Value::String("abcde")}));
  EXPECT_TRUE(rows.rows[0].after.empty());
}
TEST(BoxercrabFixture, GtidAndPreviousGtidsFile) {
  FixtureRun run = CheckFixture("boxercrab/33_35_gtid_prev_gtid.binlog");
  EXPECT_TRUE(Nth(run, 1).As<PreviousGtids>()->set.empty());
  const Gtid* g = Nth(run, 2).As<Gtid>();
  ASSERT_NE(g, nullptr);
  EXPECT_FALSE(g->anonymous);
  EXPECT_EQ(g->last_committed, 0);
  EXPECT_EQ(g->sequence_number, 1);
  // The three transactions' GTIDs build the executed set uuid:1-3.
  MysqlGtidSet executed;
  for (const auto& [offset, gtid] : EventsOf<Gtid>(run)) executed.Add(gtid->gtid);
  EXPECT_EQ(executed.ToString(), "80549ecc-d2f2-11ea-b790-0242ac130002:1-3");
}
TEST(BoxercrabFixture, AnonymousGtidFile) {
  FixtureRun run = CheckFixture("boxercrab/34_anonymous_gtid.binlog");
  const Gtid* g = Nth(run, 2).As<Gtid>();
  ASSERT_NE(g, nullptr);
  EXPECT_TRUE(g->anonymous);
  EXPECT_EQ(g->gtid.sid, Uuid{});
  EXPECT_EQ(g->gtid.gno, 0u);
  EXPECT_EQ(g->last_committed, 0);
  EXPECT_EQ(g->sequence_number, 1);
}

TEST(CanalFixture, DdlHeavyFileClassifiesItsStatements) {
  FixtureRun run = CheckFixture("canal/tsdb-mysql-bin.000002");
  size_t ddl = 0, begin = 0;
  for (const auto& [offset, q] : EventsOf<Query>(run)) {
    ddl += q->kind == QueryKind::kDdl;
    begin += q->kind == QueryKind::kBegin;
  }
  EXPECT_EQ(begin, 1u) << "one DML transaction";
  EXPECT_GE(ddl, 10u);
  EXPECT_NE(run.events.back().event.As<Stop>(), nullptr);
}

TEST(CanalFixture, DmlFileStartsTransactionAt219) {
  FixtureRun run = CheckFixture("canal/tsdb-mysql-bin.000003");
  // Upstream resumes at mysql-bin.000003:219 and expects the entry there with
  // timestamp 1505467103 s: the QUERY that follows the first anonymous GTID.
  const auto& e = std::find_if(run.events.begin(), run.events.end(),
                               [](const DecodedEvent& d) { return d.offset == 219; });
  ASSERT_NE(e, run.events.end());
  EXPECT_EQ(e->event.header.timestamp, 1505467103u);
  EXPECT_NE(e->event.As<Query>(), nullptr);
}

std::vector<const Rows*> RowsOfTable(const FixtureRun& run, const std::string& table) {
  std::vector<const Rows*> out;
  for (const auto& [offset, rows] : AllRows(run)) {
    if (rows->table_map->table == table) out.push_back(rows);
  }
  return out;
}

std::string Geometry(double x, double y) {
  std::string g(4, '\0');                       // SRID 0
  g += std::string("\x01\x01\x00\x00\x00", 5);  // little endian, POINT
  g.append(reinterpret_cast<const char*>(&x), 8);
  g.append(reinterpret_cast<const char*>(&y), 8);
  return g;
}

TEST(ChinookCaptureFixture, RowEventsFile000002) {
  FixtureRun run = CheckFixture("captured-mariadb-10.11-chinook/mariadb-bin.000002");
  // binlog_row_metadata=FULL: real column names and the primary key.
  auto customer = RowsOfTable(run, "Customer");
  ASSERT_EQ(customer.size(), 2u);
  EXPECT_EQ(customer[0]->schema->columns[1], "FirstName");
  EXPECT_EQ(customer[0]->schema->key, std::vector<size_t>{0});
  EXPECT_EQ(customer[0]->rows[0].after[1], Value::String("Zo\xC3\xAB"));
  // Rolled back delete: InvoiceLine has insert, key change and one delete only.
  auto lines = RowsOfTable(run, "InvoiceLine");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]->kind, RowsKind::kDelete);
}

TEST(ChinookCaptureFixture, TypeZooValuesMatchScenarioSql) {
  FixtureRun run = CheckFixture("captured-mariadb-10.11-chinook/mariadb-bin.000002");
  auto zoo = RowsOfTable(run, "type_zoo");
  ASSERT_EQ(zoo.size(), 2u);
  ASSERT_EQ(zoo[0]->rows.size(), 2u);
  const auto& r1 = zoo[0]->rows[0].after;
  std::vector<Value> expected1 = {Value::Int(1),
                                  Value::Int(-128),
                                  Value::Int(65535),
                                  Value::Int(-8388608),
                                  Value::Int(INT64_MIN),
                                  Value::Decimal("18446744073709551615"),
                                  Value::Decimal("12345678901234.567891"),
                                  Value::Decimal("-1948.14"),
                                  Value::Double(1.5),
                                  Value::Double(-2.25e-10),
                                  Value::Date("2024-02-29"),
                                  Value::Time("-838:59:59.99"),
                                  Value::Timestamp("2024-02-29T23:59:59.123456"),
                                  Value::TimestampTz("2024-02-29T12:00:00.500Z"),
                                  Value::Int(2024),
                                  Value::String("abc"),
                                  Value::String("Zo\xC3\xAB \xF0\x9F\x98\x80 \xE2\x9C\x93"),
                                  Value::String("caf\xC3\xA9"),
                                  Value::String(std::string(300, 'x')),
                                  Value::Bytes(std::string("\x00\xFF\x10", 3)),
                                  Value::Bytes("\x01\x02\x03\x04"),
                                  Value::Bytes("\xDE\xAD\xBE\xEF"),
                                  Value::String("paid"),
                                  Value::String("email,push"),
                                  Value::Int(0b1010101010),
                                  Value::String("{\"a\": [1, 2.5, \"x\"], \"b\": null}"),
                                  Value::Bytes(Geometry(1, 2)),
                                  Value::Null()};
  ASSERT_EQ(r1.size(), expected1.size());
  for (size_t i = 0; i < r1.size(); ++i) EXPECT_EQ(r1[i], expected1[i]) << "column " << i + 1;

  const auto& r2 = zoo[0]->rows[1].after;
  std::vector<Value> expected2 = {Value::Int(2),
                                  Value::Int(0),
                                  Value::Int(0),
                                  Value::Int(0),
                                  Value::Int(0),
                                  Value::Int(0),
                                  Value::Decimal("0.000000"),
                                  Value::Decimal("0.00"),
                                  Value::Double(0),
                                  Value::Double(0),
                                  Value::Date("1000-01-01"),
                                  Value::Time("00:00:00.00"),
                                  Value::Timestamp("1000-01-01T00:00:00.000000"),
                                  Value::TimestampTz("1970-01-01T00:00:01.000Z"),
                                  Value::Int(1901),
                                  Value::String(""),
                                  Value::String(""),
                                  Value::String(""),
                                  Value::String(""),
                                  Value::Bytes(""),
                                  Value::Bytes(std::string(4, '\0')),
                                  Value::Bytes(""),
                                  Value::String("new"),
                                  Value::String(""),
                                  Value::Int(0),
                                  Value::String("{}"),
                                  Value::Bytes(Geometry(0, 0)),
                                  Value::Int(7)};
  ASSERT_EQ(r2.size(), expected2.size());
  for (size_t i = 0; i < r2.size(); ++i) EXPECT_EQ(r2[i], expected2[i]) << "column " << i + 1;

  // The update changes c_datetime and c_json only; the before image is the insert.
  ASSERT_EQ(zoo[1]->kind, RowsKind::kUpdate);
  const Row& update = zoo[1]->rows.at(0);
  EXPECT_EQ(update.before[12], Value::Timestamp("2024-02-29T23:59:59.123456"));
  EXPECT_EQ(update.after[12], Value::Timestamp("2025-12-31T23:59:59.999999"));
  EXPECT_EQ(update.after[25], Value::String("[]"));
}

TEST(ChinookCaptureFixture, CompressedRowEventsFile000003) {
  FixtureRun run = CheckFixture("captured-mariadb-10.11-chinook/mariadb-bin.000003");
  auto all = AllRows(run);
  ASSERT_EQ(all.size(), 3u);
  for (const auto& [offset, rows] : all) {
    EXPECT_TRUE(rows->compressed) << offset;
    EXPECT_EQ(rows->version, 1);
  }
  EXPECT_EQ(all[0].second->rows[0].after[3], Value::String("\xC3\x85ngstr\xC3\xB6m AB"));
  EXPECT_EQ(all[1].second->rows[0].after[18], Value::String(std::string(500, 'y')));
  EXPECT_EQ(all[1].second->rows[0].after[25], Value::String("{\"k\": \"v\"}"));
  EXPECT_EQ(all[2].second->kind, RowsKind::kDelete);
  EXPECT_EQ(all[2].second->rows[0].before[0], Value::Int(2));
}

// Applies the fixture's row events to a table keyed by the first column, as
// the upstream test applies the BINLOG statements to a server.
using Table = std::map<int64_t, std::vector<Value>>;
void Apply(const FixtureRun& run, Table& table) {
  for (const auto& [offset, rows] : AllRows(run)) {
    for (const Row& row : rows->rows) {
      if (!row.before.empty()) table.erase(row.before[0].as_int());
      if (!row.after.empty()) table[row.after[0].as_int()] = row.after;
    }
  }
}

Table Users() {
  return {{1, {Value::Int(1), Value::String("Alice"), Value::String("alice@example.com")}},
          {2, {Value::Int(2), Value::String("Bob"), Value::String("bob@example.com")}}};
}

TEST(GoMysqlServerMariadbFixture, DeleteLeavesOnlyAlice) {
  FixtureRun run = CheckFixture("go-mysql-server-mariadb/binlog_delete.txt");
  Table users = Users();
  Apply(run, users);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users.begin()->first, 1);
}

TEST(GoMysqlServerMariadbFixture, FormatDescriptionOnly) {
  FixtureRun run = CheckFixture("go-mysql-server-mariadb/binlog_format_desc.txt");
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.decoder.format()->flavor, Flavor::kMariaDb);
}

TEST(GoMysqlServerMariadbFixture, InsertGivesAliceAndBob) {
  FixtureRun run = CheckFixture("go-mysql-server-mariadb/binlog_insert.txt");
  Table users;
  Apply(run, users);
  EXPECT_EQ(users, Users());
}

TEST(GoMysqlServerMariadbFixture, RowsWithoutFormatDescriptionFail) {
  FixtureRun run = RunFixture("go-mysql-server-mariadb/binlog_no_format_desc.txt");
  CheckStructure(run);
  EXPECT_TRUE(run.events.empty());
  ASSERT_EQ(run.errors.size(), 2u);
  for (const auto& [offset, error] : run.errors) {
    EXPECT_EQ(error.kind, core::ErrorKind::kBadData);
    EXPECT_NE(error.message.find("FORMAT_DESCRIPTION"), std::string::npos) << error.message;
  }
}

TEST(GoMysqlServerMariadbFixture, TransactionMultiOpsLeavesTwoRows) {
  FixtureRun run = CheckFixture("go-mysql-server-mariadb/binlog_transaction_multi_ops.txt");
  Table t;
  Apply(run, t);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.at(1)[2], Value::Decimal("109.99"));
}

TEST(GoMysqlServerMariadbFixture, UpdateRenamesAlice) {
  FixtureRun run = CheckFixture("go-mysql-server-mariadb/binlog_update.txt");
  Table users = Users();
  Apply(run, users);
  EXPECT_EQ(users.at(1)[1], Value::String("Alice Smith"));
}

}  // namespace
}  // namespace cdc::mysql::testing
