// MysqlSource against a real MariaDB 10.11 (tests/lib/with-mariadb.sh):
// snapshot and streaming values, transaction boundaries, DDL mid-stream,
// confirm + restart, and a server restart mid-stream.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "connectors/mysql/mysql_connection.h"
#include "connectors/mysql/snapshot.h"
#include "tests/integration/mysql/mysql_harness.h"

namespace cdc::mysql::testing {
namespace {

using core::Value;

class MysqlSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ServerDsn().empty()) GTEST_SKIP() << "needs tests/lib/with-mariadb.sh (CDC_MYSQL_DSN)";
    dir_ = TempDir();
    ASSERT_FALSE(dir_.empty());
  }
  std::string StatePath(const std::string& name) const { return dir_ + "/" + name + ".db"; }

  // Starts a source and waits until it has read up to the end of the binlog.
  std::unique_ptr<SourceRunner> StartCaughtUp(const MysqlSourceOptions& options, const std::string& state) {
    auto runner = std::make_unique<SourceRunner>(options, state);
    auto prepared = runner->Prepare();
    EXPECT_TRUE(prepared) << prepared.error().Describe();
    if (!prepared) return nullptr;
    runner->Start();
    EXPECT_TRUE(runner->CollectUntil([&](const auto&) { return runner->source().Progress().caught_up; }));
    return runner;
  }

  std::string dir_;
};

// Column values of the `types` table row inserted by InsertTypesRow(id).
std::vector<Value> ExpectedTypesRow(int64_t id) {
  return {Value::Int(id),
          Value::Int(-5),
          Value::Decimal("18446744073709551615"),
          Value::Decimal("-12.50"),
          Value::Double(1.5),
          Value::Double(2.25),
          Value::String("h\xc3\xa9llo"),
          Value::String("long text"),
          Value::Bytes(std::string("\x00\xff\x10", 3)),
          Value::Int(21),
          Value::Timestamp("2024-01-02T03:04:05.678"),
          Value::TimestampTz("2024-01-02T03:04:05.123456Z"),
          Value::Date("2024-02-29"),
          Value::Time("-12:34:56"),
          Value::Int(2024),
          Value::String("b"),
          Value::String("x,y"),
          Value::Json("{\"k\": [1, 2]}"),  // MariaDB JSON: text with a json_valid check
          Value::Null()};
}

void CreateTypesTable(const std::string& db) {
  Sql("CREATE TABLE `" + db + "`.types (id INT PRIMARY KEY, i_tiny TINYINT, u_big BIGINT UNSIGNED, "
      "dec_v DECIMAL(10,2), f FLOAT, d DOUBLE, s VARCHAR(50), txt TEXT, bin VARBINARY(8), bits BIT(5), "
      "dt DATETIME(3), ts TIMESTAMP(6) NULL, day DATE, tm TIME, yr YEAR, e ENUM('a','b'), "
      "st SET('x','y'), j JSON, n INT NULL) CHARACTER SET utf8mb4");
}

void InsertTypesRow(const std::string& db, int id) {
  Sql("INSERT INTO `" + db + "`.types VALUES (" + std::to_string(id) +
      ", -5, 18446744073709551615, -12.50, 1.5, 2.25, 'h\xc3\xa9llo', 'long text', x'00FF10', b'10101', "
      "'2024-01-02 03:04:05.678', '2024-01-02 03:04:05.123456', '2024-02-29', '-12:34:56', 2024, 'b', "
      "'x,y', '{\"k\": [1, 2]}', NULL)");
}

