// PostgresSource: the core::Source for PostgreSQL logical replication
// (pgoutput). Prepare checks prerequisites and the publication; Run takes the
// initial snapshot when due (exported from the slot, or redone after a crash)
// and then streams, reconnecting with backoff. Threads as core::Source says:
// Prepare/Run on the reader thread, Confirm/Progress from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/postgres/heartbeat.h"
#include "core/metrics/metrics.h"
#include "core/pipeline/mapping.h"
#include "core/pipeline/source.h"
#include "core/state/state_store.h"

namespace cdc::pg {

enum class SnapshotMode {
  kInitial,      // snapshot once (when the slot is new or a snapshot was interrupted), then stream
  kNever,        // stream only, from the slot's position
  kInitialOnly,  // snapshot, then stop; no slot is created (nothing left pinning WAL)
};

// "initial" | "never" | "initial_only"; false on anything else.
bool ParseSnapshotMode(const std::string& text, SnapshotMode& mode);

struct PostgresSourceOptions {
  std::string pipeline;
  std::string dsn;          // libpq conninfo or URI
  std::string slot;         // logical slot (lower case, digits, '_')
  std::string publication;  // created FOR TABLE the mapped tables when missing
  SnapshotMode snapshot = SnapshotMode::kInitial;
  std::vector<core::Mapping::TableNeeds> tables;
  int status_interval_ms = 10000;  // standby status updates at least this often
  HeartbeatOptions heartbeat;
  // `run --resnapshot`: read the snapshot again before streaming; a missing
  // slot may then be created although the state store has a history.
  bool resnapshot = false;
};

// State store key of the snapshot: "pending" while one is due, "done" once
// its final TxEnd was confirmed.
inline constexpr const char* kSnapshotStateKey = "postgres.snapshot";
// State store key written when this pipeline creates its slot (its LSN): with
// it, a missing slot means failover or a dropped slot, never "first start".
inline constexpr const char* kSlotStateKey = "postgres.slot_created";

std::unique_ptr<core::Source> MakePostgresSource(const PostgresSourceOptions& options,
                                                 core::StateStore& state, core::Metrics& metrics);

}  // namespace cdc::pg
