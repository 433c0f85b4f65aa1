// Test harness for MysqlSource against the throw-away MariaDB started by
// tests/lib/with-mariadb.sh (CDC_MYSQL_DSN): one database per test, SQL
// helpers, and a source running on its own thread into a ChangeQueue the test
// drains. The server (and its binlog) is shared by the tests of one binary.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "connectors/mysql/mysql_source.h"
#include "core/metrics/metrics.h"
#include "core/model/value.h"
#include "core/pipeline/change_writer.h"
#include "core/state/state_store.h"

namespace cdc::core {
// Readable values in assertion messages.
inline void PrintTo(const Value& v, std::ostream* os) {
  *os << ValueKindName(v.kind()) << "(" << (v.kind() == ValueKind::kBytes ? "<bytes>" : v.ToText()) << ")";
}
}  // namespace cdc::core

namespace cdc::mysql::testing {

// The server's root DSN (mysql://root@127.0.0.1:PORT/test); empty when not
// run under with-mariadb.sh.
std::string ServerDsn();
// The same server and login, another database.
std::string DsnFor(const std::string& database, const std::string& user = "root",
                   const std::string& password = "");
// Creates (dropping first) a database and returns its DSN.
std::string FreshDatabase(const std::string& name);
// Runs SQL (several statements allowed) as root, session time zone UTC.
void Sql(const std::string& sql);
// First column of the first row, "" for NULL or no rows.
std::string Query(const std::string& sql);
// Restarts the server (same data and port); true when it answers again.
bool RestartServer();
// A temp directory for state files.
std::string TempDir();

// Polls `condition` every 20 ms until true or `timeout`.
bool Eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(30));

class SourceRunner {
 public:
  SourceRunner(MysqlSourceOptions options, const std::string& state_path, size_t queue_chunks = 64);
  ~SourceRunner();

  core::Status Prepare();
  void Start();  // Run() on a thread
  // Stops the reader and joins; returns what Run() returned.
  core::Status Stop();

  // Drains the queue into events() until `condition(events())` or timeout.
  bool CollectUntil(const std::function<bool(const std::vector<core::SourceEvent>&)>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Collects until at least `n` row changes have arrived.
  bool CollectRows(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  const std::vector<core::SourceEvent>& events() const { return events_; }
  std::vector<core::RowChange> Changes() const;
  std::vector<core::TxEnd> TxEnds() const;

  core::Source& source() { return *source_; }
  core::StateStore& state() { return *state_; }

 private:
  core::ChangeQueue queue_;
  core::Metrics metrics_;
  std::unique_ptr<core::StateStore> state_;
  std::unique_ptr<core::Source> source_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  core::Status result_;
  std::vector<core::SourceEvent> events_;
};

// Value of `column` in a row (after, or before), by the change's schema.
const core::Value& Col(const core::RowChange& change, const std::string& column, bool before = false);

// Options for a source reading `tables` ("db.table") with a short heartbeat.
MysqlSourceOptions Options(const std::string& pipeline, uint32_t server_id,
                           const std::vector<std::string>& tables,
                           SnapshotMode snapshot = SnapshotMode::kInitial);

}  // namespace cdc::mysql::testing
