// Wire layout (PostgreSQL "Logical Replication Message Formats"; all integers
// big-endian, strings NUL-terminated; [xid] = Int32 present only inside a
// stream, i.e. between StreamStart and StreamStop):
//
//   'B' Int64 final_lsn, Int64 commit_time, Int32 xid
//   'C' Int8 flags, Int64 commit_lsn, Int64 end_lsn, Int64 commit_time
//   'O' Int64 commit_lsn, String name
//   'R' [xid] Int32 oid, String namespace, String name, Int8 replica_identity,
//       Int16 ncols, ncols × (Int8 flags, String name, Int32 type_oid, Int32 typmod)
//   'Y' [xid] Int32 oid, String namespace, String name
//   'I' [xid] Int32 oid, 'N' TupleData
//   'U' [xid] Int32 oid, optional ('K'|'O' TupleData), 'N' TupleData
//   'D' [xid] Int32 oid, ('K'|'O') TupleData
//   'T' [xid] Int32 nrels, Int8 options, nrels × Int32 oid
//   'M' [xid] Int8 flags, Int64 lsn, String prefix, Int32 n, Byte[n] content
//   'S' Int32 xid, Int8 first_segment            (protocol 2)
//   'E'                                          (protocol 2)
//   'c' Int32 xid, Int8 flags, Int64 commit_lsn, Int64 end_lsn, Int64 commit_time
//   'A' Int32 xid, Int32 subxid [, Int64 abort_lsn, Int64 abort_time] (parallel, 4)
//   TupleData: Int16 ncols, ncols × ('n' | 'u' | 't' Int32 n Byte[n] | 'b' Int32 n Byte[n])
//
// Times are Int64 µs since 2000-01-01 and are shifted to the Unix epoch here.
#include "connectors/postgres/pgoutput_decoder.h"

#include <cstdio>
#include <string>
#include <utility>

#include "connectors/postgres/byte_reader.h"

