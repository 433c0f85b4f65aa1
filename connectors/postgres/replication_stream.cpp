#include "connectors/postgres/replication_stream.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "connectors/postgres/byte_reader.h"
#include "connectors/postgres/pgoutput_messages.h"
#include "core/model/position.h"

// Wire layout of the CopyBoth messages (PostgreSQL "Streaming Replication
// Protocol"), all integers big-endian, times in µs since 2000-01-01:
//   'w' XLogData:       start LSN u64, WAL end u64, send time i64, payload...
//   'k' keepalive:      WAL end u64, send time i64, reply requested u8
//   'r' status update:  write u64, flush u64, apply u64, send time i64, reply u8

namespace cdc::pg {
namespace {

using core::Error;
using core::Fail;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// A send time near the int64 limit cannot be shifted to the Unix epoch; it is
// only informational, so it saturates instead of overflowing.
int64_t ToUnixEpochUs(int64_t pg_time_us) {
  int64_t unix_time = 0;
  if (__builtin_add_overflow(pg_time_us, kPostgresEpochOffsetUs, &unix_time)) {
    return pg_time_us < 0 ? INT64_MIN : INT64_MAX;
  }
  return unix_time;
}

int64_t NowPgEpochUs() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(now).count() - kPostgresEpochOffsetUs;
}

void PutU64(std::vector<char>& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

std::string Trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Classifies a failed command by SQLSTATE: lost connections and a slot busy
// with another reader are retried; the rest needs a person.
Error CommandError(PGconn* conn, const PGresult* res, const std::string& what, const std::string& dsn) {
  std::string message = RedactSecrets(dsn, what + ": " + Trimmed(PQerrorMessage(conn)));
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state ? state : "";
  // 55006: the slot is in use by another reader (a standby instance waits);
  // 42710: another instance created the slot first (the retry will use it).
  if (PQstatus(conn) == CONNECTION_BAD || code.rfind("08", 0) == 0 || code == "57P01" || code == "55006" ||
      code == "42710") {
    return Error::Retryable(message);
  }
  if (code == "42704" || code == "42501" || code == "28000") {
    return Error::Config(message);
  }
  return Error::Fatal(message);
}

bool ValidSlotName(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

core::Result<ResultPtr> Exec(PGconn* conn, const std::string& sql, ExecStatusType expected,
                             const std::string& what, const std::string& dsn) {
  ResultPtr res(PQexec(conn, sql.c_str()));
  if (!res || PQresultStatus(res.get()) != expected) {
    return Fail(CommandError(conn, res.get(), what, dsn));
  }
  return res;
}

}  // namespace

void PgConnDeleter::operator()(PGconn* conn) const { PQfinish(conn); }

std::string RedactSecrets(const std::string& dsn, std::string message) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &err);
  if (err) PQfreemem(err);
  if (!options) return message;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (std::strcmp(o->keyword, "password") != 0 || !o->val || !*o->val) continue;
    std::string secret = o->val;
    for (size_t at = message.find(secret); at != std::string::npos; at = message.find(secret, at)) {
      message.replace(at, secret.size(), "***");
      at += 3;
    }
  }
  PQconninfoFree(options);
  return message;
}

core::Status CheckDsnSyntax(const std::string& dsn) {
  // A dsn libpq cannot parse would be echoed back in its error: say so without it.
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(dsn.c_str(), &parse_error);
  if (parse_error) PQfreemem(parse_error);
  if (!parsed) return Fail(Error::Config("invalid PostgreSQL dsn: not a libpq conninfo string or URI"));
  PQconninfoFree(parsed);
  return {};
}

core::Error ConnectError(const std::string& dsn, const std::string& libpq_message) {
  std::string message = RedactSecrets(dsn, "cannot connect to PostgreSQL: " + Trimmed(libpq_message.c_str()));
  // Refused/unreachable may heal; authentication and unknown databases do not.
  bool rejected = message.find("authentication") != std::string::npos ||
                  message.find("does not exist") != std::string::npos ||
                  message.find("no pg_hba.conf entry") != std::string::npos ||
                  message.find("permission denied") != std::string::npos ||
                  message.find("password") != std::string::npos;
  bool unreachable = message.find("Connection refused") != std::string::npos ||
                     message.find("timeout expired") != std::string::npos ||
                     message.find("could not connect") != std::string::npos ||
                     message.find("starting up") != std::string::npos ||
                     message.find("shutting down") != std::string::npos ||
                     message.find("server closed the connection") != std::string::npos;
  return unreachable && !rejected ? Error::Retryable(message) : Error::Config(message);
}

