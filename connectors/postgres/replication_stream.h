// ReplicationStream: one libpq walsender connection (replication=database):
// IDENTIFY_SYSTEM, CREATE_REPLICATION_SLOT, START_REPLICATION and the CopyBoth
// loop (XLogData, primary keepalives, standby status updates). Transport only:
// payloads go to the caller undecoded. Not thread-safe: the reader owns it.
// Also the libpq connection helpers the snapshot shares (secret-free errors).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/model/result.h"

struct pg_conn;
typedef struct pg_conn PGconn;

namespace cdc::pg {

struct PgConnDeleter {
  void operator()(PGconn* conn) const;
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;

// Opens a libpq connection; `replication` adds replication=database. Failures
// are kConfig (bad dsn, authentication, no such database) or kRetryable
// (server unreachable); messages never contain the password.
core::Result<PgConnPtr> OpenPgConnection(const std::string& dsn, bool replication);
// `message` with every occurrence of the dsn's password masked.
std::string RedactSecrets(const std::string& dsn, std::string message);
// kConfig when libpq cannot parse `dsn` (said without echoing it).
core::Status CheckDsnSyntax(const std::string& dsn);
// A failed connection attempt, classified: unreachable → kRetryable,
// rejected (authentication, unknown database) → kConfig. Redacted.
core::Error ConnectError(const std::string& dsn, const std::string& libpq_message);

struct SystemIdentity {
  std::string system_id;
  uint32_t timeline = 0;
  uint64_t xlog_pos = 0;
  std::string dbname;
};

struct CreatedSlot {
  uint64_t consistent_point = 0;
  std::string snapshot_name;  // empty unless an exported snapshot was asked for
};

// One message read from the stream.
struct StreamMessage {
  enum class Kind { kNone, kXLogData, kKeepalive };
  Kind kind = Kind::kNone;   // kNone: timeout or woken up
  uint64_t start_lsn = 0;    // XLogData: LSN of the payload's WAL record
  uint64_t wal_end = 0;      // server's current WAL end (both kinds)
  int64_t send_time_us = 0;  // Unix epoch µs
  bool reply_requested = false;
  // XLogData payload (one pgoutput message); valid until the next Next() call.
  std::string_view payload;
};

class ReplicationStream {
 public:
  static core::Result<std::unique_ptr<ReplicationStream>> Connect(const std::string& dsn);
  ~ReplicationStream();
  ReplicationStream(const ReplicationStream&) = delete;
  ReplicationStream& operator=(const ReplicationStream&) = delete;

  core::Result<SystemIdentity> IdentifySystem();
  // `export_snapshot`: SNAPSHOT 'export' (the snapshot lives until the next
  // command on this connection); otherwise 'nothing'.
  core::Result<CreatedSlot> CreateSlot(const std::string& slot, bool export_snapshot);
  // proto_version 1 (no streaming: see README), messages on. start_lsn 0 lets
  // the server start at the slot's confirmed_flush_lsn.
  core::Status Start(const std::string& slot, uint64_t start_lsn, const std::string& publication);

  // Waits up to `timeout` for a message. Returns kNone on timeout or when
  // `wake_fd` (an eventfd, -1 for none) became readable; it is drained. A
  // keepalive asking for a reply is answered here before it is returned.
  core::Result<StreamMessage> Next(std::chrono::milliseconds timeout, int wake_fd = -1);

  // While a backlog drains, the server sends each message as it is decoded:
  // waking up per message would cost a context switch per change on the
  // cores the walsender needs. With `batch` the socket reports readable only
  // once `kBatchBytes` have arrived (SO_RCVLOWAT; a wait's timeout still
  // ends it); without, at the first byte. Changed only when it differs.
  static constexpr int kBatchBytes = 4096;
  void BatchReads(bool batch);

  // The position reported as write = flush = apply; never moves backwards.
  void SetConfirmed(uint64_t lsn);
  uint64_t confirmed() const { return confirmed_; }
  uint64_t last_sent() const { return last_sent_; }
  void set_status_interval(std::chrono::milliseconds interval) { status_interval_ = interval; }
  // Sends a standby status update when one is due: `status_interval` since the
  // last one, or the confirmed position moved (at most every 100 ms). Safe to
  // call while the pipeline is blocked: it writes only, never reads.
  core::Status SendStatusIfDue();
  // How long until SendStatusIfDue would send (0: now), so an idle reader can
  // wake up for a confirmation that arrived within the 100 ms gap.
  std::chrono::milliseconds UntilStatusDue() const;
  static constexpr std::chrono::milliseconds kMinStatusGap{100};
  core::Status SendStatus(bool reply_requested = false);
  // Before disconnecting on purpose: sends the latest confirmed position and
  // waits (blocking) until it has left, so a clean stop keeps its place.
  core::Status SendFinalStatus();
  uint64_t status_updates_sent() const { return status_updates_sent_; }

 private:
  explicit ReplicationStream(PgConnPtr conn, std::string dsn)
      : conn_(std::move(conn)), dsn_(std::move(dsn)) {}
  core::Status FlushOutput();
  core::Error LostConnection(const std::string& what) const;

  PgConnPtr conn_;
  std::string dsn_;
  char* copy_buffer_ = nullptr;  // last PQgetCopyData buffer, freed on the next read
  bool streaming_ = false;
  bool output_pending_ = false;
  bool batching_reads_ = false;
  uint64_t confirmed_ = 0;
  uint64_t last_sent_ = 0;
  uint64_t status_updates_sent_ = 0;
  std::chrono::milliseconds status_interval_{10000};
  std::chrono::steady_clock::time_point last_status_time_{};
};

}  // namespace cdc::pg
