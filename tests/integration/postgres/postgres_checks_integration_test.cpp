// Prerequisite checks and configuration errors against a real PostgreSQL 15:
// what `validate` reports and how Prepare() refuses a setup that cannot work.
#include <gtest/gtest.h>

#include "connectors/postgres/postgres_checks.h"
#include "tests/integration/postgres/pg_test_base.h"

namespace cdc::pg::testing {
namespace {

class PostgresChecksIntegration : public PgTest {};

bool AnyContains(const std::vector<std::string>& problems, const std::string& a, const std::string& b = "") {
  for (const auto& p : problems) {
    if (p.find(a) != std::string::npos && p.find(b) != std::string::npos) return true;
  }
  return false;
}

std::string Joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += p + "\n";
  return out;
}

TEST_F(PostgresChecksIntegration, ValidateReportsMissingTablesColumnsAndIdentityGaps) {
  Sql(dsn_, "CREATE TABLE items (id int PRIMARY KEY, status text); CREATE TABLE nokey (a int, b text);");
  auto problems = ValidatePostgres(
      dsn_, "pub_" + db_,
      {Needs("public.nope", {"id"}), Needs("public.items", {"id", "missing_col"}),
       Needs("public.items", {"id", "status"}, {"status"}), Needs("public.nokey", {"a"}, {"a"}, true)});
  ASSERT_TRUE(problems) << problems.error().Describe();
  EXPECT_EQ(problems->size(), 4u) << Joined(*problems);
  EXPECT_TRUE(AnyContains(*problems, "public.nope", "does not exist"));
  EXPECT_TRUE(AnyContains(*problems, "public.items", "no column missing_col"));
  EXPECT_TRUE(AnyContains(*problems, "old value of status",
                          "ALTER TABLE \"public\".\"items\" REPLICA IDENTITY FULL"));
  EXPECT_TRUE(AnyContains(*problems, "public.nokey", "UPDATE and DELETE on it fail"));
  EXPECT_FALSE(AnyContains(*problems, "wal_level")) << "the test server runs wal_level=logical";
}

TEST_F(PostgresChecksIntegration, ValidateIsCleanForAGoodSetup) {
  Sql(dsn_, "CREATE TABLE items (id int PRIMARY KEY, status text)");
  auto problems =
      ValidatePostgres(dsn_, "pub_" + db_, {Needs("public.items", {"id", "status"}, {"id"}, true)});
  ASSERT_TRUE(problems);
  EXPECT_TRUE(problems->empty()) << Joined(*problems);
}

TEST_F(PostgresChecksIntegration, WalLevelOtherThanLogicalIsAProblem) {
  EXPECT_TRUE(CheckWalLevel("logical").empty());
  auto problems = CheckWalLevel("replica");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("ALTER SYSTEM SET wal_level = logical"), std::string::npos);
}

