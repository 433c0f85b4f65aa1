// MysqlSource::Prepare's startup checks against a real MariaDB 10.11: each
// problem is a kConfig error with a message naming what to change.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/mysql/mysql_harness.h"

namespace cdc::mysql::testing {
namespace {

class MysqlChecksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ServerDsn().empty()) GTEST_SKIP() << "needs tests/lib/with-mariadb.sh (CDC_MYSQL_DSN)";
    dir_ = TempDir();
    ASSERT_FALSE(dir_.empty());
    FreshDatabase("chk");
    Sql("CREATE TABLE chk.t (id INT PRIMARY KEY, email VARCHAR(50))");
  }

  // Prepare's error for these options (fails the test when Prepare succeeds).
  core::Error PrepareError(const MysqlSourceOptions& options, const std::string& name) {
    SourceRunner runner(options, dir_ + "/" + name + ".db");
    auto status = runner.Prepare();
    EXPECT_FALSE(status) << "Prepare succeeded";
    return status ? core::Error{} : status.error();
  }

  std::string dir_;
};

TEST_F(MysqlChecksTest, RootWithRowBinlogPasses) {
  SourceRunner runner(Options("ok", 7001, {"chk.t"}), dir_ + "/ok.db");
  auto status = runner.Prepare();
  EXPECT_TRUE(status) << status.error().Describe();
}

TEST_F(MysqlChecksTest, StatementBinlogFormatIsAConfigErrorSayingRowIsRequired) {
  Sql("SET GLOBAL binlog_format = 'STATEMENT'");
  struct Restore {
    ~Restore() { Sql("SET GLOBAL binlog_format = 'ROW'"); }
  } restore;
  auto error = PrepareError(Options("stmt", 7002, {"chk.t"}), "stmt");
  EXPECT_EQ(error.kind, core::ErrorKind::kConfig);
  EXPECT_NE(error.message.find("binlog_format is STATEMENT; row-based logging is required"), std::string::npos)
      << error.message;
}

TEST_F(MysqlChecksTest, LoginWithoutReplicationGrantsIsAConfigErrorNamingThem) {
  Sql("DROP USER IF EXISTS 'cdc_low'@'%'; CREATE USER 'cdc_low'@'%' IDENTIFIED BY 'low-secret';"
      "GRANT SELECT ON chk.t TO 'cdc_low'@'%'");
  auto options = Options("low", 7003, {"chk.t"});
  options.dsn = DsnFor("chk", "cdc_low", "low-secret");
  auto error = PrepareError(options, "low");
  EXPECT_EQ(error.kind, core::ErrorKind::kConfig);
  EXPECT_NE(error.message.find("lacks REPLICATION SLAVE, BINLOG MONITOR"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find("low-secret"), std::string::npos) << "password leaked: " << error.message;
}

TEST_F(MysqlChecksTest, LoginWithoutSelectOnAMappedTableIsAConfigErrorNamingTheTable) {
  Sql("DROP USER IF EXISTS 'cdc_repl'@'%'; CREATE USER 'cdc_repl'@'%' IDENTIFIED BY 'pw';"
      "GRANT REPLICATION SLAVE, BINLOG MONITOR, REPLICATION MASTER ADMIN ON *.* TO 'cdc_repl'@'%'");
  auto options = Options("repl", 7004, {"chk.t"});
  options.dsn = DsnFor("", "cdc_repl", "pw");  // no default database: it may read none
  auto error = PrepareError(options, "repl");
  EXPECT_EQ(error.kind, core::ErrorKind::kConfig);
  EXPECT_NE(error.message.find("lacks SELECT on chk.t"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find("REPLICATION SLAVE"), std::string::npos) << error.message;

  // With SELECT granted the same login passes every check.
  Sql("GRANT SELECT ON chk.t TO 'cdc_repl'@'%'");
  SourceRunner runner(options, dir_ + "/repl2.db");
  auto status = runner.Prepare();
  EXPECT_TRUE(status) << status.error().Describe();
}

TEST_F(MysqlChecksTest, MissingTableAndColumnAreListedTogether) {
  auto options = Options("missing", 7005, {"chk.t", "chk.nope"});
  options.tables[0].columns = {"id", "phone"};
  auto error = PrepareError(options, "missing");
  EXPECT_EQ(error.kind, core::ErrorKind::kConfig);
  EXPECT_NE(error.message.find("mapped table chk.t has no column phone"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("mapped table chk.nope does not exist"), std::string::npos) << error.message;
}

TEST_F(MysqlChecksTest, TheServersOwnServerIdIsRejected) {
  auto error = PrepareError(Options("sid", 1, {"chk.t"}), "sid");
  EXPECT_EQ(error.kind, core::ErrorKind::kConfig);
  EXPECT_NE(error.message.find("server_id 1 is the server's own @@server_id"), std::string::npos) << error.message;
}

TEST_F(MysqlChecksTest, AStoredPositionInAPurgedBinlogIsFatalAndSaysToResnapshot) {
  const std::string path = dir_ + "/purged.db";
  {
    auto store = core::StateStore::Open(path, "purged");
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->Put(kPositionStateKey, R"({"file":"binlog.000000","offset":4,"gtid":""})"));
  }
  SourceRunner runner(Options("purged", 7006, {"chk.t"}), path);
  auto status = runner.Prepare();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, core::ErrorKind::kFatal);
  EXPECT_NE(status.error().message.find("no longer has (purged)"), std::string::npos) << status.error().message;
  EXPECT_NE(status.error().message.find("new snapshot"), std::string::npos) << status.error().message;
}

TEST_F(MysqlChecksTest, AServerIdRegisteredByAnotherReaderIsRejected) {
  SourceRunner first(Options("first", 7007, {"chk.t"}, SnapshotMode::kNever), dir_ + "/first.db");
  ASSERT_TRUE(first.Prepare());
  first.Start();
  ASSERT_TRUE(first.CollectUntil([&](const auto&) { return first.source().Progress().caught_up; }));
  auto error = PrepareError(Options("second", 7007, {"chk.t"}), "second");
  EXPECT_EQ(error.kind, core::ErrorKind::kConfig);
  EXPECT_NE(error.message.find("server_id 7007 is already used by a registered replica (instasent-cdc:first)"),
            std::string::npos)
      << error.message;
  // The same pipeline starting again (e.g. after a crash) is not another reader.
  SourceRunner again(Options("first", 7007, {"chk.t"}, SnapshotMode::kNever), dir_ + "/first-again.db");
  auto status = again.Prepare();
  EXPECT_TRUE(status) << status.error().Describe();
  EXPECT_TRUE(first.Stop());
}

}  // namespace
}  // namespace cdc::mysql::testing