TEST_F(MysqlSourceTest, SnapshotAndStreamingGiveTheSameExactValuesForEveryColumnType) {
  FreshDatabase("src_types");
  CreateTypesTable("src_types");
  InsertTypesRow("src_types", 1);

  auto runner = StartCaughtUp(Options("types", 6001, {"src_types.types"}), StatePath("types"));
  ASSERT_TRUE(runner);
  InsertTypesRow("src_types", 2);
  Sql("UPDATE src_types.types SET s = 'changed', n = 7 WHERE id = 2");
  Sql("DELETE FROM src_types.types WHERE id = 1");
  ASSERT_TRUE(runner->CollectRows(4));
  ASSERT_TRUE(runner->Stop());

  auto changes = runner->Changes();
  ASSERT_EQ(changes.size(), 4u);
  const auto& snap = changes[0];
  EXPECT_EQ(snap.op, core::Op::kSnapshot);
  EXPECT_EQ(snap.table->QualifiedName(), "src_types.types");
  ASSERT_EQ(snap.table->columns.size(), 19u);
  EXPECT_EQ(snap.table->columns[3], "dec_v");
  EXPECT_EQ(snap.table->key, std::vector<size_t>{0});
  EXPECT_EQ(snap.after, ExpectedTypesRow(1));

  const auto& insert = changes[1];
  EXPECT_EQ(insert.op, core::Op::kInsert);
  EXPECT_EQ(insert.table->columns, snap.table->columns);
  ASSERT_EQ(insert.after.size(), 19u);
  auto expected = ExpectedTypesRow(2);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(insert.after[i], expected[i]) << "column " << insert.table->columns[i];
  }

  const auto& update = changes[2];
  EXPECT_EQ(update.op, core::Op::kUpdate);
  EXPECT_EQ(Col(update, "s", true), Value::String("h\xc3\xa9llo"));
  EXPECT_EQ(Col(update, "s"), Value::String("changed"));
  EXPECT_EQ(Col(update, "n", true), Value::Null());
  EXPECT_EQ(Col(update, "n"), Value::Int(7));
  EXPECT_EQ(Col(update, "dt"), Value::Timestamp("2024-01-02T03:04:05.678"));

  const auto& del = changes[3];
  EXPECT_EQ(del.op, core::Op::kDelete);
  EXPECT_TRUE(del.after.empty());
  EXPECT_EQ(del.before, ExpectedTypesRow(1));

  // Positions grow along the stream; the snapshot ends with its own TxEnd.
  core::Position last;
  bool saw_snapshot_end = false;
  for (const auto& e : runner->events()) {
    core::Position p;
    if (const auto* c = std::get_if<core::RowChange>(&e)) p = c->position;
    if (const auto* t = std::get_if<core::TxEnd>(&e)) p = t->position;
    if (std::holds_alternative<core::SnapshotDone>(e)) {
      saw_snapshot_end = true;
      EXPECT_EQ(std::get<core::SnapshotDone>(e).rows, 1u);
    }
    if (p.empty()) continue;
    EXPECT_EQ(p.source, core::SourceKind::kMysql);
    EXPECT_TRUE(last < p) << last.ToString() << " then " << p.ToString();
    last = p;
  }
  EXPECT_TRUE(saw_snapshot_end);
}

// Columns no mapping reads are neither selected by the snapshot nor decoded
// from the binlog (every other type is stepped over); the read ones and the
// key keep exactly the values a full read gives.
TEST_F(MysqlSourceTest, OnlyColumnsTheMappingsReadAreReadInSnapshotAndStream) {
  FreshDatabase("src_some");
  CreateTypesTable("src_some");
  InsertTypesRow("src_some", 1);

  MysqlSourceOptions options = Options("some", 6011, {"src_some.types"});
  options.tables[0].columns = {"dec_v", "s", "dt", "j"};
  options.tables[0].old_columns = {"n"};
  const std::vector<std::string> read = {"id", "dec_v", "s", "dt", "j", "n"};  // with the key, table order
  auto runner = StartCaughtUp(options, StatePath("some"));
  ASSERT_TRUE(runner);
  InsertTypesRow("src_some", 2);
  Sql("UPDATE src_some.types SET s = 'changed', n = 7, i_tiny = 1 WHERE id = 2");
  Sql("DELETE FROM src_some.types WHERE id = 1");
  ASSERT_TRUE(runner->CollectRows(4));
  ASSERT_TRUE(runner->Stop());
  auto changes = runner->Changes();
  ASSERT_EQ(changes.size(), 4u);

  const auto& snap = changes[0];
  ASSERT_EQ(snap.table->columns, read);
  EXPECT_EQ(snap.table->key, std::vector<size_t>{0});
  const auto full = ExpectedTypesRow(1);
  EXPECT_EQ(snap.after, (std::vector<Value>{full[0], full[3], full[6], full[10], full[17], full[18]}));

  // The stream's rows span the table; only the read columns hold values.
  auto expect_read_only = [&](const std::vector<Value>& row, const std::vector<Value>& expected,
                              const std::string& what) {
    const auto& columns = changes[1].table->columns;
    ASSERT_EQ(row.size(), columns.size()) << what;
    for (size_t i = 0; i < row.size(); ++i) {
      const bool wanted = std::find(read.begin(), read.end(), columns[i]) != read.end();
      EXPECT_EQ(row[i], wanted ? expected[i] : Value()) << what << " column " << columns[i];
    }
  };
  EXPECT_EQ(changes[1].op, core::Op::kInsert);
  expect_read_only(changes[1].after, ExpectedTypesRow(2), "insert");
  EXPECT_EQ(changes[2].op, core::Op::kUpdate);
  expect_read_only(changes[2].before, ExpectedTypesRow(2), "update before");
  auto updated = ExpectedTypesRow(2);
  updated[1] = Value::Int(1);
  updated[6] = Value::String("changed");
  updated[18] = Value::Int(7);
  expect_read_only(changes[2].after, updated, "update after");
  EXPECT_EQ(changes[3].op, core::Op::kDelete);
  expect_read_only(changes[3].before, full, "delete");
}