TEST_F(PostgresChecksIntegration, PrepareRefusesAMissingTable) {
  auto& runner = NewRunner(Options({Needs("public.ghost", {"id"})}));
  auto st = runner.Prepare();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(st.error().message.find("public.ghost does not exist"), std::string::npos) << st.error().message;
  EXPECT_EQ(Query(dsn_, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"),
            "0");
}

TEST_F(PostgresChecksIntegration, PublicationMissingAMappedTableIsAClearError) {
  Sql(dsn_, "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY);");
  Sql(dsn_, "CREATE PUBLICATION pub_" + db_ + " FOR TABLE a");
  auto& runner = NewRunner(Options({Needs("public.a", {"id"}), Needs("public.b", {"id"})}));
  auto st = runner.Prepare();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(st.error().message.find("does not include table public.b"), std::string::npos)
      << st.error().message;
  EXPECT_NE(st.error().message.find("ALTER PUBLICATION \"pub_" + db_ + "\" ADD TABLE \"public\".\"b\";"),
            std::string::npos)
      << st.error().message;
}

TEST_F(PostgresChecksIntegration, LoginThatCannotCreateThePublicationGetsTheSqlToRun) {
  Sql(dsn_,
      "CREATE TABLE a (id int PRIMARY KEY); CREATE ROLE cdc_reader LOGIN REPLICATION; "
      "GRANT SELECT ON a TO cdc_reader;");
  auto options = Options({Needs("public.a", {"id"})});
  options.dsn = dsn_ + " user=cdc_reader";
  auto& runner = NewRunner(options);
  auto st = runner.Prepare();
  Sql(dsn_, "DROP OWNED BY cdc_reader; DROP ROLE cdc_reader;");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(
      st.error().message.find("CREATE PUBLICATION \"pub_" + db_ +
                              "\" FOR TABLE \"public\".\"a\" WITH (publish_via_partition_root = true);"),
      std::string::npos)
      << st.error().message;
}

TEST_F(PostgresChecksIntegration, LostSlotIsAFatalErrorThatSaysWhatToDo) {
  Sql(dsn_, "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE filler (pad text);");
  Sql(dsn_, "SELECT pg_create_logical_replication_slot('slot_" + db_ + "', 'pgoutput')");
  // Cluster-wide setting: restored whatever happens below.
  Sql(dsn_, "ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'");
  Sql(dsn_, "SELECT pg_reload_conf()");
  struct Restore {
    std::string dsn;
    ~Restore() {
      try {
        Sql(dsn, "ALTER SYSTEM RESET max_slot_wal_keep_size");
        Sql(dsn, "SELECT pg_reload_conf()");
      } catch (const std::exception& e) {
        ADD_FAILURE() << "cannot restore max_slot_wal_keep_size: " << e.what();
      }
    }
  } restore{dsn_};
  std::string status_sql = "SELECT wal_status FROM pg_replication_slots WHERE slot_name = 'slot_" + db_ + "'";
  ASSERT_TRUE(Eventually(
      [&] {
        Sql(dsn_, "INSERT INTO filler SELECT repeat('x', 1000) FROM generate_series(1, 3000)");
        Sql(dsn_, "SELECT pg_switch_wal()");
        Sql(dsn_, "CHECKPOINT");
        return Query(dsn_, status_sql) == "lost";
      },
      std::chrono::seconds(60)))
      << "wal_status " << Query(dsn_, status_sql);

  auto& runner = NewRunner(Options({Needs("public.a", {"id"})}));
  auto st = runner.Prepare();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, core::ErrorKind::kFatal);
  EXPECT_NE(st.error().message.find("is lost"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("pg_drop_replication_slot('slot_" + db_ + "')"), std::string::npos)
      << st.error().message;
  EXPECT_EQ(Query(dsn_, status_sql), "lost") << "the slot is never dropped by the source";
}

TEST_F(PostgresChecksIntegration, ConnectionErrorsNeverShowThePassword) {
  auto options = Options({Needs("public.a", {"id"})});
  options.dsn = "host=127.0.0.1 port=1 user=nobody password=s3cr3t-pw dbname=x connect_timeout=2";
  auto& unreachable = NewRunner(options);
  auto st = unreachable.Prepare();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, core::ErrorKind::kConfig)
      << "at startup, a connection failure stops with exit 2";
  EXPECT_NE(st.error().message.find("cannot connect to PostgreSQL"), std::string::npos) << st.error().message;
  EXPECT_EQ(st.error().message.find("s3cr3t-pw"), std::string::npos) << st.error().message;

  options.dsn = dsn_ + " dbname=no_such_db password=s3cr3t-pw";
  auto& wrong_db = NewRunner(options);
  st = wrong_db.Prepare();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(st.error().message.find("no_such_db"), std::string::npos) << st.error().message;
  EXPECT_EQ(st.error().message.find("s3cr3t-pw"), std::string::npos) << st.error().message;

  options.dsn = "host=127.0.0.1 password='s3cr3t-pw";  // unterminated quote
  auto& garbled = NewRunner(options);
  st = garbled.Prepare();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, core::ErrorKind::kConfig);
  EXPECT_EQ(st.error().message.find("s3cr3t-pw"), std::string::npos) << st.error().message;
}

}  // namespace
}  // namespace cdc::pg::testing
