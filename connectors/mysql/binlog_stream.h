// BinlogStream: one replica session reading the binlog (transport only, no
// decoding). Registers with the configured server_id (COM_REGISTER_SLAVE),
// asks for checksums and heartbeats, then COM_BINLOG_DUMP from a file+offset
// or, on MariaDB, from a GTID position, or COM_BINLOG_DUMP_GTID from the
// executed GTID set on MySQL with gtid_mode=ON. Next() hands out raw events exactly as
// the server sent them. One thread; a failed stream is discarded, not reused.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "connectors/mysql/binlog_event.h"
#include "connectors/mysql/mysql_connection.h"
#include "connectors/mysql/snapshot.h"
#include "core/model/result.h"

namespace cdc::mysql {

struct BinlogStreamOptions {
  MysqlDsn dsn;
  uint32_t server_id = 0;
  std::string replica_name;  // shown by SHOW SLAVE HOSTS
  int heartbeat_ms = 1000;   // the server sends a heartbeat after this much silence
};

class BinlogStream {
 public:
  // MariaDB: `start.file` empty and `start.gtid` set is a GTID start, else
  // file + offset. MySQL: the GTID set when there is one and gtid_mode=ON. Errors:
  // kRetryable (cannot connect), kConfig (grants), kFatal (binlog purged...).
  static core::Result<std::unique_ptr<BinlogStream>> Open(const BinlogStreamOptions& options,
                                                          const BinlogPoint& start);
  ~BinlogStream();

  // The next raw event (19-byte header + body + CRC32 when enabled); the view
  // stays valid until the next call. Returns within about the heartbeat period
  // when the server is idle (a heartbeat event). kRetryable when the
  // connection drops or the server ends the stream; kFatal on a server error
  // such as a purged binlog (the message says so).
  core::Result<std::string_view> Next();

  // True when more bytes are already waiting on the socket (the next Next()
  // will not block): lets the caller batch instead of flushing per event.
  bool HasPendingData();
  // Waits up to `timeout` for bytes; true when some are there (read ahead by
  // Connector/C, or on the socket).
  bool WaitForData(std::chrono::milliseconds timeout);
  // False over TLS, whose decrypted bytes neither check sees: a wait could
  // stall on data already received.
  bool CanWaitForData() const;

  // The checksum the server was asked to append (from @@global.binlog_checksum).
  ChecksumAlg checksum() const { return checksum_; }
  bool is_mariadb() const { return conn_->IsMariaDb(); }

 private:
  explicit BinlogStream(std::unique_ptr<MysqlConnection> conn) : conn_(std::move(conn)) {}
  core::Status Register(const BinlogStreamOptions& options);
  core::Status Dump(const BinlogStreamOptions& options, const BinlogPoint& start);
  // MySQL with gtid_mode=ON and a stored GTID set: COM_BINLOG_DUMP_GTID. False
  // when the start must be file + offset instead.
  core::Result<bool> DumpMysqlGtid(const BinlogStreamOptions& options, const BinlogPoint& start);
  bool ReadAhead() const;  // bytes in Connector/C's read-ahead cache

  std::unique_ptr<MysqlConnection> conn_;
  ChecksumAlg checksum_ = ChecksumAlg::kOff;
};

}  // namespace cdc::mysql
