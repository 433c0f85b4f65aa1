#include "connectors/mysql/mysql_source.h"

#include <algorithm>

#include "connectors/mysql/mysql_checks.h"
#include "connectors/mysql/mysql_source_catalog.h"
#include "connectors/mysql/mysql_source_impl.h"
#include "connectors/mysql/snapshot.h"

namespace cdc::mysql {
namespace source_detail {

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
    auto read = (*snapshot)->ReadTable(
        db, table,
        [&](const std::shared_ptr<const core::TableSchema>& schema, std::vector<core::Value>&& values) {
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
        },
        columns);
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

}  // namespace source_detail

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
  return std::make_unique<source_detail::MysqlSource>(options, state, metrics);
}

}  // namespace cdc::mysql