namespace cdc::pg {
namespace {

// Evaluates a Result-returning expression; on error returns it from the
// enclosing function, otherwise assigns the value.
#define CDC_ASSIGN_OR_RETURN(lhs, expr)                                  \
  do {                                                                   \
    auto cdc_result_ = (expr);                                           \
    if (!cdc_result_) return core::Fail(std::move(cdc_result_).error()); \
    lhs = std::move(*cdc_result_);                                       \
  } while (false)

std::string HexByte(uint8_t b) {
  char hex[8];
  std::snprintf(hex, sizeof(hex), "0x%02x", b);
  return hex;
}

core::Error Malformed(char type, const std::string& what) {
  return core::Error::Bug(std::string("malformed pgoutput '") + type + "' message: " + what);
}

core::Result<int64_t> ReadTime(ByteReader& in) {
  int64_t pg_time = 0;
  CDC_ASSIGN_OR_RETURN(pg_time, in.ReadI64());
  // A commit time near the int64 limits cannot be a real one; shifting it to
  // the Unix epoch would overflow (found by fuzzing).
  int64_t unix_time = 0;
  if (__builtin_add_overflow(pg_time, kPostgresEpochOffsetUs, &unix_time)) {
    return core::Fail(core::Error::Bug("pgoutput timestamp " + std::to_string(pg_time) + " is out of range"));
  }
  return unix_time;
}

core::Result<TupleData> ReadTuple(ByteReader& in) {
  uint16_t ncols = 0;
  CDC_ASSIGN_OR_RETURN(ncols, in.ReadU16());
  TupleData tuple;
  // Each column takes at least one byte: bound the reservation by the input
  // so a corrupt count cannot make us allocate wildly.
  if (ncols > in.remaining()) {
    return core::Fail(core::Error::Bug("pgoutput tuple claims " + std::to_string(ncols) +
                                       " columns but only " + std::to_string(in.remaining()) +
                                       " bytes remain"));
  }
  tuple.reserve(ncols);
  for (uint16_t i = 0; i < ncols; ++i) {
    uint8_t kind = 0;
    CDC_ASSIGN_OR_RETURN(kind, in.ReadU8());
    TupleColumn column;
    switch (kind) {
      case 'n':
        column.kind = TupleDataKind::kNull;
        break;
      case 'u':
        column.kind = TupleDataKind::kUnchangedToast;
        break;
      case 't':
      case 'b': {
        column.kind = kind == 't' ? TupleDataKind::kText : TupleDataKind::kBinary;
        uint32_t len = 0;
        CDC_ASSIGN_OR_RETURN(len, in.ReadU32());
        CDC_ASSIGN_OR_RETURN(column.data, in.ReadBytes(len));
        break;
      }
      default:
        return core::Fail(core::Error::Bug("unknown pgoutput tuple column kind byte " +
                                           HexByte(kind) + " at column " + std::to_string(i)));
    }
    tuple.push_back(column);
  }
  return tuple;
}

}  // namespace

core::Result<PgoutputMessage> PgoutputDecoder::Decode(std::string_view payload) {
  ByteReader in(payload);
  uint8_t type_byte = 0;
  CDC_ASSIGN_OR_RETURN(type_byte, in.ReadU8());
  const char type = static_cast<char>(type_byte);
  PgoutputMessage result;

  // Inside a stream, every change message starts with the transaction's xid.
  auto read_stream_xid = [&](uint32_t& xid) -> core::Status {
    if (!in_stream_) return {};
    CDC_ASSIGN_OR_RETURN(xid, in.ReadU32());
    return {};
  };
  auto reject_in_stream = [&]() -> core::Status {
    if (in_stream_) return core::Fail(Malformed(type, "not allowed inside a stream"));
    return {};
  };

  switch (type) {
    case 'B': {
      if (auto s = reject_in_stream(); !s) return core::Fail(s.error());
      BeginMessage m;
      CDC_ASSIGN_OR_RETURN(m.final_lsn, in.ReadU64());
      CDC_ASSIGN_OR_RETURN(m.commit_time_us, ReadTime(in));
      CDC_ASSIGN_OR_RETURN(m.xid, in.ReadU32());
      result = m;
      break;
    }
    case 'C': {
      if (auto s = reject_in_stream(); !s) return core::Fail(s.error());
      CommitMessage m;
      CDC_ASSIGN_OR_RETURN(m.flags, in.ReadU8());
      CDC_ASSIGN_OR_RETURN(m.commit_lsn, in.ReadU64());
      CDC_ASSIGN_OR_RETURN(m.end_lsn, in.ReadU64());
      CDC_ASSIGN_OR_RETURN(m.commit_time_us, ReadTime(in));
      result = m;
      break;
    }
    case 'O': {
      OriginMessage m;
      CDC_ASSIGN_OR_RETURN(m.commit_lsn, in.ReadU64());
      CDC_ASSIGN_OR_RETURN(m.name, in.ReadCString());
      result = m;
      break;
    }
    case 'R': {
      RelationMessage m;
      if (auto s = read_stream_xid(m.xid); !s) return core::Fail(s.error());
      CDC_ASSIGN_OR_RETURN(m.oid, in.ReadU32());
      CDC_ASSIGN_OR_RETURN(m.namespace_name, in.ReadCString());
      CDC_ASSIGN_OR_RETURN(m.name, in.ReadCString());
      uint8_t identity = 0;
      CDC_ASSIGN_OR_RETURN(identity, in.ReadU8());
      m.replica_identity = static_cast<char>(identity);
      uint16_t ncols = 0;
      CDC_ASSIGN_OR_RETURN(ncols, in.ReadU16());
      if (ncols > in.remaining()) {
        return core::Fail(Malformed(type, std::to_string(ncols) + " columns in " +
                                              std::to_string(in.remaining()) + " bytes"));
      }
      m.columns.reserve(ncols);
      for (uint16_t i = 0; i < ncols; ++i) {
        RelationColumn c;
        CDC_ASSIGN_OR_RETURN(c.flags, in.ReadU8());
        CDC_ASSIGN_OR_RETURN(c.name, in.ReadCString());
        CDC_ASSIGN_OR_RETURN(c.type_oid, in.ReadU32());
        CDC_ASSIGN_OR_RETURN(c.type_modifier, in.ReadI32());
        m.columns.push_back(c);
      }
      result = std::move(m);
      break;
    }
    case 'Y': {
      TypeMessage m;
      if (auto s = read_stream_xid(m.xid); !s) return core::Fail(s.error());
      CDC_ASSIGN_OR_RETURN(m.oid, in.ReadU32());
      CDC_ASSIGN_OR_RETURN(m.namespace_name, in.ReadCString());
      CDC_ASSIGN_OR_RETURN(m.name, in.ReadCString());
      result = m;
      break;
    }
    case 'I': {
      InsertMessage m;
      if (auto s = read_stream_xid(m.xid); !s) return core::Fail(s.error());
      CDC_ASSIGN_OR_RETURN(m.relation_oid, in.ReadU32());
      uint8_t marker = 0;
      CDC_ASSIGN_OR_RETURN(marker, in.ReadU8());
      if (marker != 'N') return core::Fail(Malformed(type, "expected 'N' before the new tuple"));
      CDC_ASSIGN_OR_RETURN(m.new_tuple, ReadTuple(in));
      result = std::move(m);
      break;
    }
    case 'U': {
      UpdateMessage m;
      if (auto s = read_stream_xid(m.xid); !s) return core::Fail(s.error());
      CDC_ASSIGN_OR_RETURN(m.relation_oid, in.ReadU32());
      uint8_t marker = 0;
      CDC_ASSIGN_OR_RETURN(marker, in.ReadU8());
      if (marker == 'K' || marker == 'O') {
        m.old_kind = static_cast<OldTupleKind>(marker);
        CDC_ASSIGN_OR_RETURN(m.old_tuple, ReadTuple(in));
        CDC_ASSIGN_OR_RETURN(marker, in.ReadU8());
      }
      if (marker != 'N') return core::Fail(Malformed(type, "expected 'N' before the new tuple"));
      CDC_ASSIGN_OR_RETURN(m.new_tuple, ReadTuple(in));
      result = std::move(m);
      break;
    }
    case 'D': {
      DeleteMessage m;
      if (auto s = read_stream_xid(m.xid); !s) return core::Fail(s.error());
      CDC_ASSIGN_OR_RETURN(m.relation_oid, in.ReadU32());
      uint8_t marker = 0;
      CDC_ASSIGN_OR_RETURN(marker, in.ReadU8());
      if (marker != 'K' && marker != 'O') {
        return core::Fail(Malformed(type, "expected 'K' or 'O' before the old tuple"));
      }
      m.old_kind = static_cast<OldTupleKind>(marker);
      CDC_ASSIGN_OR_RETURN(m.old_tuple, ReadTuple(in));
      result = std::move(m);
      break;
    }
    case 'T': {
      TruncateMessage m;
      if (auto s = read_stream_xid(m.xid); !s) return core::Fail(s.error());
      uint32_t nrels = 0;
      CDC_ASSIGN_OR_RETURN(nrels, in.ReadU32());
      CDC_ASSIGN_OR_RETURN(m.options, in.ReadU8());
      if (nrels > in.remaining() / 4) {
        return core::Fail(Malformed(type, std::to_string(nrels) + " relations in " +
                                              std::to_string(in.remaining()) + " bytes"));
      }
      m.relation_oids.reserve(nrels);
      for (uint32_t i = 0; i < nrels; ++i) {
        uint32_t oid = 0;
        CDC_ASSIGN_OR_RETURN(oid, in.ReadU32());
        m.relation_oids.push_back(oid);
      }
      result = std::move(m);
      break;
    }
    case 'M': {
      LogicalMessage m;
      if (auto s = read_stream_xid(m.xid); !s) return core::Fail(s.error());
      CDC_ASSIGN_OR_RETURN(m.flags, in.ReadU8());
      CDC_ASSIGN_OR_RETURN(m.lsn, in.ReadU64());
      CDC_ASSIGN_OR_RETURN(m.prefix, in.ReadCString());
      uint32_t len = 0;
      CDC_ASSIGN_OR_RETURN(len, in.ReadU32());
      CDC_ASSIGN_OR_RETURN(m.content, in.ReadBytes(len));
      result = m;
      break;
    }
    case 'S': {
      if (auto s = reject_in_stream(); !s) return core::Fail(s.error());
      StreamStartMessage m;
      CDC_ASSIGN_OR_RETURN(m.xid, in.ReadU32());
      uint8_t first = 0;
      CDC_ASSIGN_OR_RETURN(first, in.ReadU8());
      m.first_segment = first == 1;
      result = m;
      break;
    }
    case 'E': {
      if (!in_stream_) return core::Fail(Malformed(type, "stream stop outside a stream"));
      result = StreamStopMessage{};
      break;
    }
    case 'c': {
      if (auto s = reject_in_stream(); !s) return core::Fail(s.error());
      StreamCommitMessage m;
      CDC_ASSIGN_OR_RETURN(m.xid, in.ReadU32());
      CDC_ASSIGN_OR_RETURN(m.flags, in.ReadU8());
      CDC_ASSIGN_OR_RETURN(m.commit_lsn, in.ReadU64());
      CDC_ASSIGN_OR_RETURN(m.end_lsn, in.ReadU64());
      CDC_ASSIGN_OR_RETURN(m.commit_time_us, ReadTime(in));
      result = m;
      break;
    }
    case 'A': {
      if (auto s = reject_in_stream(); !s) return core::Fail(s.error());
      StreamAbortMessage m;
      CDC_ASSIGN_OR_RETURN(m.xid, in.ReadU32());
      CDC_ASSIGN_OR_RETURN(m.subxid, in.ReadU32());
      // Parallel streaming (protocol 4) appends the abort LSN and time; the
      // message length is the only way to tell.
      if (!in.empty()) {
        CDC_ASSIGN_OR_RETURN(m.abort_lsn, in.ReadU64());
        CDC_ASSIGN_OR_RETURN(m.abort_time_us, ReadTime(in));
      }
      result = m;
      break;
    }
    default: {
      std::string printable =
          (type_byte >= 0x20 && type_byte < 0x7f) ? std::string(" '") + type + "'" : "";
      return core::Fail(core::Error::Bug("unknown pgoutput message type byte " +
                                         HexByte(type_byte) + printable + " (" +
                                         std::to_string(payload.size()) + " bytes)"));
    }
  }

  if (!in.empty()) {
    return core::Fail(Malformed(type, std::to_string(in.remaining()) + " trailing bytes after " +
                                          std::to_string(in.offset())));
  }
  // Stream state changes only once the whole message decoded.
  if (type == 'S') {
    in_stream_ = true;
    stream_xid_ = std::get<StreamStartMessage>(result).xid;
  } else if (type == 'E') {
    in_stream_ = false;
    stream_xid_ = 0;
  }
  return result;
}

#undef CDC_ASSIGN_OR_RETURN

}  // namespace cdc::pg