// The source knows it is caught up when the binlog ends where it stands (read
// on a side connection), not only from the heartbeat the server sends after a
// period of silence: with a one-minute heartbeat it still reports caught up
// within seconds, at start and again after new rows.
TEST_F(MysqlSourceTest, CaughtUpAtTheBinlogEndWithoutWaitingForAHeartbeat) {
  FreshDatabase("src_end");
  Sql("CREATE TABLE src_end.t (id INT PRIMARY KEY, v INT)");
  MysqlSourceOptions options = Options("end", 6012, {"src_end.t"}, SnapshotMode::kNever);
  options.heartbeat_ms = 60000;
  SourceRunner runner(options, StatePath("end"));
  ASSERT_TRUE(runner.Prepare());
  runner.Start();
  auto caught_up = [&](const auto&) { return runner.source().Progress().caught_up; };
  ASSERT_TRUE(runner.CollectUntil(caught_up, std::chrono::seconds(10)));

  Sql("INSERT INTO src_end.t VALUES (1, 1), (2, 2)");
  ASSERT_TRUE(runner.CollectRows(2, std::chrono::seconds(10)));
  EXPECT_TRUE(runner.CollectUntil(caught_up, std::chrono::seconds(10)));
  ASSERT_TRUE(runner.Stop());
  EXPECT_EQ(runner.Changes().size(), 2u);
}

TEST_F(MysqlSourceTest, MultiRowTransactionEndsWithOneTxEndAfterAllItsRows) {
  FreshDatabase("src_tx");
  Sql("CREATE TABLE src_tx.t (id INT PRIMARY KEY, v VARCHAR(10))");
  auto runner = StartCaughtUp(Options("tx", 6002, {"src_tx.t"}, SnapshotMode::kNever), StatePath("tx"));
  ASSERT_TRUE(runner);
  Sql("START TRANSACTION; INSERT INTO src_tx.t VALUES (1, 'a'), (2, 'b'); INSERT INTO src_tx.t VALUES (3, 'c');"
      " UPDATE src_tx.t SET v = 'bb' WHERE id = 2; COMMIT");
  ASSERT_TRUE(runner->CollectUntil([](const auto& events) {
    return !events.empty() && std::holds_alternative<core::TxEnd>(events.back()) &&
           std::count_if(events.begin(), events.end(),
                         [](const auto& e) { return std::holds_alternative<core::RowChange>(e); }) == 4;
  }));
  ASSERT_TRUE(runner->Stop());

  // The four rows are contiguous and followed by exactly one TxEnd.
  const auto& events = runner->events();
  size_t first = 0;
  while (first < events.size() && !std::holds_alternative<core::RowChange>(events[first])) ++first;
  ASSERT_LE(first + 5, events.size());
  std::vector<core::RowChange> rows;
  for (size_t i = first; i < first + 4; ++i) {
    ASSERT_TRUE(std::holds_alternative<core::RowChange>(events[i])) << "event " << i;
    rows.push_back(std::get<core::RowChange>(events[i]));
  }
  ASSERT_TRUE(std::holds_alternative<core::TxEnd>(events[first + 4]));
  const auto& end = std::get<core::TxEnd>(events[first + 4]);
  EXPECT_EQ(rows[0].op, core::Op::kInsert);
  EXPECT_EQ(Col(rows[1], "v"), Value::String("b"));
  EXPECT_EQ(Col(rows[2], "id"), Value::Int(3));
  EXPECT_EQ(rows[3].op, core::Op::kUpdate);
  EXPECT_EQ(Col(rows[3], "v"), Value::String("bb"));
  // Two rows of one event share its offset and differ by index.
  EXPECT_EQ(rows[0].position.change, rows[1].position.change);
  EXPECT_EQ(rows[1].position.index, 1u);
  for (const auto& r : rows) {
    EXPECT_EQ(r.position.commit, rows[0].position.commit);
    EXPECT_EQ(r.xid, rows[0].xid);
    EXPECT_TRUE(r.position < end.position);
  }
  EXPECT_GT(end.commit_time_us, 0);
  EXPECT_EQ(end.position.commit >> 32, rows[0].position.change >> 32);  // same binlog file
}

