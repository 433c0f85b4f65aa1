// PostgresSource::RunSnapshot: reads every mapped table in one snapshot
// transaction and emits the rows, then a TxEnd and SnapshotDone.
#include <mutex>
#include <string>

#include "connectors/postgres/postgres_source_impl.h"
#include "connectors/postgres/snapshot.h"

namespace cdc::pg {
namespace {

using core::Fail;
using core::Position;
using core::SourceKind;

// Snapshot schemas get versions far from the relation cache's (which count from 1).
constexpr uint64_t kSnapshotSchemaVersionBase = uint64_t{1} << 40;

}  // namespace

core::Status PostgresSource::RunSnapshot(core::ChangeWriter& out, const std::atomic<bool>& stop,
                                         const std::string& exported, uint64_t lsn) {
  core::Result<std::unique_ptr<Snapshot>> snapshot = nullptr;
  if (exported.empty() && early_snapshot_.valid()) snapshot = early_snapshot_.get();
  // Used once: a failed early one, or a second attempt, begins afresh.
  if (!snapshot || *snapshot == nullptr) snapshot = Snapshot::Begin(options_.dsn, exported);
  if (!snapshot) return Fail(snapshot.error());
  if (lsn == 0) lsn = (*snapshot)->wal_lsn();
  struct Snapshotting {  // for Progress(), whichever way this returns
    PostgresSource& self;
    explicit Snapshotting(PostgresSource& s) : self(s) { Set(true); }
    ~Snapshotting() { Set(false); }
    void Set(bool on) {
      std::lock_guard lock(self.mu_);
      self.snapshotting_ = on;
      if (on) self.connected_ = true;
    }
  } snapshotting(*this);
  Position position{SourceKind::kPostgres, lsn, 0, 0};
  uint64_t estimate = 0;
  for (const auto& t : tables_)
    estimate += t.estimated_rows > 0 ? static_cast<uint64_t>(t.estimated_rows) : 0;
  {
    std::lock_guard lock(mu_);
    snapshot_estimate_ = estimate;
    snapshot_rows_ = 0;
    snapshot_tables_.clear();
    snapshot_table_ = 0;
    for (const auto& t : tables_) {
      snapshot_tables_.push_back(
          {t.QualifiedName(), 0, t.estimated_rows > 0 ? static_cast<uint64_t>(t.estimated_rows) : 0});
    }
  }
  log_->info("snapshot of {} table(s) at {} (about {} rows)", tables_.size(), core::FormatLsn(lsn), estimate);
  bool closed = false;
  // Progress (shown by the run's monitor: a bar or a line every 10 s) is
  // published every 256 rows and after each table, not locked per row.
  uint64_t unpublished = 0;
  auto publish = [&] {
    std::lock_guard lock(mu_);
    snapshot_rows_ += unpublished;
    if (snapshot_table_ < snapshot_tables_.size()) snapshot_tables_[snapshot_table_].rows += unpublished;
    unpublished = 0;
  };
  auto emit = [&](core::RowChange&& change) {
    if (stop.load() || !out.Emit(std::move(change))) {
      closed = true;
      return false;
    }
    if (++unpublished == 256) publish();
    return true;
  };
  auto bad_row = [&](const core::Error& error, const std::string& line) {
    core::Error e = error;
    e.position = position.ToString();
    return DeadLetter(e, line).has_value() && !stop.load();
  };
  for (size_t i = 0; i < tables_.size(); ++i) {
    {
      std::lock_guard lock(mu_);
      snapshot_table_ = i;
    }
    // Only the columns some mapping reads (and the key): what the rows carry.
    const TableDescription table = Snapshot::ColumnsToRead(tables_[i], options_.tables);
    log_->info("snapshot of {}: {} of {} columns, {} COPY", table.QualifiedName(), table.columns.size(),
               tables_[i].columns.size(), (*snapshot)->UsesBinaryCopy(table) ? "binary" : "text");
    auto schema = Snapshot::SchemaFor(table, types_, kSnapshotSchemaVersionBase + i);
    auto st = (*snapshot)->ReadTable(table, schema, types_, position, emit, bad_row);
    publish();
    if (!st) return st;
    if (closed || stop.load()) return {};
  }
  if (auto st = (*snapshot)->Commit(); !st) return st;
  uint64_t rows = (*snapshot)->rows_done();
  {
    std::lock_guard lock(mu_);
    snapshot_end_ = position;
    last_emitted_ = std::max(last_emitted_, position);
    last_commit_time_us_ = (*snapshot)->read_time_us();
  }
  if (!out.Emit(core::TxEnd{position, (*snapshot)->read_time_us()}) || !out.Emit(core::SnapshotDone{rows}) ||
      !out.Flush()) {
    return {};
  }
  snapshot_emitted_ = true;
  log_->info("snapshot read: {} rows", rows);
  return {};
}

}  // namespace cdc::pg