core::Result<PgConnPtr> OpenPgConnection(const std::string& dsn, bool replication) {
  if (auto st = CheckDsnSyntax(dsn); !st) return Fail(st.error());
  // Later keywords override what the expanded dsn says.
  const char* keys[] = {"dbname", "fallback_application_name", nullptr, nullptr, nullptr};
  const char* values[] = {dsn.c_str(), "instasent-cdc", nullptr, nullptr, nullptr};
  if (replication) {
    keys[2] = "replication";
    values[2] = "database";
    // pgoutput prints values with the walsender's settings: fix the forms
    // pg_types expects, whatever the server's defaults are.
    keys[3] = "options";
    values[3] =
        "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=postgres "
        "-c extra_float_digits=3 -c bytea_output=hex";
  }
  PgConnPtr conn(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
  if (!conn) return Fail(Error::Retryable("PostgreSQL: out of memory while connecting"));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Fail(ConnectError(dsn, PQerrorMessage(conn.get())));
  }
  return conn;
}

core::Result<std::unique_ptr<ReplicationStream>> ReplicationStream::Connect(const std::string& dsn) {
  auto conn = OpenPgConnection(dsn, /*replication=*/true);
  if (!conn) return Fail(conn.error());
  return std::unique_ptr<ReplicationStream>(new ReplicationStream(std::move(*conn), dsn));
}

ReplicationStream::~ReplicationStream() {
  if (copy_buffer_) PQfreemem(copy_buffer_);
}

core::Result<SystemIdentity> ReplicationStream::IdentifySystem() {
  auto res = Exec(conn_.get(), "IDENTIFY_SYSTEM", PGRES_TUPLES_OK, "IDENTIFY_SYSTEM", dsn_);
  if (!res) return Fail(res.error());
  PGresult* r = res->get();
  if (PQntuples(r) != 1 || PQnfields(r) < 4) {
    return Fail(Error::Fatal("IDENTIFY_SYSTEM: unexpected result shape"));
  }
  SystemIdentity id;
  id.system_id = PQgetvalue(r, 0, 0);
  id.timeline = static_cast<uint32_t>(std::strtoul(PQgetvalue(r, 0, 1), nullptr, 10));
  if (!core::ParseLsn(PQgetvalue(r, 0, 2), id.xlog_pos)) {
    return Fail(Error::Fatal("IDENTIFY_SYSTEM: bad xlogpos"));
  }
  if (!PQgetisnull(r, 0, 3)) id.dbname = PQgetvalue(r, 0, 3);
  return id;
}

core::Result<CreatedSlot> ReplicationStream::CreateSlot(const std::string& slot, bool export_snapshot) {
  if (!ValidSlotName(slot)) {
    return Fail(Error::Config("invalid replication slot name '" + slot +
                              "': use lower case letters, digits and '_' (at most 63)"));
  }
  std::string sql = "CREATE_REPLICATION_SLOT " + slot + " LOGICAL pgoutput (SNAPSHOT '" +
                    (export_snapshot ? "export" : "nothing") + "')";
  auto res = Exec(conn_.get(), sql, PGRES_TUPLES_OK, "creating replication slot " + slot, dsn_);
  if (!res) return Fail(res.error());
  PGresult* r = res->get();
  if (PQntuples(r) != 1 || PQnfields(r) < 3) {
    return Fail(Error::Fatal("CREATE_REPLICATION_SLOT: unexpected result shape"));
  }
  CreatedSlot created;
  if (!core::ParseLsn(PQgetvalue(r, 0, 1), created.consistent_point)) {
    return Fail(Error::Fatal("CREATE_REPLICATION_SLOT: bad consistent_point"));
  }
  if (!PQgetisnull(r, 0, 2)) created.snapshot_name = PQgetvalue(r, 0, 2);
  return created;
}

