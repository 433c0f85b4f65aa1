// PostgresSource internals, shared by postgres_source.cpp (lifecycle,
// snapshot, Confirm/Progress) and postgres_source_stream.cpp (the streaming
// loop). Private to this folder: include postgres_source.h instead.
#pragma once

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connectors/postgres/change_builder.h"
#include "connectors/postgres/pgoutput_decoder.h"
#include "connectors/postgres/postgres_checks.h"
#include "connectors/postgres/postgres_source.h"
#include "connectors/postgres/relation_cache.h"
#include "connectors/postgres/replication_stream.h"
#include "connectors/postgres/snapshot.h"

namespace cdc::pg {

class PostgresSource final : public core::Source {
 public:
  // How long a dry socket is waited on before a partial chunk is handed over.
  static constexpr std::chrono::milliseconds kBriefWait{1};

  PostgresSource(PostgresSourceOptions options, core::StateStore& state, core::Metrics& metrics);
  ~PostgresSource() override;
  PostgresSource(const PostgresSource&) = delete;
  PostgresSource& operator=(const PostgresSource&) = delete;

  core::Status Prepare() override;
  core::Status Run(core::ChangeWriter& out, const std::atomic<bool>& stop) override;
  void Confirm(const core::Position& position) override;
  core::SourceProgress Progress() const override;
  void Shutdown() override;

 private:
  core::Status RunOnce(core::ChangeWriter& out, const std::atomic<bool>& stop);
  // `lsn` is the rows' position; 0: the WAL position the snapshot reads (no slot).
  core::Status RunSnapshot(core::ChangeWriter& out, const std::atomic<bool>& stop,
                           const std::string& exported, uint64_t lsn);
  core::Status StreamLoop(ReplicationStream& stream, core::ChangeWriter& out, const std::atomic<bool>& stop);
  // Waits for the next message when the socket ran dry: briefly, then (after
  // handing over the partial chunk and marking the reader idle) until a
  // message, a wake-up or 250 ms. kNone when nothing came.
  core::Result<StreamMessage> WaitForMessage(ReplicationStream& stream, core::ChangeWriter& out);
  core::Status Handle(const PgoutputMessage& message, uint64_t lsn, core::ChangeWriter& out);
  core::Status EmitChange(core::Result<core::RowChange> change, uint32_t relation_oid, const TupleData& tuple,
                          core::ChangeWriter& out);
  void Emit(core::SourceEvent event, core::ChangeWriter& out);
  core::Status DeadLetter(const core::Error& error, const std::string& payload);
  // Moves what Confirm() recorded into the stream and sends a due status update.
  core::Status SyncStatus(ReplicationStream& stream);
  void NoteKeepalive(uint64_t wal_end);
  // Whether the state store shows this pipeline streamed from a slot before.
  core::Result<bool> HasSlotHistory();
  core::Error MissingSlotError() const;
  bool Snapshots() const { return options_.snapshot == SnapshotMode::kInitial || options_.resnapshot; }

  const PostgresSourceOptions options_;
  core::StateStore& state_;
  std::shared_ptr<spdlog::logger> log_;
  core::Metrics& metrics_;
  core::Series& bad_rows_metric_;
  const int wake_fd_;

  // Reader thread only.
  std::vector<TableDescription> tables_;
  TypeResolver types_;
  RelationCache relations_;
  PgoutputDecoder decoder_;
  std::optional<ChangeBuilder> builder_;
  bool snapshot_emitted_ = false;
  uint64_t tx_final_lsn_ = 0;
  int64_t tx_commit_time_us_ = 0;
  uint32_t tx_xid_ = 0;
  uint32_t tx_index_ = 0;
  bool closed_ = false;  // the pipeline closed its queue: stop reading
  bool dirty_ = false;   // events emitted since the last Flush()
  bool streaming_ = false;        // the last RunOnce reached START_REPLICATION
  bool may_create_slot_ = false;  // a missing slot may be created (first start or --resnapshot)
  Heartbeat heartbeat_;
  // After a graceful stop the connection stays open, unread, until Shutdown:
  // what the drain acknowledges is then confirmed to the slot on it.
  std::unique_ptr<ReplicationStream> parked_stream_;

  // Shared with Confirm/Progress.
  mutable std::mutex mu_;
  bool snapshot_pending_ = false;               // state says a snapshot is due / not yet confirmed
  std::optional<core::Position> snapshot_end_;  // TxEnd emitted after the last snapshot row
  bool snapshot_finished_ = false;              // read completely (or not due)
  core::Position last_emitted_;                 // latest TxEnd emitted
  core::Position confirmed_pos_;                // latest position confirmed by the pipeline
  uint64_t confirmed_lsn_ = 0;                  // flush LSN to report
  uint64_t sent_lsn_ = 0;                       // flush LSN the server was told
  uint64_t received_lsn_ = 0;
  uint64_t server_wal_end_ = 0;
  // The server's WAL flush position when streaming started: the backlog a
  // "caught up" must have read past (the walsender sends nothing of a big
  // transaction until it has decoded all of it).
  uint64_t catch_up_lsn_ = 0;
  bool in_tx_ = false;
  bool idle_ = false;  // the socket had nothing more to read
  int64_t last_commit_time_us_ = 0;
  bool connected_ = false;     // a session is reading (snapshot or stream)
  bool snapshotting_ = false;  // RunSnapshot is reading rows
  std::vector<core::SnapshotTableProgress> snapshot_tables_;
  size_t snapshot_table_ = 0;  // index into snapshot_tables_ being read
  uint64_t snapshot_rows_ = 0, snapshot_estimate_ = 0, reconnects_ = 0;
  // initial_only: the snapshot transaction, begun on its own connection while
  // Prepare reads the catalog (connecting and a fresh backend's first
  // statements are otherwise serial start-up). Taken once by RunSnapshot.
  std::future<core::Result<std::unique_ptr<Snapshot>>> early_snapshot_;
};

}  // namespace cdc::pg
