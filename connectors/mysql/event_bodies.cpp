// Layouts (little endian):
//   FORMAT_DESCRIPTION: binlog_version u16 | server_version char[50] | created u32 |
//     header_len u8 | post-header lengths[] | (checksum-aware) alg u8 | crc u32
//   ROTATE: position u64 | next file name (rest)
//   QUERY: thread u32 | exec_time u32 | db_len u8 | error u16 | status_len u16 |
//     status vars | db | 0 | statement (rest)
//   GTID/ANONYMOUS_GTID: flags u8 | sid[16] | gno u64 | [lc type 2 | last_committed
//     i64 | sequence i64 | [immediate ts u56 (bit 55: original ts u56 follows) |
//     [tx length lenenc | ...]]]
//   GTID_TAGGED: serialization v2 message: version u8, size, last non-ignorable
//     field id, then (field id, value) pairs in MySQL's varlen integer format
//   PREVIOUS_GTIDS: n_sids u64 (top byte = format, 1 = tagged) | per sid: uuid[16]
//     [tag varlen string] | n_intervals u64 | (start, end) i64 pairs
//   MARIADB_GTID: seq u64 | domain u32 | flags u8 | [commit id u64 | xa xid]
//   MARIADB_GTID_LIST: count u32 (low 28 bits) | (domain u32, server u32, seq u64)*
//   BINLOG_CHECKPOINT: name_len u32 | name
//   TRANSACTION_PAYLOAD / HEARTBEAT_V2: (type lenenc, length lenenc, value)* then
//     type 0 ends the header (payload follows)
#include "connectors/mysql/event_bodies.h"

#include <zlib.h>

#include <cstdio>
#include <string>

#include "connectors/mysql/byte_reader.h"
#include "connectors/mysql/gtid_tagged.h"

