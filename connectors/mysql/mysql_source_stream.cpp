// MysqlSource's binlog stream: reading, reconnecting, DDL, and knowing when it
// stands at the binlog's end.
#include <algorithm>

#include "connectors/mysql/mysql_checks.h"
#include "connectors/mysql/mysql_source_catalog.h"
#include "connectors/mysql/mysql_source_impl.h"

namespace cdc::mysql::source_detail {

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
      log_->info(
          "cannot open a side connection to read the binlog end ({}); caught up is known "
          "from the server's heartbeat only",
          conn.error().message);
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
  if (auto s = LoadCatalog(**conn); !s)
    log_->warn("cannot re-read the catalog after DDL: {}", s.error().message);
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
      bool had_rows = std::any_of(events.begin(), events.end(), [](const core::SourceEvent& e) {
        return std::holds_alternative<core::RowChange>(e);
      });
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
        if (!(fx.heartbeat ? out.Wake() : out.Flush())) return {};
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
        if (!out.Wake()) return {};
      }
    }
  }
  out.Flush();
  return {};
}

}  // namespace cdc::mysql::source_detail