core::Status ReplicationStream::Start(const std::string& slot, uint64_t start_lsn,
                                      const std::string& publication) {
  if (!ValidSlotName(slot)) return Fail(Error::Config("invalid replication slot name '" + slot + "'"));
  // publication_names is a string literal holding a list of identifiers.
  char* ident = PQescapeIdentifier(conn_.get(), publication.c_str(), publication.size());
  if (!ident) return Fail(Error::Config("invalid publication name '" + publication + "'"));
  std::string quoted_ident = ident;
  PQfreemem(ident);
  char* literal = PQescapeLiteral(conn_.get(), quoted_ident.c_str(), quoted_ident.size());
  if (!literal) return Fail(Error::Config("invalid publication name '" + publication + "'"));
  std::string names = literal;
  PQfreemem(literal);

  std::string sql = "START_REPLICATION SLOT " + slot + " LOGICAL " + core::FormatLsn(start_lsn) +
                    " (proto_version '1', publication_names " + names + ", messages 'true')";
  auto res = Exec(conn_.get(), sql, PGRES_COPY_BOTH, "starting replication from slot " + slot, dsn_);
  if (!res) return Fail(res.error());
  if (PQsetnonblocking(conn_.get(), 1) != 0) {
    return Fail(LostConnection("cannot switch the replication connection to non-blocking"));
  }
  streaming_ = true;
  confirmed_ = std::max(confirmed_, start_lsn);
  last_status_time_ = std::chrono::steady_clock::now();
  return {};
}

core::Error ReplicationStream::LostConnection(const std::string& what) const {
  return Error::Retryable(RedactSecrets(dsn_, what + ": " + Trimmed(PQerrorMessage(conn_.get()))));
}

core::Status ReplicationStream::FlushOutput() {
  int rc = PQflush(conn_.get());
  if (rc < 0) return Fail(LostConnection("sending to the replication connection"));
  output_pending_ = rc == 1;
  return {};
}

void ReplicationStream::BatchReads(bool batch) {
  if (batch == batching_reads_ || !conn_) return;
  int bytes = batch ? kBatchBytes : 1;
  // Best effort: without it we only wake up more often.
  if (::setsockopt(PQsocket(conn_.get()), SOL_SOCKET, SO_RCVLOWAT, &bytes, sizeof bytes) == 0) {
    batching_reads_ = batch;
  }
}

void ReplicationStream::SetConfirmed(uint64_t lsn) {
  if (lsn > confirmed_) confirmed_ = lsn;
}

core::Status ReplicationStream::SendStatus(bool reply_requested) {
  if (!streaming_) return {};
  std::vector<char> msg;
  msg.reserve(34);
  msg.push_back('r');
  PutU64(msg, confirmed_);  // written
  PutU64(msg, confirmed_);  // flushed: what the slot may release
  PutU64(msg, confirmed_);  // applied
  PutU64(msg, static_cast<uint64_t>(NowPgEpochUs()));
  msg.push_back(reply_requested ? 1 : 0);
  if (PQputCopyData(conn_.get(), msg.data(), static_cast<int>(msg.size())) != 1) {
    return Fail(LostConnection("sending a standby status update"));
  }
  last_sent_ = confirmed_;
  last_status_time_ = std::chrono::steady_clock::now();
  ++status_updates_sent_;
  return FlushOutput();
}

core::Status ReplicationStream::SendFinalStatus() {
  if (!streaming_) return {};
  if (auto st = SendStatus(); !st) return st;
  if (PQsetnonblocking(conn_.get(), 0) != 0 || PQflush(conn_.get()) != 0) {
    return Fail(LostConnection("sending the final standby status update"));
  }
  output_pending_ = false;
  return {};
}

std::chrono::milliseconds ReplicationStream::UntilStatusDue() const {
  auto since = std::chrono::steady_clock::now() - last_status_time_;
  auto due = confirmed_ != last_sent_ ? std::min<std::chrono::steady_clock::duration>(kMinStatusGap, status_interval_)
                                      : std::chrono::steady_clock::duration(status_interval_);
  if (since >= due) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(due - since);
}

