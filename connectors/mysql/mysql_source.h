// MysqlSource: the core::Source for the MySQL/MariaDB binlog. Prepare runs
// the startup checks; Run takes the initial snapshot when due, then streams
// from the stored position (or the snapshot's, or the current end), following
// rotations and reconnecting with backoff from the last completed transaction.
// Confirm stores the resume point (binlog file + offset + GTID state) of a
// TxEnd in the state store under kPositionStateKey: that write is the
// confirmation. Threads as core::Source says.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/metrics/metrics.h"
#include "core/pipeline/mapping.h"
#include "core/pipeline/source.h"
#include "core/state/state_store.h"

namespace cdc::mysql {

enum class SnapshotMode {
  kInitial,      // snapshot when no position is stored yet, then stream
  kNever,        // stream only, from the stored position or the current end of the binlog
  kInitialOnly,  // snapshot when no position is stored yet, then stop
};

// "initial" | "never" | "initial_only"; false on anything else.
bool ParseSnapshotMode(const std::string& text, SnapshotMode& mode);

struct MysqlSourceOptions {
  std::string pipeline;
  std::string dsn;  // mysql://user:pass@host:port/db[?socket=/path&ssl-ca=...]
  uint32_t server_id = 5701;
  SnapshotMode snapshot = SnapshotMode::kInitial;
  std::vector<core::Mapping::TableNeeds> tables;  // "db.table", or "table" in the DSN database
  int heartbeat_ms = 1000;
};

// JSON {"file":"binlog.000003","offset":1234,"gtid":"0-1-42","server":"mariadb"}.
inline constexpr const char* kPositionStateKey = "mysql.position";

// The name the source registers with (SHOW SLAVE HOSTS), "instasent-cdc:<pipeline>";
// pass it as CheckOptions::replica_name so a check run beside a running
// pipeline does not take its registration for another replica's.
std::string ReplicaName(const std::string& pipeline);

std::unique_ptr<core::Source> MakeMysqlSource(const MysqlSourceOptions& options,
                                              core::StateStore& state, core::Metrics& metrics);

}  // namespace cdc::mysql
