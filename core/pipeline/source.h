// Source: a database change stream (connectors/ implement it).
// Threads: Prepare and Run are called on the source reader thread; Confirm
// and Progress may be called from any thread at any time.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/position.h"
#include "core/model/result.h"
#include "core/pipeline/change_writer.h"

namespace cdc::core {

struct SnapshotTableProgress {
  std::string table;  // schema.table / database.table
  uint64_t rows = 0;
  uint64_t estimate = 0;  // from the database's statistics; 0 = unknown
};

struct SourceProgress {
  bool connected = false;         // reading the database now (snapshot or stream), not reconnecting
  bool snapshotting = false;      // the initial snapshot is being read
  bool caught_up = false;         // nothing more to read right now (snapshot done)
  bool confirmed_all = false;     // every emitted TxEnd was confirmed to the server/state
  std::string received;           // latest position read, source text form
  std::string confirmed;          // latest position confirmed/stored
  int64_t lag_bytes = -1;         // -1 = unknown
  int64_t last_commit_time_us = 0;
  uint64_t snapshot_rows = 0;     // rows read by the initial snapshot so far
  uint64_t snapshot_rows_estimate = 0;
  std::vector<SnapshotTableProgress> snapshot_tables;  // per table, in snapshot order
  uint64_t reconnects = 0;
};

class Source {
 public:
  virtual ~Source() = default;

  // Connects and checks prerequisites (slot, publication, binlog settings,
  // tables). Configuration problems are kConfig: the process exits 2.
  virtual Status Prepare() = 0;

  // Emits the initial snapshot (if due) then streams changes, in source order,
  // ending each transaction with a TxEnd. Returns ok when `stop` is set, or an
  // error the source could not recover from.
  virtual Status Run(ChangeWriter& out, const std::atomic<bool>& stop) = 0;

  // Everything up to and including `position` (a TxEnd position) has been
  // acknowledged: confirm it to the server (slot flush) or store it.
  virtual void Confirm(const Position& position) = 0;

  virtual SourceProgress Progress() const = 0;

  // Called once after Run has returned and the final Confirm was made (a
  // graceful stop): deliver that confirmation (e.g. a last standby status
  // update) and close connections.
  virtual void Shutdown() {}
};

}  // namespace cdc::core
