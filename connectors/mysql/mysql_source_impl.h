// MysqlSource, the core::Source over the binlog (and the initial snapshot):
// its declaration, shared by mysql_source.cpp (start, snapshot, confirmation)
// and mysql_source_stream.cpp (the binlog stream and caught-up detection).
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "connectors/mysql/binlog_stream.h"
#include "connectors/mysql/binlog_stream_state.h"
#include "connectors/mysql/event_decoder.h"
#include "connectors/mysql/mysql_connection.h"
#include "connectors/mysql/mysql_source.h"
#include "connectors/mysql/mysql_source_position.h"
#include "connectors/mysql/read_columns.h"
#include "core/log/log.h"

namespace cdc::mysql::source_detail {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kProgressRows = 1024;
// How often an empty socket between transactions may ask the server where the
// binlog ends (a reader faster than the dump thread sees an empty socket often).
constexpr auto kEndCheckInterval = std::chrono::milliseconds(20);

inline int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Sleeps `delay` in small steps so a stop request is seen promptly; false if stopped.
inline bool Backoff(const std::atomic<bool>& stop, std::chrono::milliseconds delay) {
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

inline bool IsRetryable(const core::Error& e) { return e.kind == core::ErrorKind::kRetryable; }

}  // namespace cdc::mysql::source_detail