namespace cdc::mysql {
namespace {

core::Error Bad(const std::string& m) { return core::Error::BadData(m); }

core::Result<std::vector<std::pair<uint64_t, std::string_view>>> ReadTlv(ByteReader& r) {
  std::vector<std::pair<uint64_t, std::string_view>> fields;
  while (!r.empty()) {
    MYSQL_ASSIGN_OR_RETURN(uint64_t type, r.PackedInt());
    if (type == 0) break;
    MYSQL_ASSIGN_OR_RETURN(std::string_view value, r.PackedBytes());
    fields.emplace_back(type, value);
  }
  return fields;
}

core::Result<uint64_t> TlvInt(std::string_view value) {
  ByteReader v(value);
  return v.PackedInt();
}

}  // namespace

bool FormatHasChecksumByte(const std::string& server_version) {
  unsigned major = 0, minor = 0, patch = 0;
  std::sscanf(server_version.c_str(), "%u.%u.%u", &major, &minor, &patch);
  if (server_version.find("MariaDB") != std::string::npos) {
    return major > 5 || (major == 5 && minor >= 3);
  }
  return major > 5 || (major == 5 && (minor > 6 || (minor == 6 && patch >= 1)));
}

core::Result<FormatDescription> DecodeFormatDescription(std::string_view body) {
  ByteReader r(body);
  FormatDescription f;
  MYSQL_ASSIGN_OR_RETURN(f.binlog_version, r.U16());
  MYSQL_ASSIGN_OR_RETURN(std::string_view version, r.Bytes(50));
  f.server_version = std::string(version.substr(0, version.find('\0')));
  MYSQL_ASSIGN_OR_RETURN(f.create_timestamp, r.U32());
  MYSQL_ASSIGN_OR_RETURN(f.header_length, r.U8());
  if (f.binlog_version != 4 || f.header_length < kEventHeaderSize) {
    return core::Fail(Bad("unsupported binlog format version " + std::to_string(f.binlog_version)));
  }
  f.flavor = f.server_version.find("MariaDB") != std::string::npos ? Flavor::kMariaDb : Flavor::kMysql;
  std::string_view rest = r.Rest();
  if (FormatHasChecksumByte(f.server_version)) {
    if (rest.size() < 1 + kChecksumSize) return core::Fail(Bad("FORMAT_DESCRIPTION truncated"));
    uint8_t alg = static_cast<uint8_t>(rest[rest.size() - 1 - kChecksumSize]);
    if (alg != 0 && alg != 1) {
      return core::Fail(Bad("unsupported binlog checksum algorithm " + std::to_string(alg)));
    }
    f.checksum = static_cast<ChecksumAlg>(alg);
    rest = rest.substr(0, rest.size() - 1 - kChecksumSize);
  }
  f.post_header_lengths.assign(rest.begin(), rest.end());
  return f;
}

core::Result<Rotate> DecodeRotate(std::string_view body, uint8_t post_header_len) {
  ByteReader r(body);
  Rotate rot;
  if (post_header_len >= 8) {
    MYSQL_ASSIGN_OR_RETURN(rot.position, r.U64());
    MYSQL_RETURN_IF_ERROR(r.Skip(post_header_len - 8));
  } else {
    rot.position = 4;  // pre-v4 rotates had no position: the next file's start
  }
  rot.next_file = std::string(r.Rest());
  return rot;
}

constexpr uint64_t kMaxDeflateRatio = 1032;

core::Result<std::string_view> MariaUncompress(std::string_view data, std::string& storage) {
  ByteReader r(data);
  MYSQL_ASSIGN_OR_RETURN(uint8_t head, r.U8());
  if ((head & 0x80) == 0 || ((head & 0x70) >> 4) != 0) {
    return core::Fail(Bad("compressed event: unknown compression header"));
  }
  const size_t len_bytes = head & 0x07;
  if (len_bytes < 1 || len_bytes > 4) return core::Fail(Bad("compressed event: bad length size"));
  MYSQL_ASSIGN_OR_RETURN(uint64_t expected, r.UintBe(len_bytes));
  if (expected > (1ULL << 30)) return core::Fail(Bad("compressed event: implausible size"));
  std::string_view in = r.Rest();
  // deflate inflates at most ~1032:1: a larger claim is corrupt, and must not
  // make a few bytes allocate up to 1 GiB before zlib fails (found by fuzzing).
  if (expected > static_cast<uint64_t>(in.size()) * kMaxDeflateRatio + 64) {
    return core::Fail(Bad("compressed event: " + std::to_string(expected) + " bytes cannot come from " +
                          std::to_string(in.size()) + " compressed bytes"));
  }
  storage.assign(expected, '\0');
  uLongf out_len = static_cast<uLongf>(expected);
  int rc = uncompress(reinterpret_cast<Bytef*>(storage.data()), &out_len,
                      reinterpret_cast<const Bytef*>(in.data()), static_cast<uLong>(in.size()));
  if (rc != Z_OK || out_len != expected) {
    return core::Fail(Bad("compressed event: zlib error " + std::to_string(rc)));
  }
  return std::string_view(storage);
}

core::Result<Query> DecodeQuery(std::string_view body, uint8_t post_header_len, bool compressed) {
  ByteReader r(body);
  Query q;
  MYSQL_ASSIGN_OR_RETURN(q.thread_id, r.U32());
  MYSQL_ASSIGN_OR_RETURN(q.exec_time, r.U32());
  MYSQL_ASSIGN_OR_RETURN(uint8_t db_len, r.U8());
  MYSQL_ASSIGN_OR_RETURN(q.error_code, r.U16());
  uint16_t status_len = 0;
  if (post_header_len >= 13) {
    MYSQL_ASSIGN_OR_RETURN(status_len, r.U16());
    MYSQL_RETURN_IF_ERROR(r.Skip(post_header_len - 13));
  }
  MYSQL_RETURN_IF_ERROR(r.Skip(status_len));
  MYSQL_ASSIGN_OR_RETURN(std::string_view db, r.Bytes(db_len));
  MYSQL_RETURN_IF_ERROR(r.Skip(1));
  q.database = std::string(db);
  if (compressed) {
    std::string storage;
    MYSQL_ASSIGN_OR_RETURN(std::string_view sql, MariaUncompress(r.Rest(), storage));
    q.sql = std::string(sql);
  } else {
    q.sql = std::string(r.Rest());
  }
  q.kind = ClassifyQuery(q.sql);
  return q;
}

core::Result<Gtid> DecodeGtid(uint8_t type, std::string_view body) {
  if (type == kGtidTaggedEvent) return DecodeTaggedGtid(body);
  ByteReader r(body);
  Gtid g;
  g.anonymous = type == kAnonymousGtidEvent;
  MYSQL_ASSIGN_OR_RETURN(g.flags, r.U8());
  MYSQL_ASSIGN_OR_RETURN(std::string_view sid, r.Bytes(16));
  for (size_t i = 0; i < 16; ++i) g.gtid.sid.bytes[i] = static_cast<uint8_t>(sid[i]);
  MYSQL_ASSIGN_OR_RETURN(g.gtid.gno, r.U64());
  if (!r.empty() && static_cast<uint8_t>(r.Rest()[0]) == 2) {
    MYSQL_RETURN_IF_ERROR(r.Skip(1));
    MYSQL_ASSIGN_OR_RETURN(uint64_t lc, r.U64());
    MYSQL_ASSIGN_OR_RETURN(uint64_t seq, r.U64());
    g.last_committed = static_cast<int64_t>(lc);
    g.sequence_number = static_cast<int64_t>(seq);
    if (r.remaining() >= 7) {
      MYSQL_ASSIGN_OR_RETURN(uint64_t ts, r.UintLe(7));
      if (ts & (1ULL << 55)) {
        g.immediate_commit_timestamp_us = ts & ~(1ULL << 55);
        MYSQL_ASSIGN_OR_RETURN(g.original_commit_timestamp_us, r.UintLe(7));
      } else {
        g.immediate_commit_timestamp_us = ts;
        g.original_commit_timestamp_us = ts;
      }
      if (!r.empty()) {
        MYSQL_ASSIGN_OR_RETURN(g.transaction_length, r.PackedInt());
      }
    }
  }
  return g;
}

core::Result<PreviousGtids> DecodePreviousGtids(std::string_view body) {
  ByteReader r(body);
  PreviousGtids p;
  MYSQL_ASSIGN_OR_RETURN(uint64_t head, r.U64());
  const bool tagged = (head >> 56) == 1;
  const uint64_t n_sids = tagged ? (head >> 8) & ((1ULL << 48) - 1) : head & ((1ULL << 56) - 1);
  if (n_sids > r.remaining()) return core::Fail(Bad("PREVIOUS_GTIDS: bad sid count"));
  for (uint64_t i = 0; i < n_sids; ++i) {
    MysqlGtidSet::Key key;
    MYSQL_ASSIGN_OR_RETURN(std::string_view sid, r.Bytes(16));
    for (size_t k = 0; k < 16; ++k) key.first.bytes[k] = static_cast<uint8_t>(sid[k]);
    if (tagged) {
      MYSQL_ASSIGN_OR_RETURN(uint64_t len, ReadSerialUint(r));
      MYSQL_ASSIGN_OR_RETURN(std::string_view tag, r.Bytes(len));
      key.second = std::string(tag);
    }
    MYSQL_ASSIGN_OR_RETURN(uint64_t n_intervals, r.U64());
    if (n_intervals > r.remaining() / 16) return core::Fail(Bad("PREVIOUS_GTIDS: bad interval count"));
    for (uint64_t k = 0; k < n_intervals; ++k) {
      MYSQL_ASSIGN_OR_RETURN(uint64_t start, r.U64());
      MYSQL_ASSIGN_OR_RETURN(uint64_t end, r.U64());
      p.set.AddInterval(key, {start, end});
    }
  }
  return p;
}

core::Result<MariaGtidEvent> DecodeMariaGtid(std::string_view body, uint32_t server_id) {
  constexpr uint8_t kStandalone = 1, kGroupCommitId = 2, kTransactional = 4, kDdl = 32, kPreparedXa = 64,
                    kCompletedXa = 128;
  ByteReader r(body);
  MariaGtidEvent g;
  MYSQL_ASSIGN_OR_RETURN(g.gtid.seq_no, r.U64());
  MYSQL_ASSIGN_OR_RETURN(g.gtid.domain_id, r.U32());
  g.gtid.server_id = server_id;
  MYSQL_ASSIGN_OR_RETURN(g.flags, r.U8());
  g.standalone = g.flags & kStandalone;
  g.transactional = g.flags & kTransactional;
  g.ddl = g.flags & kDdl;
  if (g.flags & kGroupCommitId) {
    MYSQL_ASSIGN_OR_RETURN(g.commit_id, r.U64());
  } else if (g.flags & (kPreparedXa | kCompletedXa)) {
    MYSQL_RETURN_IF_ERROR(r.Skip(4));  // format id
    MYSQL_ASSIGN_OR_RETURN(uint8_t gtrid_len, r.U8());
    MYSQL_ASSIGN_OR_RETURN(uint8_t bqual_len, r.U8());
    MYSQL_ASSIGN_OR_RETURN(std::string_view xid, r.Bytes(gtrid_len + bqual_len));
    g.xid = std::string(xid);
  }
  return g;
}

core::Result<MariaGtidList> DecodeMariaGtidList(std::string_view body) {
  ByteReader r(body);
  MariaGtidList list;
  MYSQL_ASSIGN_OR_RETURN(uint32_t head, r.U32());
  const uint32_t count = head & 0x0FFFFFFF;
  if (count > r.remaining() / 16) return core::Fail(Bad("GTID_LIST: bad count"));
  for (uint32_t i = 0; i < count; ++i) {
    MariaGtid g;
    MYSQL_ASSIGN_OR_RETURN(g.domain_id, r.U32());
    MYSQL_ASSIGN_OR_RETURN(g.server_id, r.U32());
    MYSQL_ASSIGN_OR_RETURN(g.seq_no, r.U64());
    list.gtids.push_back(g);
  }
  return list;
}

core::Result<BinlogCheckpoint> DecodeBinlogCheckpoint(std::string_view body) {
  ByteReader r(body);
  MYSQL_ASSIGN_OR_RETURN(uint32_t len, r.U32());
  MYSQL_ASSIGN_OR_RETURN(std::string_view name, r.Bytes(len));
  return BinlogCheckpoint{std::string(name)};
}

core::Result<Heartbeat> DecodeHeartbeat(uint8_t type, std::string_view body, uint32_t log_pos) {
  Heartbeat h;
  if (type == kHeartbeatEvent) {
    h.version = 1;
    h.file = std::string(body);
    h.position = log_pos;
    return h;
  }
  h.version = 2;
  ByteReader r(body);
  MYSQL_ASSIGN_OR_RETURN(auto fields, ReadTlv(r));
  for (const auto& [field, value] : fields) {
    if (field == 1) h.file = std::string(value);
    if (field == 2) {
      MYSQL_ASSIGN_OR_RETURN(h.position, TlvInt(value));
    }
  }
  return h;
}

core::Result<Incident> DecodeIncident(std::string_view body) {
  ByteReader r(body);
  Incident inc;
  MYSQL_ASSIGN_OR_RETURN(inc.type, r.U16());
  if (!r.empty()) {
    MYSQL_ASSIGN_OR_RETURN(uint8_t len, r.U8());
    MYSQL_ASSIGN_OR_RETURN(std::string_view msg, r.Bytes(len));
    inc.message = std::string(msg);
  }
  return inc;
}

core::Result<Xid> DecodeXid(std::string_view body) {
  ByteReader r(body);
  MYSQL_ASSIGN_OR_RETURN(uint64_t xid, r.U64());
  return Xid{xid};
}

core::Result<PayloadHeader> DecodePayloadHeader(std::string_view body) {
  ByteReader r(body);
  PayloadHeader h;
  MYSQL_ASSIGN_OR_RETURN(auto fields, ReadTlv(r));
  for (const auto& [field, value] : fields) {
    if (field == 1) {
      MYSQL_ASSIGN_OR_RETURN(h.payload_size, TlvInt(value));
    }
    if (field == 2) {
      MYSQL_ASSIGN_OR_RETURN(h.compression_type, TlvInt(value));
    }
    if (field == 3) {
      MYSQL_ASSIGN_OR_RETURN(h.uncompressed_size, TlvInt(value));
    }
  }
  if (h.payload_size > r.remaining()) return core::Fail(Bad("TRANSACTION_PAYLOAD truncated"));
  MYSQL_ASSIGN_OR_RETURN(h.payload, r.Bytes(h.payload_size));
  return h;
}

}  // namespace cdc::mysql
