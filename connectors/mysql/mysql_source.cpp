#include "connectors/mysql/mysql_source.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>


#include "connectors/mysql/binlog_stream.h"
#include "connectors/mysql/binlog_stream_state.h"
#include "connectors/mysql/event_decoder.h"
#include "connectors/mysql/mysql_checks.h"
#include "connectors/mysql/mysql_connection.h"
#include "connectors/mysql/mysql_source_catalog.h"
#include "connectors/mysql/mysql_source_position.h"
#include "connectors/mysql/read_columns.h"
#include "connectors/mysql/snapshot.h"
#include "core/log/log.h"

namespace cdc::mysql {

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kProgressRows = 1024;
// How often an empty socket between transactions may ask the server where the
// binlog ends (a reader faster than the dump thread sees an empty socket often).
constexpr auto kEndCheckInterval = std::chrono::milliseconds(20);

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Sleeps `delay` in small steps so a stop request is seen promptly; false if stopped.
bool Backoff(const std::atomic<bool>& stop, std::chrono::milliseconds delay) {
  auto until = Clock::now() + delay;
  while (Clock::now() < until) {
    if (stop.load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !stop.load();
}

class MysqlSource final : public core::Source {
 public:
  MysqlSource(const MysqlSourceOptions& options, core::StateStore& state, core::Metrics& metrics)
      : options_(options),
        state_(state),
        log_(core::Logger("mysql")),
        reconnects_metric_(metrics.Counter("instasent_cdc_source_reconnects_total",
                                           "Reconnections to the source, by what went wrong",
                                           {{"pipeline", options.pipeline}, {"reason", "connection_lost"}})),
        replica_name_(ReplicaName(options.pipeline)) {}

  core::Status Prepare() override;
  core::Status Run(core::ChangeWriter& out, const std::atomic<bool>& stop) override;
  void Confirm(const core::Position& position) override;
  core::SourceProgress Progress() const override;

 private:
  core::Result<std::optional<BinlogPoint>> LoadStoredPoint();
  // Catalog facts the binlog lacks: names, signedness, ENUM/SET values (MINIMAL
  // metadata) and MariaDB's JSON columns. Read at start and after DDL.
  core::Status LoadCatalog(MysqlConnection& conn);
  bool needs_catalog() const { return names_from_catalog_ || mariadb_; }
  void MarkJson(core::RowChange& change) const;
  core::Result<BinlogPoint> CurrentEnd();
  core::Status StorePoint(const BinlogPoint& point);
  // Emits the snapshot; nullopt when stopped before it completed.
  core::Result<std::optional<BinlogPoint>> RunSnapshot(core::ChangeWriter& out,
                                                       const std::atomic<bool>& stop);
  core::Status Stream(core::ChangeWriter& out, const std::atomic<bool>& stop, BinlogPoint start);
  void OnDdl();
  // True when the binlog ends where `state` stands (SHOW MASTER STATUS on a
  // side connection): caught up now, without waiting for the heartbeat the
  // server sends after a period of silence. Asked at most every
  // kEndCheckInterval, only between transactions with nothing more buffered;
  // sooner than that it first waits that long for more bytes, so the last
  // transaction of a backlog is never left to the heartbeat.
  bool AtBinlogEnd(BinlogStream& stream, const BinlogStreamState& state);
  void PushTokens(std::vector<ResumeToken>& tokens);

  const MysqlSourceOptions options_;
  core::StateStore& state_;
  std::shared_ptr<spdlog::logger> log_;
  core::Series& reconnects_metric_;
  const std::string replica_name_;

  MysqlDsn dsn_;
  bool mariadb_ = false;
  bool names_from_catalog_ = false;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> json_columns_;
  std::optional<BinlogPoint> stored_;
  std::vector<std::pair<std::string, std::string>> tables_;  // (database, table), config order
  std::set<std::pair<std::string, std::string>> mapped_;
  ReadColumns read_columns_;  // what the mappings read: decoded and selected, nothing else
  EventDecoder decoder_;
  std::unique_ptr<MysqlConnection> end_conn_;  // for AtBinlogEnd; reading thread only
  bool end_check_failed_ = false;              // no side connection: heartbeats only
  Clock::time_point last_end_check_{};

  std::mutex confirm_mu_;  // serialises state store writes of Confirm
  mutable std::mutex mu_;  // guards everything below
  std::deque<ResumeToken> tokens_;
  core::SourceProgress progress_;
};

bool IsRetryable(const core::Error& e) { return e.kind == core::ErrorKind::kRetryable; }

core::Status MysqlSource::Prepare() {
  auto dsn = MysqlDsn::Parse(options_.dsn);
  if (!dsn) return core::Fail(dsn.error());
  dsn_ = *dsn;
  read_columns_ = ReadColumns(options_.tables, dsn_.database);
  for (const auto& t : options_.tables) {
    std::string db, table;
    SplitTableName(t.table, dsn_.database, db, table);
    if (mapped_.insert({db, table}).second) tables_.emplace_back(db, table);
  }
  auto stored = LoadStoredPoint();
  if (!stored) return core::Fail(stored.error());
  stored_ = *stored;

  auto conn = MysqlConnection::Connect(dsn_);
  if (!conn) return core::Fail(conn.error());
  CheckOptions check;
  check.server_id = options_.server_id;
  check.replica_name = replica_name_;
  check.tables = options_.tables;
  check.default_database = dsn_.database;
  check.needs_snapshot = !stored_ && options_.snapshot != SnapshotMode::kNever;
  auto report = RunChecks(**conn, check);
  if (!report) return core::Fail(report.error());
  for (const auto& w : report->warnings) log_->warn("{}", w);
  mariadb_ = report->is_mariadb;
  names_from_catalog_ = !report->row_metadata_full;
  if (needs_catalog()) {
    if (auto s = LoadCatalog(**conn); !s) return s;
  }
  if (stored_) {
    if (auto s = CheckNotPurged(**conn, *stored_); !s) return s;
    std::lock_guard lock(mu_);
    progress_.confirmed = progress_.received = PointText(*stored_);
  }
  decoder_.SetRowFilter([this](const TableMap& map) { return mapped_.count({map.database, map.table}) > 0; });
  decoder_.SetColumnFilter([this](const core::TableSchema& schema) { return read_columns_.Flags(schema); });
  log_->info("MySQL source ready: {} ({}), server_id {}, {}", dsn_.Redacted(), report->server_version,
             options_.server_id, stored_ ? "resuming at " + PointText(*stored_) : "no stored position");
  return {};
}

core::Result<std::optional<BinlogPoint>> MysqlSource::LoadStoredPoint() {
  auto value = state_.Get(kPositionStateKey);
  if (!value) return core::Fail(value.error());
  return PointFromJson(*value);
}

core::Status MysqlSource::LoadCatalog(MysqlConnection& conn) {
  for (const auto& [db, table] : tables_) {
    if (names_from_catalog_) {
      // binlog_row_metadata=MINIMAL: table maps carry no names, signedness or
      // ENUM/SET values.
      auto columns = ReadCatalogColumns(conn, db, table);
      if (!columns) return core::Fail(columns.error());
      ApplyCatalogColumns(decoder_.table_maps(), db, table, std::move(*columns));
    }
    if (mariadb_) {
      // MariaDB JSON is LONGTEXT in the binlog and in result sets alike.
      auto json = ReadJsonColumns(conn, db, table);
      if (!json) {
        // Servers before information_schema.CHECK_CONSTRAINTS (10.3.10): JSON stays text.
        log_->warn("cannot read the JSON columns of {}.{}; they arrive as text: {}", db, table,
                   json.error().message);
        continue;
      }
      if (json->empty()) {
        json_columns_.erase({db, table});
      } else {
        json_columns_[{db, table}] = std::move(*json);
      }
    }
  }
  return {};
}

void MysqlSource::MarkJson(core::RowChange& change) const {
  if (json_columns_.empty() || !change.table) return;
  auto it = json_columns_.find({change.table->schema, change.table->name});
  if (it != json_columns_.end()) MarkJsonColumns(change, it->second);
}

core::Result<BinlogPoint> MysqlSource::CurrentEnd() {
  auto conn = MysqlConnection::Connect(dsn_);
  if (!conn) return core::Fail(conn.error());
  return CurrentBinlogEnd(**conn, mariadb_);
}

core::Status MysqlSource::StorePoint(const BinlogPoint& point) {
  return state_.Put(kPositionStateKey, PointToJson(point, mariadb_));
}

core::Status MysqlSource::Run(core::ChangeWriter& out, const std::atomic<bool>& stop) {
  std::optional<BinlogPoint> start = stored_;
  if (!start) {
    if (options_.snapshot == SnapshotMode::kNever) {
      auto end = CurrentEnd();
      if (!end) return core::Fail(end.error());
      // Stored at once: a restart before any change must not skip what came since.
      if (auto s = StorePoint(*end); !s) return s;
      start = *end;
      std::lock_guard lock(mu_);
      progress_.confirmed = PointText(*end);
    } else {
      auto point = RunSnapshot(out, stop);
      {
        std::lock_guard lock(mu_);
        progress_.snapshotting = progress_.connected = false;
      }
      if (!point) return core::Fail(point.error());
      if (!*point) return {};
      start = **point;
    }
  }
  if (options_.snapshot == SnapshotMode::kInitialOnly) {
    out.Flush();
    std::lock_guard lock(mu_);
    progress_.caught_up = true;
    return {};
  }
  return Stream(out, stop, *start);
}

core::Result<std::optional<BinlogPoint>> MysqlSource::RunSnapshot(core::ChangeWriter& out,
                                                                  const std::atomic<bool>& stop) {
  auto conn = MysqlConnection::Connect(dsn_);
  if (!conn) return core::Fail(conn.error());
  auto snapshot = Snapshot::Begin(std::move(*conn));
  if (!snapshot) return core::Fail(snapshot.error());
  const BinlogPoint point = (*snapshot)->point();
  uint64_t estimate = 0;
  std::vector<core::SnapshotTableProgress> per_table;
  for (const auto& [db, table] : tables_) {
    per_table.push_back({db + "." + table, 0, (*snapshot)->EstimateRows(db, table)});
    estimate += per_table.back().estimate;
  }
  {
    std::lock_guard lock(mu_);
    progress_.snapshot_tables = std::move(per_table);
    progress_.snapshot_rows_estimate = estimate;
    progress_.received = PointText(point);
    progress_.snapshotting = progress_.connected = true;
  }
  log_->info("snapshot of {} table(s) at {} (about {} rows)", tables_.size(), PointText(point), estimate);
  const uint64_t commit = PackPosition(point.file, point.offset);
  uint64_t total = 0;
  bool open = true;
  size_t table_index = 0;
  for (const auto& [db, table] : tables_) {
    uint32_t index = 0;
    const size_t this_table = table_index++;
    uint64_t unpublished = 0;
    auto publish = [&] {
      std::lock_guard lock(mu_);
      progress_.snapshot_rows += unpublished;
      if (this_table < progress_.snapshot_tables.size()) {
        progress_.snapshot_tables[this_table].rows += unpublished;
      }
      unpublished = 0;
    };
    const std::set<std::string>& columns = read_columns_.Of(db, table);
    auto read = (*snapshot)->ReadTable(db, table, [&](const std::shared_ptr<const core::TableSchema>& schema,
                                                      std::vector<core::Value>&& values) {
      core::RowChange c;
      c.op = core::Op::kSnapshot;
      c.table = schema;
      c.after = std::move(values);
      MarkJson(c);
      // change 0 keeps every snapshot row before the snapshot's TxEnd (change = offset).
      c.position = core::Position{core::SourceKind::kMysql, commit, 0, index++};
      c.commit_time_us = NowMicros();
      // Progress is published every kProgressRows rows, not under a lock per row.
      if (++unpublished == kProgressRows) publish();
      open = !stop.load() && out.Emit(std::move(c));
      return open;
    }, columns);
    publish();
    if (!read) return core::Fail(read.error());
    total += *read;
    if (!open) return std::optional<BinlogPoint>();
    log_->info("snapshot of {}.{}: {} rows", db, table, *read);
  }
  if (auto s = (*snapshot)->Finish(); !s) return core::Fail(s.error());
  std::vector<ResumeToken> tokens{ResumeToken{commit, point}};
  PushTokens(tokens);
  core::TxEnd end{core::Position{core::SourceKind::kMysql, commit, commit, 0}, NowMicros()};
  if (!out.Emit(end) || !out.Emit(core::SnapshotDone{total}) || !out.Flush()) {
    return std::optional<BinlogPoint>();
  }
  log_->info("snapshot done: {} rows; streaming from {}", total, PointText(point));
  return std::optional<BinlogPoint>(point);
}

void MysqlSource::PushTokens(std::vector<ResumeToken>& tokens) {
  if (tokens.empty()) return;
  std::lock_guard lock(mu_);
  for (auto& t : tokens) tokens_.push_back(std::move(t));
  progress_.confirmed_all = false;
  tokens.clear();
}

bool MysqlSource::AtBinlogEnd(BinlogStream& stream, const BinlogStreamState& state) {
  if (end_check_failed_) return false;
  const auto since = Clock::now() - last_end_check_;
  if (since < kEndCheckInterval) {
    if (!stream.CanWaitForData()) return false;  // TLS: the heartbeat tells
    const auto rest = std::chrono::duration_cast<std::chrono::milliseconds>(kEndCheckInterval - since);
    if (stream.WaitForData(rest)) return false;  // more is coming: not the end
  }
  last_end_check_ = Clock::now();
  if (!end_conn_) {
    auto conn = MysqlConnection::Connect(dsn_);
    if (!conn) {
      log_->info("cannot open a side connection to read the binlog end ({}); caught up is known "
                 "from the server's heartbeat only", conn.error().message);
      end_check_failed_ = true;
      return false;
    }
    end_conn_ = std::move(*conn);
  }
  // File and offset only: the GTID state is not compared.
  auto end = CurrentBinlogEnd(*end_conn_, /*mariadb=*/false);
  if (!end) {
    // Not retried every few milliseconds: heartbeats only, until the next session.
    log_->info("cannot read the binlog end ({}); caught up is known from the server's heartbeat only",
               end.error().message);
    end_conn_.reset();
    end_check_failed_ = true;
    return false;
  }
  return end->file == state.file() && end->offset == state.next_offset();
}

void MysqlSource::OnDdl() {
  // Table maps after DDL carry the new shape; names taken from the catalog
  // must be read again (ADD/RENAME COLUMN mid-stream).
  decoder_.table_maps().InvalidateAll();
  if (!needs_catalog()) return;
  auto conn = MysqlConnection::Connect(dsn_);
  if (!conn) {
    log_->warn("cannot re-read the catalog after DDL: {}", conn.error().message);
    return;
  }
  if (auto s = LoadCatalog(**conn); !s) log_->warn("cannot re-read the catalog after DDL: {}", s.error().message);
}

core::Status MysqlSource::Stream(core::ChangeWriter& out, const std::atomic<bool>& stop, BinlogPoint start) {
  BinlogStreamState state(std::move(start), mariadb_);
  BinlogStreamOptions sopts{dsn_, options_.server_id, replica_name_, options_.heartbeat_ms};
  std::vector<core::SourceEvent> events;
  std::vector<ResumeToken> tokens;
  auto backoff = std::chrono::milliseconds(100);
  auto last_tx_end = Clock::now();
  bool first_session = true;
  bool reported_caught_up = false;
  int events_since_progress = 0;
  while (!stop.load()) {
    auto stream = BinlogStream::Open(sopts, state.resume_point());
    if (!stream) {
      if (!IsRetryable(stream.error())) return core::Fail(stream.error());
      log_->warn("binlog connection failed, retrying in {} ms: {}", backoff.count(), stream.error().message);
      if (!Backoff(stop, backoff)) break;
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
      continue;
    }
    {
      std::lock_guard lock(mu_);
      progress_.connected = true;
      if (!first_session) ++progress_.reconnects;
    }
    if (!first_session) reconnects_metric_.Add();
    first_session = false;
    log_->info("reading the binlog from {}", PointText(state.resume_point()));
    decoder_.SetChecksumBeforeFormat((*stream)->checksum());
    end_conn_.reset();  // the side connection of AtBinlogEnd is per session
    end_check_failed_ = false;
    state.Restart();
    while (!stop.load()) {
      auto raw = (*stream)->Next();
      if (!raw) {
        if (!IsRetryable(raw.error())) return core::Fail(raw.error());
        log_->warn("binlog connection lost at {}, reconnecting: {}", state.received(), raw.error().message);
        std::lock_guard lock(mu_);
        progress_.connected = false;
        break;
      }
      auto event = decoder_.Decode(*raw);
      if (!event) {
        core::Error e = event.error();
        e.kind = core::ErrorKind::kFatal;  // an undecodable event cannot be skipped safely
        e.position = state.received();
        return core::Fail(std::move(e));
      }
      backoff = std::chrono::milliseconds(100);
      auto fx = state.Apply(*event, events, tokens);
      if (fx.ddl) OnDdl();
      // Nothing more buffered after a transaction: one socket check per
      // transaction, not per event (the server sends a transaction whole).
      const bool drained = state.between_transactions() && !(*stream)->HasPendingData();
      bool had_rows = std::any_of(events.begin(), events.end(),
                                  [](const core::SourceEvent& e) { return std::holds_alternative<core::RowChange>(e); });
      if (fx.heartbeat || (state.has_skipped() && Clock::now() - last_tx_end > std::chrono::seconds(1))) {
        state.FlushSkipped(events, tokens);
      }
      const bool tx_ended = !tokens.empty();
      if (tx_ended) last_tx_end = Clock::now();
      PushTokens(tokens);  // before the TxEnds reach the queue: Confirm may follow at once
      // The progress lock and the position text are per transaction, not per
      // event: a backlog reads several events per transaction. caught_up is
      // cleared before the first rows reach the queue.
      if (tx_ended || fx.heartbeat || (had_rows && reported_caught_up) || ++events_since_progress >= 64) {
        events_since_progress = 0;
        std::lock_guard lock(mu_);
        progress_.received = state.received();
        progress_.last_commit_time_us = state.last_commit_time_us();
        if (fx.heartbeat) progress_.caught_up = true;
        if (had_rows) progress_.caught_up = false;
        reported_caught_up = progress_.caught_up;
      }
      for (auto& e : events) {
        if (auto* change = std::get_if<core::RowChange>(&e)) MarkJson(*change);
        if (!out.Emit(std::move(e))) return {};
      }
      events.clear();
      // Nothing lingers in a half-full chunk while we wait for the server; rows
      // before their XID need no flush.
      if (fx.heartbeat || (tx_ended && drained)) {
        if (!out.Flush()) return {};
      }
      // At the end of the binlog now: what the heartbeat after heartbeat_ms of
      // silence would do, at once (--until-idle can stop).
      if (!fx.heartbeat && !reported_caught_up && drained && AtBinlogEnd(**stream, state)) {
        state.FlushSkipped(events, tokens);
        PushTokens(tokens);
        {
          std::lock_guard lock(mu_);
          progress_.received = state.received();
          progress_.last_commit_time_us = state.last_commit_time_us();
          progress_.caught_up = reported_caught_up = true;
        }
        for (auto& e : events) {
          if (!out.Emit(std::move(e))) return {};
        }
        events.clear();
        if (!out.Flush()) return {};
      }
    }
  }
  out.Flush();
  return {};
}

void MysqlSource::Confirm(const core::Position& position) {
  std::lock_guard confirm_lock(confirm_mu_);
  std::optional<ResumeToken> token;
  {
    std::lock_guard lock(mu_);
    while (!tokens_.empty() && tokens_.front().commit <= position.commit) {
      token = std::move(tokens_.front());
      tokens_.pop_front();
    }
  }
  if (!token) return;
  if (auto s = StorePoint(token->point); !s) {
    log_->error("cannot store the MySQL position {}: {}", PointText(token->point), s.error().Describe());
    std::lock_guard lock(mu_);
    tokens_.push_front(std::move(*token));  // retried with the next confirmation
    return;
  }
  std::lock_guard lock(mu_);
  progress_.confirmed = PointText(token->point);
  progress_.confirmed_all = tokens_.empty();
}

core::SourceProgress MysqlSource::Progress() const {
  std::lock_guard lock(mu_);
  core::SourceProgress p = progress_;
  p.confirmed_all = tokens_.empty();
  return p;
}

}  // namespace

std::string ReplicaName(const std::string& pipeline) { return "instasent-cdc:" + pipeline; }

bool ParseSnapshotMode(const std::string& text, SnapshotMode& mode) {
  if (text == "initial") {
    mode = SnapshotMode::kInitial;
  } else if (text == "never") {
    mode = SnapshotMode::kNever;
  } else if (text == "initial_only") {
    mode = SnapshotMode::kInitialOnly;
  } else {
    return false;
  }
  return true;
}

std::unique_ptr<core::Source> MakeMysqlSource(const MysqlSourceOptions& options, core::StateStore& state,
                                              core::Metrics& metrics) {
  return std::make_unique<MysqlSource>(options, state, metrics);
}

}  // namespace cdc::mysql