void ExpectDdlMidStreamHandled(SourceRunner& runner, const std::string& db) {
  Sql("INSERT INTO " + db + ".t VALUES (1, 'x')");
  Sql("ALTER TABLE " + db + ".t ADD COLUMN b INT");
  Sql("INSERT INTO " + db + ".t VALUES (2, 'y', 5)");
  Sql("ALTER TABLE " + db + ".t RENAME COLUMN a TO a2");
  Sql("INSERT INTO " + db + ".t VALUES (3, 'z', 6)");
  Sql("UPDATE " + db + ".t SET b = 9 WHERE id = 1");
  ASSERT_TRUE(runner.CollectRows(4));
  // Every DDL statement ends a transaction of its own: 4 DML + 2 DDL.
  ASSERT_TRUE(runner.CollectUntil([&](const auto&) { return runner.TxEnds().size() >= 6; }));
  auto changes = runner.Changes();
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].table->columns, (std::vector<std::string>{"id", "a"}));
  EXPECT_EQ(Col(changes[0], "a"), Value::String("x"));
  EXPECT_EQ(changes[1].table->columns, (std::vector<std::string>{"id", "a", "b"}));
  EXPECT_EQ(Col(changes[1], "b"), Value::Int(5));
  EXPECT_EQ(changes[2].table->columns, (std::vector<std::string>{"id", "a2", "b"}));
  EXPECT_EQ(Col(changes[2], "a2"), Value::String("z"));
  EXPECT_EQ(Col(changes[3], "b", true), Value::Null());
  EXPECT_EQ(Col(changes[3], "b"), Value::Int(9));
  EXPECT_NE(changes[0].table->version, changes[1].table->version);
  EXPECT_NE(changes[1].table->version, changes[2].table->version);
}

TEST_F(MysqlSourceTest, AddAndRenameColumnMidStreamChangeTheSchema) {
  FreshDatabase("src_ddl");
  Sql("CREATE TABLE src_ddl.t (id INT PRIMARY KEY, a VARCHAR(10))");
  auto runner = StartCaughtUp(Options("ddl", 6003, {"src_ddl.t"}, SnapshotMode::kNever), StatePath("ddl"));
  ASSERT_TRUE(runner);
  ExpectDdlMidStreamHandled(*runner, "src_ddl");
  EXPECT_TRUE(runner->Stop());
}

TEST_F(MysqlSourceTest, WithMinimalRowMetadataColumnNamesComeFromTheCatalogAndFollowDdl) {
  FreshDatabase("src_ddl_min");
  Sql("CREATE TABLE src_ddl_min.t (id INT PRIMARY KEY, a VARCHAR(10))");
  Sql("SET GLOBAL binlog_row_metadata = MINIMAL");
  struct Restore {
    ~Restore() { Sql("SET GLOBAL binlog_row_metadata = FULL"); }
  } restore;
  auto runner = StartCaughtUp(Options("ddlmin", 6004, {"src_ddl_min.t"}, SnapshotMode::kNever),
                              StatePath("ddlmin"));
  ASSERT_TRUE(runner);
  ExpectDdlMidStreamHandled(*runner, "src_ddl_min");
  EXPECT_TRUE(runner->Stop());
}

