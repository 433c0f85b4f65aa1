// Test harness for PostgresSource against the throw-away server started by
// tests/lib/with-postgres.sh (CDC_PG_DSN): one database per test, SQL helpers,
// and a source running on its own thread into a ChangeQueue the test drains.
#pragma once

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

class SourceRunner {
 public:
  SourceRunner(PostgresSourceOptions options, const std::string& state_path, size_t queue_chunks = 64);
  ~SourceRunner();

  core::Status Prepare();
  void Start();  // Run() on a thread
  // Stops the reader and joins; returns what Run() returned.
  core::Status Stop();

  // Drains the queue into events() until `condition(events())` or timeout.
  bool CollectUntil(const std::function<bool(const std::vector<core::SourceEvent>&)>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Same, until at least `n` TxEnds arrived (counted as they arrive: cheap on big runs).
  bool CollectTxEnds(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  const std::vector<core::SourceEvent>& events() const { return events_; }
  std::vector<core::RowChange> Changes() const;
  std::vector<core::TxEnd> TxEnds() const;
  size_t CountTxEnds() const { return TxEnds().size(); }

  core::Source& source() { return *source_; }
  core::StateStore& state() { return *state_; }
  core::ChangeQueue& queue() { return queue_; }
  bool running() const { return thread_.joinable() && !finished_.load(); }

 private:
  core::ChangeQueue queue_;
  core::Metrics metrics_;
  std::unique_ptr<core::StateStore> state_;
  std::unique_ptr<core::Source> source_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  core::Status result_;
  void Append(core::ChangeChunk& chunk);

  std::vector<core::SourceEvent> events_;
  size_t tx_ends_ = 0;
};

// Value of `column` in a row (after or before), by the change's schema.
const core::Value& Col(const core::RowChange& change, const std::string& column, bool before = false);

}  // namespace cdc::pg::testing
