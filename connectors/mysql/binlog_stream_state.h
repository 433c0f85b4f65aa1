// BinlogStreamState: turns decoded binlog events, in stream order, into the
// pipeline's events (RowChange ... TxEnd) and tracks where the stream stands:
// the current file and offset, transaction boundaries (GTID/BEGIN ... XID/
// COMMIT, DDL), the GTID state, and the resume token of every TxEnd. No I/O;
// used by the source reader thread only.
//
// Positions: a TxEnd has commit = (file number << 32) | end offset of its XID/
// COMMIT/DDL event and change = that event's offset. Rows have change = (file
// number << 32) | offset of their rows event and index = the row's place in it;
// their commit is where their transaction begins, since the commit offset is
// only known at the XID and rows are not held back (memory stays bounded).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "connectors/mysql/binlog_event.h"
#include "connectors/mysql/gtid.h"
#include "connectors/mysql/snapshot.h"
#include "core/model/row_change.h"

namespace cdc::mysql {

// What a confirmed TxEnd maps back to: where to resume after it.
struct ResumeToken {
  uint64_t commit = 0;  // the TxEnd's Position::commit
  BinlogPoint point;    // file + offset after the transaction, GTID state including it
};

// "binlog.000003" -> 3 (0 when the name has no numeric suffix).
uint32_t BinlogFileNumber(const std::string& file);
uint64_t PackPosition(const std::string& file, uint64_t offset);

class BinlogStreamState {
 public:
  BinlogStreamState(BinlogPoint start, bool mariadb);

  // After a reconnect from resume_point(): forget the half-read transaction.
  // Rows already emitted from it are recognised by position and not repeated.
  void Restart();

  // Where a new session must start: after the last completed transaction.
  const BinlogPoint& resume_point() const { return resume_; }
  // The latest event position read, "binlog.000003:1234".
  std::string received() const;
  // The file and offset after the last positioned event read.
  const std::string& file() const { return file_; }
  uint64_t next_offset() const { return next_offset_; }
  // Between transactions (the last event read ended one, or none began).
  bool between_transactions() const { return !in_tx_; }
  int64_t last_commit_time_us() const { return last_commit_time_us_; }

  struct Effects {
    bool ddl = false;        // table definitions may have changed
    bool heartbeat = false;  // the server is idle: caught up
  };
  // Feeds one decoded event (row images are moved out of it). Emitted events
  // are appended to `out`, the resume token of each TxEnd to `tokens`.
  Effects Apply(BinlogEvent& event, std::vector<core::SourceEvent>& out,
                std::vector<ResumeToken>& tokens);

  // Transactions without mapped rows produce no TxEnd at once; the latest one
  // is emitted by this call (when idle, or now and then) so the stored
  // position keeps moving. False when there is none.
  bool FlushSkipped(std::vector<core::SourceEvent>& out, std::vector<ResumeToken>& tokens);
  bool has_skipped() const { return skipped_pending_; }

 private:
  void BeginTx(uint64_t event_offset);
  void EndTx(const EventHeader& header, uint64_t event_offset, bool force_emit,
             std::vector<core::SourceEvent>& out, std::vector<ResumeToken>& tokens);
  void EmitRows(const EventHeader& header, uint64_t event_offset, Rows& rows,
                std::vector<core::SourceEvent>& out, uint32_t& index);
  std::string GtidText() const;

  bool mariadb_;
  std::string file_;
  uint64_t next_offset_ = 0;  // offset after the last positioned event
  BinlogPoint resume_;

  bool in_tx_ = false;
  bool standalone_ = false;  // MariaDB GTID with FL_STANDALONE: one statement, no COMMIT
  uint64_t tx_begin_ = 0;
  bool tx_emitted_ = false;
  int64_t tx_time_us_ = 0;
  uint64_t tx_xid_ = 0;
  bool tx_has_mysql_gtid_ = false;
  MysqlGtid tx_mysql_gtid_;
  bool tx_has_maria_gtid_ = false;
  MariaGtid tx_maria_gtid_;

  MariaGtidPos maria_pos_;
  MysqlGtidSet mysql_set_;
  core::Position last_emitted_;  // rows at or before it were already emitted
  int64_t last_commit_time_us_ = 0;

  bool skipped_pending_ = false;
  ResumeToken skipped_token_;
  core::TxEnd skipped_end_;
};

}  // namespace cdc::mysql