// Without FULL metadata the table map has no ENUM/SET names and no signedness:
// both come from information_schema, so the binlog gives what the snapshot gives.
TEST_F(MysqlSourceTest, WithMinimalRowMetadataEnumSetAndUnsignedMatchTheSnapshot) {
  FreshDatabase("src_types_min");
  CreateTypesTable("src_types_min");
  Sql("CREATE TABLE src_types_min.extra (id INT PRIMARY KEY, e2 ENUM('it''s', 'a,b') NULL, "
      "st2 SET('x', 'y''z') NULL, u_int INT UNSIGNED NULL)");
  InsertTypesRow("src_types_min", 1);
  Sql("INSERT INTO src_types_min.extra VALUES (10, 'a,b', 'x,y''z', 4294967295)");
  Sql("SET GLOBAL binlog_row_metadata = MINIMAL");
  struct Restore {
    ~Restore() { Sql("SET GLOBAL binlog_row_metadata = FULL"); }
  } restore;
  auto runner = StartCaughtUp(Options("typesmin", 6012, {"src_types_min.types", "src_types_min.extra"}),
                              StatePath("typesmin"));
  ASSERT_TRUE(runner);
  ASSERT_EQ(Query("SELECT @@GLOBAL.binlog_row_metadata"), "MINIMAL");
  InsertTypesRow("src_types_min", 2);
  Sql("INSERT INTO src_types_min.extra VALUES (11, 'a,b', 'x,y''z', 4294967295)");
  Sql("UPDATE src_types_min.extra SET e2 = 'it''s', st2 = 'y''z' WHERE id = 11");
  ASSERT_TRUE(runner->CollectRows(5));
  ASSERT_TRUE(runner->Stop());

  auto changes = runner->Changes();
  ASSERT_EQ(changes.size(), 5u);
  ASSERT_EQ(changes[0].op, core::Op::kSnapshot);
  EXPECT_EQ(changes[0].after, ExpectedTypesRow(1));
  ASSERT_EQ(changes[2].op, core::Op::kInsert);
  auto expected = ExpectedTypesRow(2);
  ASSERT_EQ(changes[2].after.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(changes[2].after[i], expected[i]) << "column " << changes[2].table->columns[i];
  }
  ASSERT_EQ(changes[1].op, core::Op::kSnapshot);
  ASSERT_EQ(changes[3].op, core::Op::kInsert);
  for (int k : {1, 3}) {
    EXPECT_EQ(Col(changes[k], "e2"), Value::String("a,b")) << k;
    EXPECT_EQ(Col(changes[k], "st2"), Value::String("x,y'z")) << k;
    EXPECT_EQ(Col(changes[k], "u_int"), Value::Int(4294967295)) << k;
  }
  const auto& update = changes[4];
  EXPECT_EQ(Col(update, "e2"), Value::String("it's"));
  EXPECT_EQ(Col(update, "st2"), Value::String("y'z"));
  EXPECT_EQ(Col(update, "e2", true), Value::String("a,b"));
}

