#include "connectors/postgres/postgres_source.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "connectors/postgres/postgres_source_impl.h"
#include "connectors/postgres/slot_admin.h"
#include "connectors/postgres/snapshot.h"
#include "core/log/log.h"

namespace cdc::pg {
namespace {

using core::Error;
using core::ErrorKind;
using core::Fail;
using core::Position;
using core::SourceKind;
using Clock = std::chrono::steady_clock;

// The LSN a confirmed position lets the slot release. A streamed TxEnd carries
// the commit record's end in `change` (see Handle in postgres_source_stream.cpp): confirming the end,
// not the commit LSN, is what keeps the server from replaying it.
uint64_t FlushLsnOf(const Position& p) { return std::max(p.commit, p.change); }

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool ParseSnapshotMode(const std::string& text, SnapshotMode& mode) {
  if (text == "initial")
    mode = SnapshotMode::kInitial;
  else if (text == "never")
    mode = SnapshotMode::kNever;
  else if (text == "initial_only")
    mode = SnapshotMode::kInitialOnly;
  else
    return false;
  return true;
}

PostgresSource::PostgresSource(PostgresSourceOptions options, core::StateStore& state, core::Metrics& metrics)
    : options_(std::move(options)),
      state_(state),
      log_(core::Logger("postgres")),
      metrics_(metrics),
      bad_rows_metric_(metrics.Counter("instasent_cdc_source_bad_rows_total",
                                       "Rows with a value their type cannot have (dead-lettered)",
                                       {{"pipeline", options_.pipeline}})),
      wake_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      heartbeat_(options_.dsn, options_.heartbeat, options_.publication, options_.tables, log_) {}

PostgresSource::~PostgresSource() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

core::Status PostgresSource::Prepare() {
  if (options_.snapshot == SnapshotMode::kInitialOnly && !early_snapshot_.valid()) {
    // No slot to wait for: any moment is a consistent point for the rows.
    try {
      early_snapshot_ = std::async(std::launch::async, [dsn = options_.dsn] { return Snapshot::Begin(dsn, ""); });
    } catch (const std::system_error&) {
      // No thread for it: RunSnapshot begins the transaction itself.
    }
  }
  auto admin = SlotAdmin::Connect(options_.dsn);
  if (!admin) {
    // At startup any connection failure is the operator's to fix (exit 2);
    // once running, a lost connection is retried with backoff instead.
    core::Error e = admin.error();
    e.kind = ErrorKind::kConfig;
    return Fail(std::move(e));
  }
  std::vector<std::string> problems;
  auto wal_level = (*admin)->WalLevel();
  if (!wal_level) return Fail(wal_level.error());
  problems = CheckWalLevel(*wal_level);

  std::vector<std::string> names;
  for (const auto& t : options_.tables) names.push_back(t.table);
  auto tables = (*admin)->DescribeTables(names);
  if (!tables) return Fail(tables.error());
  for (auto& p : CheckTables(options_.tables, *tables)) problems.push_back(std::move(p));
  if (!problems.empty()) {
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "; ") + p;
    return Fail(Error::Config(message));
  }
  tables_ = std::move(*tables);
  // Streamed changes keep the real key even under REPLICA IDENTITY FULL.
  for (const auto& t : tables_) {
    if (!t.primary_key.empty()) relations_.SetPrimaryKey(t.oid, t.primary_key);
  }
  if (auto st = (*admin)->LoadUserTypes(types_); !st) return Fail(st.error());
  builder_.emplace(relations_, types_);

