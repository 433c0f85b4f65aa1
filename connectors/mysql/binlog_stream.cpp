#include "connectors/mysql/binlog_stream.h"

#include <mysql.h>
// After mysql.h, which it needs: the read-ahead cache of a connection.
#include <ma_pvio.h>
#include <mysqld_error.h>

#include <poll.h>

#include <algorithm>

#include <fmt/format.h>

#include "connectors/mysql/gtid_encoding.h"

namespace cdc::mysql {

namespace {

// Packet layouts (little endian), MariaDB/MySQL replication protocol:
//   COM_REGISTER_SLAVE: server_id u32, hostname len u8 + bytes, user len u8 +
//     bytes, password len u8 + bytes, port u16, rank u32, master_id u32.
//   COM_BINLOG_DUMP:    position u32, flags u16, server_id u32, file name (rest).
// Each binlog packet is 0x00 + one event; 0xFE (short) ends the stream, 0xFF
// is an error packet (Connector/C turns it into mysql_errno).
void PutU16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}
void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutShortString(std::string& out, std::string_view s) {
  s = s.substr(0, 255);
  out.push_back(static_cast<char>(s.size()));
  out.append(s);
}

core::Error StreamError(MysqlConnection& conn, std::string_view what) {
  core::Error e = conn.LastError(what);
  if (conn.LastErrno() == ER_MASTER_FATAL_ERROR_READING_BINLOG) {
    e.kind = core::ErrorKind::kFatal;
    e.message += "; the binlog position is no longer on the server (purged?): run a new snapshot "
                 "(delete the stored position) or restore the binlogs";
  }
  return e;
}

}  // namespace

BinlogStream::~BinlogStream() = default;

core::Result<std::unique_ptr<BinlogStream>> BinlogStream::Open(const BinlogStreamOptions& options,
                                                               const BinlogPoint& start) {
  MysqlConnection::Options copts;
  // A silent server sends a heartbeat every heartbeat_ms: three missed ones
  // mean the connection is dead.
  copts.read_timeout_s = std::max(3, (options.heartbeat_ms * 3 + 999) / 1000);
  auto conn = MysqlConnection::Connect(options.dsn, copts);
  if (!conn) return core::Fail(conn.error());
  std::unique_ptr<BinlogStream> stream(new BinlogStream(std::move(*conn)));
  if (auto s = stream->Register(options); !s) return core::Fail(s.error());
  if (auto s = stream->Dump(options, start); !s) return core::Fail(s.error());
  return stream;
}

core::Status BinlogStream::Register(const BinlogStreamOptions& options) {
  MysqlConnection& c = *conn_;
  auto checksum = c.QueryValue("SELECT @@GLOBAL.binlog_checksum");
  if (!checksum) return core::Fail(checksum.error());
  checksum_ = *checksum && **checksum == "CRC32" ? ChecksumAlg::kCrc32 : ChecksumAlg::kOff;
  // Without this the server strips checksums and refuses a replica that cannot
  // handle them; with it events arrive as written, CRC32 included.
  if (auto s = c.Exec("SET @master_binlog_checksum = @@GLOBAL.binlog_checksum"); !s) return s;
  uint64_t period_ns = static_cast<uint64_t>(std::max(options.heartbeat_ms, 1)) * 1000000ull;
  if (auto s = c.Exec(fmt::format("SET @master_heartbeat_period = {}", period_ns)); !s) return s;
  if (c.IsMariaDb()) {
    // 4 = MARIA_SLAVE_CAPABILITY_GTID: real GTID events instead of fake BEGINs.
    if (auto s = c.Exec("SET @mariadb_slave_capability = 4"); !s) return s;
  }
  std::string packet;
  PutU32(packet, options.server_id);
  PutShortString(packet, options.replica_name);
  PutShortString(packet, "");
  PutShortString(packet, "");
  PutU16(packet, 0);
  PutU32(packet, 0);
  PutU32(packet, 0);
  MYSQL* m = c.handle();
  if (m->methods->db_command(m, COM_REGISTER_SLAVE, packet.data(), packet.size(), 0, nullptr) != 0) {
    return core::Fail(StreamError(c, "registering as a replica (COM_REGISTER_SLAVE)"));
  }
  return {};
}