TEST_F(MysqlSourceTest, RestartResumesAfterTheConfirmedPositionWithoutReplayingIt) {
  FreshDatabase("src_resume");
  Sql("CREATE TABLE src_resume.t (id INT PRIMARY KEY)");
  const std::string state = StatePath("resume");
  core::TxEnd first_end;
  {
    auto runner = StartCaughtUp(Options("resume", 6005, {"src_resume.t"}), state);
    ASSERT_TRUE(runner);
    Sql("INSERT INTO src_resume.t VALUES (1)");
    Sql("INSERT INTO src_resume.t VALUES (2)");
    ASSERT_TRUE(runner->CollectRows(2));
    ASSERT_TRUE(runner->CollectUntil([](const auto& events) { return std::holds_alternative<core::TxEnd>(events.back()); }));
    auto changes = runner->Changes();
    ASSERT_EQ(changes.size(), 2u);
    // The TxEnd right after row 1 is its transaction's end.
    const auto& events = runner->events();
    for (size_t i = 0; i + 1 < events.size(); ++i) {
      const auto* c = std::get_if<core::RowChange>(&events[i]);
      if (c && Col(*c, "id") == Value::Int(1)) {
        ASSERT_TRUE(std::holds_alternative<core::TxEnd>(events[i + 1]));
        first_end = std::get<core::TxEnd>(events[i + 1]);
      }
    }
    ASSERT_FALSE(first_end.position.empty());
    runner->source().Confirm(first_end.position);
    auto stored = runner->state().Get(kPositionStateKey);
    ASSERT_TRUE(stored && *stored);
    EXPECT_NE((*stored)->find("\"offset\":" + std::to_string(first_end.position.commit & 0xffffffffu)),
              std::string::npos)
        << **stored;
    EXPECT_FALSE(runner->source().Progress().confirmed_all);
    ASSERT_TRUE(runner->Stop());
  }
  Sql("INSERT INTO src_resume.t VALUES (3)");
  SourceRunner again(Options("resume", 6005, {"src_resume.t"}), state);
  ASSERT_TRUE(again.Prepare());
  again.Start();
  ASSERT_TRUE(again.CollectRows(2));
  ASSERT_TRUE(again.CollectUntil([&](const auto&) { return again.source().Progress().caught_up; }));
  ASSERT_TRUE(again.Stop());
  auto changes = again.Changes();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].op, core::Op::kInsert);  // no new snapshot
  EXPECT_EQ(Col(changes[0], "id"), Value::Int(2));
  EXPECT_EQ(Col(changes[1], "id"), Value::Int(3));
  EXPECT_TRUE(first_end.position < changes[0].position);
}

TEST_F(MysqlSourceTest, ServerRestartMidStreamReconnectsAndLosesNothing) {
  FreshDatabase("src_restart");
  Sql("CREATE TABLE src_restart.t (id INT PRIMARY KEY)");
  auto runner = StartCaughtUp(Options("restart", 6006, {"src_restart.t"}), StatePath("restart"));
  ASSERT_TRUE(runner);
  Sql("INSERT INTO src_restart.t VALUES (1)");
  ASSERT_TRUE(runner->CollectRows(1));
  ASSERT_TRUE(RestartServer());
  Sql("INSERT INTO src_restart.t VALUES (2)");
  Sql("INSERT INTO src_restart.t VALUES (3)");
  ASSERT_TRUE(runner->CollectRows(3, std::chrono::seconds(60)));
  ASSERT_TRUE(runner->CollectUntil([&](const auto&) { return runner->source().Progress().caught_up; }));
  EXPECT_GE(runner->source().Progress().reconnects, 1u);
  ASSERT_TRUE(runner->Stop());
  auto changes = runner->Changes();
  ASSERT_EQ(changes.size(), 3u);  // nothing lost, nothing repeated
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Col(changes[i], "id"), Value::Int(i + 1));
  // The rows after the restart are in a later binlog file.
  EXPECT_GT(changes[1].position.change >> 32, changes[0].position.change >> 32);
}

TEST_F(MysqlSourceTest, InitialOnlySnapshotsThenStopsAndStoresThePointOnConfirm) {
  FreshDatabase("src_once");
  Sql("CREATE TABLE src_once.t (id INT PRIMARY KEY, v DECIMAL(5,1))");
  Sql("INSERT INTO src_once.t VALUES (1, 1.5), (2, NULL)");
  SourceRunner runner(Options("once", 6007, {"src_once.t"}, SnapshotMode::kInitialOnly), StatePath("once"));
  ASSERT_TRUE(runner.Prepare());
  runner.Start();
  ASSERT_TRUE(runner.CollectUntil([](const auto& events) {
    return !events.empty() && std::holds_alternative<core::SnapshotDone>(events.back());
  }));
  ASSERT_TRUE(Eventually([&] { return runner.source().Progress().caught_up; }));
  ASSERT_TRUE(runner.Stop());
  auto changes = runner.Changes();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(Col(changes[0], "v"), Value::Decimal("1.5"));
  EXPECT_EQ(Col(changes[1], "v"), Value::Null());
  auto ends = runner.TxEnds();
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(runner.source().Progress().snapshot_rows, 2u);
  runner.source().Confirm(ends[0].position);
  EXPECT_TRUE(runner.source().Progress().confirmed_all);
  auto stored = runner.state().Get(kPositionStateKey);
  ASSERT_TRUE(stored && *stored);
  EXPECT_NE((*stored)->find("\"file\":\"binlog.0000"), std::string::npos) << **stored;
}

