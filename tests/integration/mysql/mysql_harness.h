// Test harness for MysqlSource against the throw-away MariaDB started by
// tests/lib/with-mariadb.sh (CDC_MYSQL_DSN): one database per test, SQL
// helpers, and a source running on its own thread into a ChangeQueue the test
// drains. The server (and its binlog) is shared by the tests of one binary.
#pragma once

#include "tests/lib/source_runner.h"

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

// The shared SourceRunner (tests/lib/source_runner.h) over a MysqlSource.
class SourceRunner : public cdc::testing::SourceRunner {
 public:
  SourceRunner(MysqlSourceOptions options, const std::string& state_path, size_t queue_chunks = 64);
};

using cdc::testing::Col;

// Options for a source reading `tables` ("db.table") with a short heartbeat.
MysqlSourceOptions Options(const std::string& pipeline, uint32_t server_id,
                           const std::vector<std::string>& tables,
                           SnapshotMode snapshot = SnapshotMode::kInitial);

}  // namespace cdc::mysql::testing