core::Status BinlogStream::Dump(const BinlogStreamOptions& options, const BinlogPoint& start) {
  MysqlConnection& c = *conn_;
  if (!c.IsMariaDb()) {
    auto by_set = DumpMysqlGtid(options, start);
    if (!by_set) return core::Fail(by_set.error());
    if (*by_set) return {};
  }
  bool by_gtid = start.file.empty();
  if (by_gtid) {
    if (auto s = c.Exec("SET @slave_connect_state = " + c.Quote(start.gtid)); !s) return s;
    if (auto s = c.Exec("SET @slave_gtid_strict_mode = 0"); !s) return s;
    if (auto s = c.Exec("SET @slave_gtid_ignore_duplicates = 0"); !s) return s;
  }
  std::string packet;
  PutU32(packet, by_gtid ? 4 : static_cast<uint32_t>(start.offset));
  PutU16(packet, 0);  // blocking: the server waits for new events
  PutU32(packet, options.server_id);
  if (!by_gtid) packet.append(start.file);
  MYSQL* m = c.handle();
  // skip_check=1: the answer is the event stream itself, read by Next().
  if (m->methods->db_command(m, COM_BINLOG_DUMP, packet.data(), packet.size(), 1, nullptr) != 0) {
    return core::Fail(StreamError(c, "requesting the binlog (COM_BINLOG_DUMP)"));
  }
  return {};
}

core::Result<bool> BinlogStream::DumpMysqlGtid(const BinlogStreamOptions& options, const BinlogPoint& start) {
  MysqlConnection& c = *conn_;
  if (start.gtid.empty()) {
    if (start.file.empty()) {
      return core::Fail(core::Error::Config("the stored MySQL position has neither a GTID set nor a binlog file"));
    }
    return false;
  }
  auto mode = c.QueryValue("SELECT @@GLOBAL.gtid_mode");
  if (!mode || !*mode || **mode != "ON") {
    if (!start.file.empty()) return false;  // file + offset is as good without GTIDs
    return core::Fail(core::Error::Config(
        "the stored position is a GTID set but the server's gtid_mode is not ON; erase the state key "
        "'mysql.position' to take a new snapshot"));
  }
  auto executed = MysqlGtidSet::Parse(start.gtid);
  if (!executed) return core::Fail(executed.error());
  // Auto positioning: no file, position 4; the server starts at the first
  // transaction outside the set, wherever (and on whichever primary) it is.
  std::string payload = BinlogDumpGtidPayload(options.server_id, "", 4, *executed);
  MYSQL* m = c.handle();
  if (m->methods->db_command(m, static_cast<enum_server_command>(kComBinlogDumpGtid), payload.data(),
                             payload.size(), 1, nullptr) != 0) {
    return core::Fail(StreamError(c, "requesting the binlog (COM_BINLOG_DUMP_GTID)"));
  }
  return true;
}

core::Result<std::string_view> BinlogStream::Next() {
  MYSQL* m = conn_->handle();
  unsigned long len = mysql_net_read_packet(m);
  if (len == packet_error || len == 0) {
    return core::Fail(StreamError(*conn_, "reading the binlog"));
  }
  const unsigned char* p = m->net.read_pos;
  if (p[0] == 0xFE && len < 9) {
    return core::Fail(core::Error::Retryable("the server ended the binlog stream"));
  }
  if (p[0] != 0x00) {
    return core::Fail(core::Error::Fatal(fmt::format("unexpected binlog packet marker 0x{:02x}", p[0])));
  }
  return std::string_view(reinterpret_cast<const char*>(p) + 1, len - 1);
}

bool BinlogStream::ReadAhead() const {
  // Connector/C reads small packets through a read-ahead cache (ma_pvio.h):
  // bytes there are not on the socket any more.
  const MARIADB_PVIO* pvio = conn_->handle()->net.pvio;
  return pvio != nullptr && pvio->cache != nullptr && pvio->cache_pos < pvio->cache + pvio->cache_size;
}

bool BinlogStream::CanWaitForData() const {
  const MARIADB_PVIO* pvio = conn_->handle()->net.pvio;
  return pvio != nullptr && pvio->ctls == nullptr;  // TLS keeps decrypted bytes out of sight
}

bool BinlogStream::HasPendingData() { return WaitForData(std::chrono::milliseconds(0)); }

bool BinlogStream::WaitForData(std::chrono::milliseconds timeout) {
  if (ReadAhead()) return true;
  pollfd fd{static_cast<int>(mysql_get_socket(conn_->handle())), POLLIN, 0};
  return fd.fd >= 0 && poll(&fd, 1, static_cast<int>(timeout.count())) > 0 && (fd.revents & POLLIN) != 0;
}

}  // namespace cdc::mysql