TEST_F(MysqlSourceTest, SnapshotGtidIsTheBinlogGtidPosOfItsPoint) {
  FreshDatabase("src_snapgtid");
  Sql("CREATE TABLE src_snapgtid.t (id INT PRIMARY KEY)");
  Sql("INSERT INTO src_snapgtid.t VALUES (1)");
  auto dsn = MysqlDsn::Parse(ServerDsn());
  ASSERT_TRUE(dsn);
  auto conn = MysqlConnection::Connect(*dsn);
  ASSERT_TRUE(conn);
  auto snapshot = Snapshot::Begin(std::move(*conn));
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  const BinlogPoint point = (*snapshot)->point();
  ASSERT_FALSE(point.gtid.empty());
  // The idle server's current position stands in for the binlog scan: the same text.
  EXPECT_EQ(point.gtid,
            Query("SELECT BINLOG_GTID_POS('" + point.file + "', " + std::to_string(point.offset) + ")"));
  ASSERT_TRUE((*snapshot)->Finish());
}

TEST_F(MysqlSourceTest, LargeTransactionThroughAFullQueueArrivesWholeAndInOrder) {
  FreshDatabase("src_big");
  Sql("CREATE TABLE src_big.t (id INT PRIMARY KEY, pad VARCHAR(100))");
  Sql("CREATE TABLE src_big.seq (n INT PRIMARY KEY)");
  Sql("INSERT INTO src_big.seq SELECT seq FROM seq_1_to_5000");
  // Two chunks of room: the reader blocks on the queue again and again.
  auto runner = std::make_unique<SourceRunner>(Options("big", 6008, {"src_big.t"}, SnapshotMode::kNever),
                                               StatePath("big"), 2);
  ASSERT_TRUE(runner->Prepare());
  runner->Start();
  ASSERT_TRUE(runner->CollectUntil([&](const auto&) { return runner->source().Progress().caught_up; }));
  Sql("INSERT INTO src_big.t SELECT n, REPEAT('x', 100) FROM src_big.seq");
  ASSERT_TRUE(runner->CollectRows(5000, std::chrono::seconds(60)));
  ASSERT_TRUE(runner->CollectUntil([](const auto& events) { return std::holds_alternative<core::TxEnd>(events.back()); }));
  ASSERT_TRUE(runner->Stop());
  auto changes = runner->Changes();
  ASSERT_EQ(changes.size(), 5000u);
  for (size_t i = 0; i < changes.size(); ++i) {
    ASSERT_EQ(Col(changes[i], "id"), Value::Int(static_cast<int64_t>(i + 1)));
    if (i > 0) {
      ASSERT_TRUE(changes[i - 1].position < changes[i].position);
    }
  }
  EXPECT_TRUE(changes.back().position < runner->TxEnds().back().position);
}

TEST_F(MysqlSourceTest, MinimalRowImageLeavesUndeliveredColumnsAbsentNotNull) {
  FreshDatabase("src_min");
  Sql("CREATE TABLE src_min.t (id INT PRIMARY KEY, a VARCHAR(10), b INT)");
  Sql("INSERT INTO src_min.t VALUES (1, 'x', 2)");
  Sql("SET GLOBAL binlog_row_image = MINIMAL");
  struct Restore {
    ~Restore() { Sql("SET GLOBAL binlog_row_image = FULL"); }
  } restore;
  auto runner = StartCaughtUp(Options("minimg", 6009, {"src_min.t"}, SnapshotMode::kNever), StatePath("minimg"));
  ASSERT_TRUE(runner);
  Sql("UPDATE src_min.t SET b = NULL WHERE id = 1");
  ASSERT_TRUE(runner->CollectRows(1));
  ASSERT_TRUE(runner->Stop());
  auto changes = runner->Changes();
  ASSERT_EQ(changes.size(), 1u);
  const auto& update = changes[0];
  EXPECT_EQ(Col(update, "id", true), Value::Int(1));
  EXPECT_TRUE(Col(update, "a", true).is_absent());
  EXPECT_TRUE(Col(update, "a").is_absent());
  EXPECT_TRUE(Col(update, "b").is_null());
}

