// Heartbeat against a real PostgreSQL 15: the server clock read for the skew
// check, the WAL a beat writes (message and table modes), and the stop when
// the publication loses a mapped table.
#include "connectors/postgres/heartbeat.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "connectors/postgres/slot_admin.h"
#include "core/log/log.h"
#include "tests/integration/postgres/pg_test_base.h"

namespace cdc::pg::testing {
namespace {

class HeartbeatIntegration : public PgTest {};

int64_t LocalNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(HeartbeatIntegration, ServerClockIsReadInEpochMicroseconds) {
  auto admin = SlotAdmin::Connect(dsn_);
  ASSERT_TRUE(admin) << admin.error().Describe();
  auto server = (*admin)->ServerNowUs();
  ASSERT_TRUE(server) << server.error().Describe();
  // Same host, same clock: the skew check must see (almost) none.
  EXPECT_LT(std::llabs(*server - LocalNowUs()), 5LL * 1000 * 1000);
}

TEST_F(HeartbeatIntegration, EachModeWritesWalInTheDatabase) {
  Sql(dsn_, "CREATE TABLE beat (beat_at timestamptz); INSERT INTO beat VALUES (NULL)");
  auto admin = SlotAdmin::Connect(dsn_);
  ASSERT_TRUE(admin);
  const uint64_t before = CurrentWalLsn();
  ASSERT_TRUE((*admin)->EmitHeartbeat(""));
  // A non-transactional message is not flushed by its own call: the WAL
  // writer writes it within wal_writer_delay, then the walsender reads it.
  EXPECT_TRUE(Eventually([&] { return CurrentWalLsn() > before; }, std::chrono::seconds(10)));
  const uint64_t after_message = CurrentWalLsn();
  ASSERT_TRUE((*admin)->EmitHeartbeat("public.beat"));
  EXPECT_GT(CurrentWalLsn(), after_message);
  EXPECT_NE(Query(dsn_, "SELECT beat_at FROM beat"), "");
  auto missing = (*admin)->EmitHeartbeat("public.no_such_table");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("heartbeat table public.no_such_table"), std::string::npos);
}

TEST_F(HeartbeatIntegration, TickStopsWhenThePublicationLosesAMappedTable) {
  Sql(dsn_, "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY);");
  Sql(dsn_, "CREATE PUBLICATION pub_" + db_ + " FOR TABLE a, b");
  HeartbeatOptions options;
  options.interval_ms = 1;
  Heartbeat heartbeat(dsn_, options, "pub_" + db_, {Needs("public.a", {"id"}), Needs("public.b", {"id"})},
                      core::Logger("postgres"));
  ASSERT_TRUE(heartbeat.Tick());
  Sql(dsn_, "ALTER PUBLICATION pub_" + db_ + " DROP TABLE b");
  heartbeat.Reset();
  auto st = heartbeat.Tick();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(st.error().message.find("does not include table public.b"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("--resnapshot"), std::string::npos);
}

}  // namespace
}  // namespace cdc::pg::testing