  if (options_.snapshot == SnapshotMode::kInitialOnly) {
    std::lock_guard lock(mu_);
    snapshot_pending_ = true;
    return {};
  }
  if (auto st = (*admin)->EnsurePublication(options_.publication, options_.tables); !st)
    return Fail(st.error());
  auto slot = (*admin)->Slot(options_.slot);  // lost / foreign slots fail here
  if (!slot) return Fail(slot.error());
  auto state = state_.Get(kSnapshotStateKey);
  if (!state) return Fail(state.error());
  if (!slot->has_value()) {
    auto history = HasSlotHistory();
    if (!history) return Fail(history.error());
    if (*history && !options_.resnapshot) return Fail(MissingSlotError());
    may_create_slot_ = true;
  }
  if (options_.resnapshot) {
    if (auto st = state_.Put(kSnapshotStateKey, "pending"); !st) return Fail(st.error());
    log_->warn("--resnapshot: the mapped tables are read again before streaming");
    state = std::optional<std::string>("pending");
  }
  std::lock_guard lock(mu_);
  // No slot yet: Run creates it and snapshots (when the mode asks for one).
  snapshot_pending_ = Snapshots() && (!slot->has_value() || state->value_or("") != "done");
  if (slot->has_value()) {
    confirmed_lsn_ = sent_lsn_ = (*slot)->confirmed_flush_lsn;
    log_->info("slot {} at {} (wal_status {}), snapshot {}", options_.slot, core::FormatLsn(confirmed_lsn_),
               (*slot)->wal_status, snapshot_pending_ ? "to redo" : "not due");
  }
  return {};
}

core::Status PostgresSource::Run(core::ChangeWriter& out, const std::atomic<bool>& stop) {
  auto backoff = std::chrono::milliseconds(200);
  for (;;) {
    if (stop.load()) return {};
    auto started = Clock::now();
    core::Status st = RunOnce(out, stop);
    {
      std::lock_guard lock(mu_);
      connected_ = false;
    }
    if (st || st.error().kind != ErrorKind::kRetryable) return st;
    if (Clock::now() - started > std::chrono::seconds(30)) backoff = std::chrono::milliseconds(200);
    // connection_lost: the stream was running (restart, terminated backend,
    // network); connect_failed: the server is not (yet) reachable again.
    const char* reason = streaming_ ? "connection_lost" : "connect_failed";
    log_->warn("{}; reconnecting in {} ms", st.error().Describe(), backoff.count());
    {
      std::lock_guard lock(mu_);
      ++reconnects_;
      in_tx_ = false;
      idle_ = false;
    }
    metrics_
        .Counter("instasent_cdc_source_reconnects_total", "Reconnections to the source, by what went wrong",
                 {{"pipeline", options_.pipeline}, {"reason", reason}})
        .Add();
    auto until = Clock::now() + backoff;
    while (!stop.load() && Clock::now() < until) {
      out.Flush();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
  }
}

core::Status PostgresSource::RunOnce(core::ChangeWriter& out, const std::atomic<bool>& stop) {
  if (options_.snapshot == SnapshotMode::kInitialOnly) {
    if (snapshot_emitted_) return {};
    // No slot: the rows' position is the WAL position the snapshot itself reads.
    auto st = RunSnapshot(out, stop, "", /*lsn=*/0);
    std::lock_guard lock(mu_);
    snapshot_finished_ = snapshot_emitted_;
    return st;
  }

  streaming_ = false;
  auto admin = SlotAdmin::Connect(options_.dsn);
  if (!admin) return Fail(admin.error());
  auto slot = (*admin)->Slot(options_.slot);
  if (!slot) return Fail(slot.error());
  admin->reset();
  // The slot vanished since we started (failover to a server without it, or
  // dropped): a new one would silently skip everything in between.
  if (!slot->has_value() && !may_create_slot_) return Fail(MissingSlotError());

  auto stream = ReplicationStream::Connect(options_.dsn);
  if (!stream) return Fail(stream.error());
  (*stream)->set_status_interval(std::chrono::milliseconds(options_.status_interval_ms));
  auto system = (*stream)->IdentifySystem();
  if (!system) return Fail(system.error());
  if (system->dbname.empty()) {
    return Fail(Error::Config("the replication connection is not bound to a database (dsn needs dbname)"));
  }
  log_->debug("server {} timeline {} at {}", system->system_id, system->timeline,
              core::FormatLsn(system->xlog_pos));
  {
    std::lock_guard lock(mu_);
    catch_up_lsn_ = system->xlog_pos;
    connected_ = true;
  }
  uint64_t start_lsn = 0;
  bool pending;
  {
    std::lock_guard lock(mu_);
    pending = snapshot_pending_ && !snapshot_emitted_;
  }
  if (!slot->has_value()) {
    bool snapshot = Snapshots();
    auto created = (*stream)->CreateSlot(options_.slot, snapshot);
    if (!created) return Fail(created.error());
    may_create_slot_ = false;
    if (auto st = state_.Put(kSlotStateKey, core::FormatLsn(created->consistent_point)); !st) return Fail(st.error());
    log_->info("created replication slot {} at {}", options_.slot,
               core::FormatLsn(created->consistent_point));
    start_lsn = created->consistent_point;
    {
      std::lock_guard lock(mu_);
      confirmed_lsn_ = std::max(confirmed_lsn_, start_lsn);
    }
    if (snapshot) {
      // A new slot has no history with us: whatever the state said, snapshot.
      if (auto st = state_.Put(kSnapshotStateKey, "pending"); !st) return Fail(st.error());
      {
        std::lock_guard lock(mu_);
        snapshot_pending_ = true;
      }
      // The exported snapshot lives while the replication connection stays idle.
      if (auto st = RunSnapshot(out, stop, created->snapshot_name, start_lsn); !st) return st;
      if (!snapshot_emitted_) return {};  // stopped, or the pipeline closed
    }
  } else {
    start_lsn = (*slot)->confirmed_flush_lsn;
    if (pending) {
      // Interrupted snapshot: read again in a fresh transaction; the stream
      // replays everything since the slot's position, deletes included.
      log_->info("redoing the interrupted snapshot from slot position {}", core::FormatLsn(start_lsn));
      if (auto st = RunSnapshot(out, stop, "", start_lsn); !st) return st;
      if (!snapshot_emitted_) return {};
    }
  }
  if (stop.load()) return {};
  {
    std::lock_guard lock(mu_);
    snapshot_finished_ = true;
    start_lsn = std::max(start_lsn, confirmed_lsn_);
  }
  if (auto st = (*stream)->Start(options_.slot, start_lsn, options_.publication); !st) return st;
  streaming_ = true;
  heartbeat_.Reset();
  log_->info("streaming from slot {} at {}", options_.slot, core::FormatLsn(start_lsn));
  auto st = StreamLoop(**stream, out, stop);
  if (st && stop.load()) parked_stream_ = std::move(*stream);
  return st;
}

core::Result<bool> PostgresSource::HasSlotHistory() {
  // Not checkpoint.acknowledged: `initial_only` runs write it without a slot.
  for (const char* key : {kSlotStateKey, kSnapshotStateKey}) {
    auto value = state_.Get(key);
    if (!value) return Fail(value.error());
    if (value->has_value()) return true;
  }
  return false;
}

core::Error PostgresSource::MissingSlotError() const {
  return Error::Fatal("replication slot " + options_.slot +
                      " does not exist on this server, but this pipeline has streamed from it before (state "
                      "store): a failover to a server without the slot, or the slot was dropped. A new slot "
                      "would skip every change since the last confirmed position, so nothing is done. To start "
                      "over on this server with a full snapshot: instasent-cdc run --resnapshot -c CONFIG");
}

core::Status PostgresSource::DeadLetter(const core::Error& error, const std::string& payload) {
  bad_rows_metric_.Add();
  log_->warn("row dead-lettered: {}", error.Describe());
  core::DeadLetter letter;
  letter.pipeline = options_.pipeline;
  letter.destination = "source";
  letter.kind = "row";
  letter.table = error.table;
  letter.payload = payload;
  letter.reason = error.message;
  letter.position = error.position;
  letter.created_at_ms = NowMs();
  return state_.PutDeadLetter(letter);
}

void PostgresSource::Confirm(const Position& position) {
  bool mark_done = false;
  {
    std::lock_guard lock(mu_);
    if (confirmed_pos_ < position) confirmed_pos_ = position;
    confirmed_lsn_ = std::max(confirmed_lsn_, FlushLsnOf(position));
    mark_done = snapshot_pending_ && snapshot_end_ && *snapshot_end_ <= position &&
                options_.snapshot != SnapshotMode::kInitialOnly;
    if (options_.snapshot == SnapshotMode::kInitialOnly && snapshot_end_ && *snapshot_end_ <= position) {
      snapshot_pending_ = false;
    }
  }
  if (mark_done) {
    if (auto st = state_.Put(kSnapshotStateKey, "done"); st) {
      std::lock_guard lock(mu_);
      snapshot_pending_ = false;
      log_->info("snapshot confirmed");
    } else {
      log_->error("cannot record the snapshot as done: {}", st.error().Describe());
    }
  }
  if (wake_fd_ >= 0) (void)eventfd_write(wake_fd_, 1);
}

void PostgresSource::Shutdown() {
  if (!parked_stream_) return;
  uint64_t lsn;
  {
    std::lock_guard lock(mu_);
    lsn = confirmed_lsn_;
  }
  parked_stream_->SetConfirmed(lsn);
  if (auto st = parked_stream_->SendFinalStatus(); st) {
    std::lock_guard lock(mu_);
    sent_lsn_ = std::max(sent_lsn_, parked_stream_->last_sent());
    log_->info("confirmed {} to slot {}", core::FormatLsn(lsn), options_.slot);
  } else {
    // Not lost: the slot keeps its earlier position and the rest is sent again.
    log_->warn("could not confirm {} to slot {} at shutdown: {}", core::FormatLsn(lsn), options_.slot,
               st.error().Describe());
  }
  parked_stream_.reset();
}

core::SourceProgress PostgresSource::Progress() const {
  std::lock_guard lock(mu_);
  core::SourceProgress p;
  p.connected = connected_;
  p.snapshotting = snapshotting_;
  bool all_confirmed = last_emitted_ <= confirmed_pos_ && !snapshot_pending_;
  const bool backlog_read = std::max(server_wal_end_, confirmed_lsn_) >= catch_up_lsn_;
  p.caught_up = snapshot_finished_ &&
                (options_.snapshot == SnapshotMode::kInitialOnly || (idle_ && !in_tx_ && backlog_read));
  p.confirmed_all = options_.snapshot == SnapshotMode::kInitialOnly
                        ? all_confirmed
                        : all_confirmed && sent_lsn_ >= confirmed_lsn_;
  p.received = core::FormatLsn(received_lsn_);
  p.confirmed = core::FormatLsn(sent_lsn_);
  p.lag_bytes = server_wal_end_ >= sent_lsn_ && server_wal_end_ != 0
                    ? static_cast<int64_t>(server_wal_end_ - sent_lsn_)
                    : -1;
  p.last_commit_time_us = last_commit_time_us_;
  p.snapshot_rows = snapshot_rows_;
  p.snapshot_rows_estimate = snapshot_estimate_;
  p.snapshot_tables = snapshot_tables_;
  p.reconnects = reconnects_;
  return p;
}

std::unique_ptr<core::Source> MakePostgresSource(const PostgresSourceOptions& options,
                                                 core::StateStore& state, core::Metrics& metrics) {
  return std::make_unique<PostgresSource>(options, state, metrics);
}

}  // namespace cdc::pg