TEST_F(MysqlSourceTest, AStoredGtidPositionWithoutAFileResumesByGtid) {
  FreshDatabase("src_gtid");
  Sql("CREATE TABLE src_gtid.t (id INT PRIMARY KEY)");
  const std::string state = StatePath("gtid");
  std::string gtid;
  {
    auto runner = StartCaughtUp(Options("gtid", 6010, {"src_gtid.t"}, SnapshotMode::kNever), state);
    ASSERT_TRUE(runner);
    Sql("INSERT INTO src_gtid.t VALUES (1)");
    ASSERT_TRUE(runner->CollectRows(1));
    ASSERT_TRUE(runner->CollectUntil([](const auto& events) { return std::holds_alternative<core::TxEnd>(events.back()); }));
    runner->source().Confirm(runner->TxEnds().back().position);
    ASSERT_TRUE(runner->Stop());
    gtid = Query("SELECT @@GLOBAL.gtid_binlog_pos");
    ASSERT_FALSE(gtid.empty());
    auto stored = runner->state().Get(kPositionStateKey);
    ASSERT_TRUE(stored && *stored);
    EXPECT_NE((*stored)->find("\"gtid\":\"" + gtid + "\""), std::string::npos) << **stored;
    // Keep only the GTID: the source must find its place by it.
    ASSERT_TRUE(runner->state().Put(kPositionStateKey, "{\"file\":\"\",\"offset\":0,\"gtid\":\"" + gtid + "\"}"));
  }
  Sql("INSERT INTO src_gtid.t VALUES (2)");
  SourceRunner again(Options("gtid", 6010, {"src_gtid.t"}, SnapshotMode::kNever), state);
  ASSERT_TRUE(again.Prepare());
  again.Start();
  ASSERT_TRUE(again.CollectRows(1));
  ASSERT_TRUE(again.CollectUntil([&](const auto&) { return again.source().Progress().caught_up; }));
  ASSERT_TRUE(again.Stop());
  auto changes = again.Changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(Col(changes[0], "id"), Value::Int(2));
  EXPECT_NE(changes[0].position.change >> 32, 0u);  // the file number came from the server
}

// Not a benchmark harness (tests/bench is), but a guard against a slow path:
// 100k rows through the snapshot and through the binlog, with the rates printed.
TEST_F(MysqlSourceTest, HundredThousandRowsPassBothPathsCompletely) {
  constexpr size_t kRows = 100000;
  FreshDatabase("src_volume");
  Sql("CREATE TABLE src_volume.t (id INT PRIMARY KEY, email VARCHAR(64), amount DECIMAL(10,2), at DATETIME)");
  Sql("INSERT INTO src_volume.t SELECT seq, CONCAT('user', seq, '@example.com'), seq / 100, "
      "'2024-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_100000");
  SourceRunner runner(Options("volume", 6011, {"src_volume.t"}), StatePath("volume"), 16);
  ASSERT_TRUE(runner.Prepare());
  auto t0 = std::chrono::steady_clock::now();
  runner.Start();
  ASSERT_TRUE(runner.CollectRows(kRows, std::chrono::seconds(120)));
  auto t1 = std::chrono::steady_clock::now();
  Sql("UPDATE src_volume.t SET amount = amount + 1");
  ASSERT_TRUE(runner.CollectRows(2 * kRows, std::chrono::seconds(120)));
  auto t2 = std::chrono::steady_clock::now();
  ASSERT_TRUE(runner.Stop());
  auto changes = runner.Changes();
  ASSERT_EQ(changes.size(), 2 * kRows);
  EXPECT_EQ(changes[kRows - 1].op, core::Op::kSnapshot);
  EXPECT_EQ(Col(changes[kRows - 1], "amount"), Value::Decimal("1000.00"));
  EXPECT_EQ(changes.back().op, core::Op::kUpdate);
  EXPECT_EQ(Col(changes.back(), "amount"), Value::Decimal("1001.00"));
  auto secs = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::printf("snapshot: %.0f rows/s; binlog (UPDATE, before+after images): %.0f rows/s\n",
              kRows / secs(t1 - t0), kRows / secs(t2 - t1));
}

}  // namespace
}  // namespace cdc::mysql::testing
