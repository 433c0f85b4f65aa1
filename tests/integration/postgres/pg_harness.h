// Test harness for PostgresSource against the throw-away server started by
// tests/lib/with-postgres.sh (CDC_PG_DSN): one database per test, SQL helpers,
// and a source running on its own thread into a ChangeQueue the test drains.
#pragma once

#include "tests/lib/source_runner.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "connectors/postgres/postgres_source.h"
#include "core/metrics/metrics.h"
#include "core/pipeline/change_writer.h"
#include "core/state/state_store.h"

namespace cdc::pg::testing {

// The server's superuser conninfo; empty when not run under with-postgres.sh.
std::string ServerDsn();
// Creates (dropping first) a database and returns its conninfo.
std::string FreshDatabase(const std::string& name);
// Runs SQL (several statements allowed) outside a transaction.
void Sql(const std::string& dsn, const std::string& sql);
// First column of the first row, "" for NULL or no rows.
std::string Query(const std::string& dsn, const std::string& sql);
// Drops the slot if it exists (slots are cluster-wide; tests use their own names).
void DropSlot(const std::string& dsn, const std::string& slot);
// A temp directory for state files, removed by the caller's TearDown.
std::string TempDir();

// Polls `condition` every 20 ms until true or `timeout`.
bool Eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The shared SourceRunner (tests/lib/source_runner.h) over a PostgresSource.
class SourceRunner : public cdc::testing::SourceRunner {
 public:
  SourceRunner(PostgresSourceOptions options, const std::string& state_path, size_t queue_chunks = 64);
};

using cdc::testing::Col;

}  // namespace cdc::pg::testing
