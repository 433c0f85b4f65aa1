// Fixture shared by the Postgres integration tests: a fresh database named
// after the test, its own slot/publication names and a temp state directory.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/model/position.h"
#include "tests/integration/postgres/pg_harness.h"

namespace cdc::pg::testing {

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ServerDsn().empty()) GTEST_SKIP() << "needs a server: run under tests/lib/with-postgres.sh";
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    db_ = "t_" + name.substr(0, 50);
    dsn_ = FreshDatabase(db_);
    dir_ = TempDir();
  }
  void TearDown() override {
    runners_.clear();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  PostgresSourceOptions Options(std::vector<core::Mapping::TableNeeds> tables,
                                SnapshotMode mode = SnapshotMode::kInitial) const {
    PostgresSourceOptions o;
    o.pipeline = "test";
    o.dsn = dsn_;
    o.slot = "slot_" + db_;
    o.publication = "pub_" + db_;
    o.snapshot = mode;
    o.tables = std::move(tables);
    o.status_interval_ms = 200;
    return o;
  }

  // A runner over the test's state file (kept across runners: a restart).
  SourceRunner& NewRunner(const PostgresSourceOptions& options, size_t queue_chunks = 64) {
    runners_.push_back(std::make_unique<SourceRunner>(options, dir_ + "/state.db", queue_chunks));
    return *runners_.back();
  }

  uint64_t SlotConfirmedFlush() const {
    uint64_t lsn = 0;
    core::ParseLsn(
        Query(dsn_, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'slot_" +
                        db_ + "'"),
        lsn);
    return lsn;
  }
  uint64_t CurrentWalLsn() const {
    uint64_t lsn = 0;
    core::ParseLsn(Query(dsn_, "SELECT pg_current_wal_lsn()::text"), lsn);
    return lsn;
  }

  std::string db_, dsn_, dir_;
  std::vector<std::unique_ptr<SourceRunner>> runners_;
};

inline core::Mapping::TableNeeds Needs(std::string table, std::vector<std::string> columns,
                                       std::vector<std::string> old_columns = {}, bool deletes = false) {
  return core::Mapping::TableNeeds{std::move(table), std::move(columns), std::move(old_columns), deletes};
}

}  // namespace cdc::pg::testing