core::Status ReplicationStream::SendStatusIfDue() {
  if (!streaming_) return {};
  auto now = std::chrono::steady_clock::now();
  auto since = now - last_status_time_;
  bool moved = confirmed_ != last_sent_ && since >= kMinStatusGap;
  if (moved || since >= status_interval_) return SendStatus();
  if (output_pending_) return FlushOutput();
  return {};
}

core::Result<StreamMessage> ReplicationStream::Next(std::chrono::milliseconds timeout, int wake_fd) {
  if (copy_buffer_) {
    PQfreemem(copy_buffer_);
    copy_buffer_ = nullptr;
  }
  // Read the clock only once the buffer is empty: most calls return a
  // buffered message, and a clock read costs about as much as decoding one.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  for (;;) {
    char* buf = nullptr;
    int n = PQgetCopyData(conn_.get(), &buf, /*async=*/1);
    if (n > 0) {
      copy_buffer_ = buf;
      std::string_view data(buf, static_cast<size_t>(n));
      ByteReader reader(data);
      auto type = reader.ReadU8();
      if (!type) return Fail(type.error());
      StreamMessage m;
      if (*type == 'w') {
        auto start = reader.ReadU64();
        auto end = reader.ReadU64();
        auto time = reader.ReadI64();
        if (!start || !end || !time) return Fail(Error::Bug("truncated XLogData header"));
        m.kind = StreamMessage::Kind::kXLogData;
        m.start_lsn = *start;
        m.wal_end = *end;
        m.send_time_us = ToUnixEpochUs(*time);
        m.payload = data.substr(reader.offset());
        return m;
      }
      if (*type == 'k') {
        auto end = reader.ReadU64();
        auto time = reader.ReadI64();
        auto reply = reader.ReadU8();
        if (!end || !time || !reply) return Fail(Error::Bug("truncated primary keepalive"));
        m.kind = StreamMessage::Kind::kKeepalive;
        m.wal_end = *end;
        m.send_time_us = ToUnixEpochUs(*time);
        m.reply_requested = *reply != 0;
        // The server drops us after wal_sender_timeout without a reply.
        if (m.reply_requested) {
          if (auto st = SendStatus(); !st) return Fail(st.error());
        }
        return m;
      }
      return Fail(
          Error::Bug(std::string("unknown replication message type '") + static_cast<char>(*type) + "'"));
    }
    if (n == -1) {
      // The server ended the copy (shutdown, slot dropped...): read why.
      streaming_ = false;
      ResultPtr res(PQgetResult(conn_.get()));
      std::string why = res ? Trimmed(PQresultErrorMessage(res.get())) : "";
      return Fail(Error::Retryable("replication stream ended by the server" +
                                   (why.empty() ? std::string() : ": " + why)));
    }
    if (n == -2) return Fail(LostConnection("reading the replication stream"));

    // Nothing buffered: wait for the socket (or the wake fd) until the deadline.
    if (output_pending_) {
      if (auto st = FlushOutput(); !st) return Fail(st.error());
    }
    int wait_ms = 0;  // a zero timeout still looks at the socket once
    if (timeout.count() > 0) {
      const auto now = std::chrono::steady_clock::now();
      if (!deadline) deadline = now + timeout;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - now);
      if (left.count() < 0) return StreamMessage{};
      wait_ms = static_cast<int>(left.count());
    }
    pollfd fds[2] = {{PQsocket(conn_.get()), static_cast<short>(POLLIN | (output_pending_ ? POLLOUT : 0)), 0},
                     {wake_fd, POLLIN, 0}};
    int rc = ::poll(fds, wake_fd >= 0 ? 2 : 1, wait_ms);
    if (rc < 0 && errno != EINTR) return Fail(Error::Retryable(std::string("poll: ") + std::strerror(errno)));
    if (rc <= 0) {
      if (rc == 0) return StreamMessage{};
      continue;
    }
    if (wake_fd >= 0 && (fds[1].revents & POLLIN)) {
      eventfd_t value;
      (void)eventfd_read(wake_fd, &value);
      return StreamMessage{};
    }
    if (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) {
      if (PQconsumeInput(conn_.get()) == 0) return Fail(LostConnection("reading the replication stream"));
    }
  }
}

}  // namespace cdc::pg
