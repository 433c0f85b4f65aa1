#include "connectors/mysql/binlog_stream_state.h"

#include <cstdlib>
#include <utility>

namespace cdc::mysql {

namespace {

// LOG_EVENT_ARTIFICIAL_F: made up by the server for this session (the first
// ROTATE, a FORMAT_DESCRIPTION re-sent at a mid-file start); not in the file.
constexpr uint16_t kArtificialFlag = 0x20;

int64_t Micros(uint32_t seconds) { return static_cast<int64_t>(seconds) * 1000000; }

}  // namespace

uint32_t BinlogFileNumber(const std::string& file) {
  size_t dot = file.rfind('.');
  if (dot == std::string::npos || dot + 1 >= file.size()) return 0;
  return static_cast<uint32_t>(std::strtoul(file.c_str() + dot + 1, nullptr, 10));
}

uint64_t PackPosition(const std::string& file, uint64_t offset) {
  return (static_cast<uint64_t>(BinlogFileNumber(file)) << 32) | (offset & 0xffffffffu);
}

BinlogStreamState::BinlogStreamState(BinlogPoint start, bool mariadb)
    : mariadb_(mariadb), file_(start.file), next_offset_(start.offset), resume_(std::move(start)) {
  if (!resume_.gtid.empty()) {
    if (mariadb_) {
      if (auto pos = MariaGtidPos::Parse(resume_.gtid)) maria_pos_ = *pos;
    } else if (auto set = MysqlGtidSet::Parse(resume_.gtid)) {
      mysql_set_ = *set;
    }
  }
}

void BinlogStreamState::Restart() {
  file_ = resume_.file;
  next_offset_ = resume_.offset;
  in_tx_ = false;
  standalone_ = false;
  tx_emitted_ = false;
  tx_has_mysql_gtid_ = false;
  tx_has_maria_gtid_ = false;
}

std::string BinlogStreamState::received() const {
  return file_ + ":" + std::to_string(next_offset_);
}

std::string BinlogStreamState::GtidText() const {
  return mariadb_ ? maria_pos_.ToString() : mysql_set_.ToString();
}

void BinlogStreamState::BeginTx(uint64_t event_offset) {
  in_tx_ = true;
  standalone_ = false;
  tx_begin_ = PackPosition(file_, event_offset);
  tx_emitted_ = false;
  tx_time_us_ = 0;
  tx_xid_ = 0;
  tx_has_mysql_gtid_ = false;
  tx_has_maria_gtid_ = false;
}

BinlogStreamState::Effects BinlogStreamState::Apply(BinlogEvent& event,
                                                    std::vector<core::SourceEvent>& out,
                                                    std::vector<ResumeToken>& tokens) {
  Effects fx;
  const EventHeader& h = event.header;
  if (const auto* rotate = event.As<Rotate>()) {
    // The artificial ROTATE that opens a session names the file being read; a
    // real one (end of file, server restart) moves on to the next file.
    file_ = rotate->next_file;
    next_offset_ = rotate->position;
    if (!in_tx_) resume_ = BinlogPoint{file_, next_offset_, GtidText()};
    return fx;
  }
  if (event.As<Heartbeat>()) {
    fx.heartbeat = true;
    return fx;
  }
  bool positioned = h.log_pos != 0 && (h.flags & kArtificialFlag) == 0;
  uint64_t offset = next_offset_;
  if (positioned) {
    offset = h.log_pos >= h.event_size ? h.log_pos - h.event_size : h.log_pos;
    next_offset_ = h.log_pos;
  }
  if (auto* payload = std::get_if<TransactionPayload>(&event.body)) {
    // MySQL compressed transaction: the inner events share the payload's
    // offset; their rows are numbered across the whole payload.
    uint32_t index = 0;
    for (auto& inner : payload->events) {
      if (auto* rows = std::get_if<Rows>(&inner.body)) {
        if (!in_tx_) BeginTx(offset);
        EmitRows(inner.header, offset, *rows, out, index);
      } else if (inner.As<Xid>() || (inner.As<Query>() && inner.As<Query>()->kind == QueryKind::kCommit)) {
        EndTx(h, offset, false, out, tokens);
      } else if (const auto* gtid = inner.As<Gtid>()) {
        BeginTx(offset);
        tx_has_mysql_gtid_ = !gtid->anonymous;
        tx_mysql_gtid_ = gtid->gtid;
      } else if (const auto* q = inner.As<Query>(); q && q->kind == QueryKind::kBegin && !in_tx_) {
        BeginTx(offset);
      }
    }
    return fx;
  }
  if (const auto* gtid = event.As<MariaGtidEvent>()) {
    BeginTx(offset);
    tx_has_maria_gtid_ = true;
    tx_maria_gtid_ = gtid->gtid;
    if (tx_maria_gtid_.server_id == 0) tx_maria_gtid_.server_id = h.server_id;
    standalone_ = gtid->standalone;
    tx_time_us_ = Micros(h.timestamp);
    tx_xid_ = gtid->gtid.seq_no;
    return fx;
  }
  if (const auto* gtid = event.As<Gtid>()) {
    BeginTx(offset);
    tx_has_mysql_gtid_ = !gtid->anonymous;
    tx_mysql_gtid_ = gtid->gtid;
    tx_time_us_ = gtid->immediate_commit_timestamp_us
                      ? static_cast<int64_t>(*gtid->immediate_commit_timestamp_us)
                      : Micros(h.timestamp);
    tx_xid_ = gtid->gtid.gno;
    return fx;
  }
  if (const auto* query = event.As<Query>()) {
    switch (query->kind) {
      case QueryKind::kBegin:
        if (!in_tx_) BeginTx(offset);
        if (tx_time_us_ == 0) tx_time_us_ = Micros(h.timestamp);
        break;
      case QueryKind::kCommit:
      case QueryKind::kRollback:
        EndTx(h, offset, false, out, tokens);
        break;
      case QueryKind::kDdl:
        // DDL commits implicitly; table maps after it describe the new shape.
        fx.ddl = true;
        EndTx(h, offset, true, out, tokens);
        break;
      default:
        // A statement outside a transaction (or a MariaDB standalone group)
        // is a transaction of its own.
        if (!in_tx_ || standalone_) EndTx(h, offset, false, out, tokens);
        break;
    }
    return fx;
  }
  if (const auto* xid = event.As<Xid>()) {
    tx_xid_ = tx_xid_ ? tx_xid_ : xid->xid;
    EndTx(h, offset, false, out, tokens);
    return fx;
  }
  if (auto* rows = std::get_if<Rows>(&event.body)) {
    if (!in_tx_) BeginTx(offset);
    if (tx_time_us_ == 0) tx_time_us_ = Micros(h.timestamp);
    uint32_t index = 0;
    EmitRows(h, offset, *rows, out, index);
    return fx;
  }
  if (const auto* ignored = event.As<Ignored>(); ignored && ignored->type == kXaPrepareEvent) {
    // XA PREPARE ends the event group of an XA transaction's rows.
    EndTx(h, offset, false, out, tokens);
  }
  return fx;
}

void BinlogStreamState::EmitRows(const EventHeader& h, uint64_t event_offset, Rows& rows,
                                 std::vector<core::SourceEvent>& out, uint32_t& index) {
  if (!rows.decoded || !rows.schema) return;  // a table outside the mapping
  core::Op op = rows.kind == RowsKind::kWrite    ? core::Op::kInsert
                : rows.kind == RowsKind::kUpdate ? core::Op::kUpdate
                                                 : core::Op::kDelete;
  uint64_t change = PackPosition(file_, event_offset);
  for (auto& row : rows.rows) {
    core::Position pos{core::SourceKind::kMysql, tx_begin_, change, index++};
    tx_emitted_ = true;
    // Emitted before a reconnect made us read this transaction again.
    if (!last_emitted_.empty() && pos <= last_emitted_) continue;
    core::RowChange c;
    c.op = op;
    c.table = rows.schema;
    if (op != core::Op::kInsert) c.before = std::move(row.before);
    if (op != core::Op::kDelete) c.after = std::move(row.after);
    c.position = pos;
    c.commit_time_us = tx_time_us_ ? tx_time_us_ : Micros(h.timestamp);
    c.xid = tx_xid_;
    last_emitted_ = pos;
    out.emplace_back(std::move(c));
  }
}

void BinlogStreamState::EndTx(const EventHeader& h, uint64_t event_offset, bool force_emit,
                              std::vector<core::SourceEvent>& out, std::vector<ResumeToken>& tokens) {
  if (tx_has_maria_gtid_) maria_pos_.Update(tx_maria_gtid_);
  if (tx_has_mysql_gtid_) mysql_set_.Add(tx_mysql_gtid_);
  resume_ = BinlogPoint{file_, next_offset_, GtidText()};
  int64_t time = tx_time_us_ ? tx_time_us_ : Micros(h.timestamp);
  if (time) last_commit_time_us_ = time;
  core::TxEnd end{core::Position{core::SourceKind::kMysql, PackPosition(file_, next_offset_),
                                 PackPosition(file_, event_offset), 0},
                  time};
  ResumeToken token{end.position.commit, resume_};
  if (tx_emitted_ || force_emit) {
    out.emplace_back(end);
    tokens.push_back(std::move(token));
    skipped_pending_ = false;
  } else {
    skipped_pending_ = true;
    skipped_token_ = std::move(token);
    skipped_end_ = end;
  }
  in_tx_ = false;
  standalone_ = false;
  tx_emitted_ = false;
  tx_time_us_ = 0;
  tx_xid_ = 0;
  tx_has_mysql_gtid_ = false;
  tx_has_maria_gtid_ = false;
}

bool BinlogStreamState::FlushSkipped(std::vector<core::SourceEvent>& out,
                                     std::vector<ResumeToken>& tokens) {
  if (!skipped_pending_) return false;
  out.emplace_back(skipped_end_);
  tokens.push_back(skipped_token_);
  skipped_pending_ = false;
  return true;
}

}  // namespace cdc::mysql
