// Event framing: 19-byte header (timestamp u32, type u8, server_id u32,
// event_size u32, log_pos u32, flags u16), body, then a CRC32 of header+body
// when the FORMAT_DESCRIPTION declares checksum algorithm 1. A FORMAT_DESCRIPTION
// announces its own algorithm, so it is checked against what it declares.
#include "connectors/mysql/event_decoder.h"

#include <libdeflate.h>
#include <zstd.h>

#include <string>

#include "connectors/mysql/byte_reader.h"
#include "connectors/mysql/event_bodies.h"
#include "connectors/mysql/row_decoder.h"

namespace cdc::mysql {
namespace {

constexpr size_t kMaxPayloadSize = 1ULL << 30;

core::Result<EventHeader> ReadHeader(std::string_view raw) {
  ByteReader r(raw);
  EventHeader h;
  MYSQL_ASSIGN_OR_RETURN(h.timestamp, r.U32());
  MYSQL_ASSIGN_OR_RETURN(h.type, r.U8());
  MYSQL_ASSIGN_OR_RETURN(h.server_id, r.U32());
  MYSQL_ASSIGN_OR_RETURN(h.event_size, r.U32());
  MYSQL_ASSIGN_OR_RETURN(h.log_pos, r.U32());
  MYSQL_ASSIGN_OR_RETURN(h.flags, r.U16());
  return h;
}

constexpr size_t kFlagsOffset = 17;
constexpr uint8_t kBinlogInUseFlag = 0x01;

bool CrcMatches(std::string_view raw) {
  if (raw.size() < kEventHeaderSize + kChecksumSize) return false;
  std::string_view data = raw.substr(0, raw.size() - kChecksumSize);
  uint32_t stored = 0;
  for (size_t i = 0; i < kChecksumSize; ++i) {
    stored |= static_cast<uint32_t>(static_cast<uint8_t>(raw[data.size() + i])) << (8 * i);
  }
  // libdeflate's CRC-32 is zlib's (same polynomial and result), folded with
  // PCLMUL where the CPU has it: a tenth of the instructions per byte.
  uint32_t crc;
  if (static_cast<uint8_t>(raw[4]) == kFormatDescriptionEvent &&
      (static_cast<uint8_t>(raw[kFlagsOffset]) & kBinlogInUseFlag)) {
    // The server sets LOG_EVENT_BINLOG_IN_USE_F in the file's FORMAT_DESCRIPTION
    // after computing its checksum (and clears it on close): check without it.
    std::string copy(data);
    copy[kFlagsOffset] = static_cast<char>(copy[kFlagsOffset] & ~kBinlogInUseFlag);
    crc = libdeflate_crc32(0, copy.data(), copy.size());
  } else {
    crc = libdeflate_crc32(0, data.data(), data.size());
  }
  return crc == stored;
}

// The table id that opens a TABLE_MAP body (6 bytes, 4 before MySQL 5.1.4);
// 0 when the body is too short (then the full decode reports it).
uint64_t PeekTableId(std::string_view body, uint8_t post_header_len) {
  const size_t width = post_header_len == 6 ? 4 : 6;
  if (body.size() < width) return 0;
  uint64_t id = 0;
  for (size_t i = 0; i < width; ++i) id |= static_cast<uint64_t>(static_cast<uint8_t>(body[i])) << (8 * i);
  return id;
}

bool IsRowsType(uint8_t type) {
  return (type >= kWriteRowsEventV0 && type <= kDeleteRowsEventV1) ||
         (type >= kWriteRowsEventV2 && type <= kDeleteRowsEventV2) || type == kPartialUpdateRowsEvent ||
         (type >= kMariaWriteRowsCompressedEventV1 && type <= kMariaDeleteRowsCompressedEvent);
}

// Types that carry nothing a change stream needs; returned as Ignored.
bool IsKnownIgnorable(uint8_t type) {
  switch (type) {
    case kStartEventV3:
    case kIntvarEvent:
    case kSlaveEvent:
    case kAppendBlockEvent:
    case kDeleteFileEvent:
    case kRandEvent:
    case kUserVarEvent:
    case kBeginLoadQueryEvent:
    case kExecuteLoadQueryEvent:
    case kIgnorableEvent:
    case kTransactionContextEvent:
    case kViewChangeEvent:
    case kXaPrepareEvent:
    case kMariaStartEncryptionEvent:
      return true;
    default:
      return false;
  }
}

core::Error WithPosition(core::Error e, const EventHeader& h) {
  if (e.position.empty()) {
    e.position = EventTypeName(h.type) + " ending at " + std::to_string(h.log_pos);
  }
  return e;
}

}  // namespace

FormatDescription EventDecoder::DefaultFormat(Flavor flavor, ChecksumAlg checksum) {
  FormatDescription f;
  f.server_version = flavor == Flavor::kMariaDb ? "10.11.0-MariaDB" : "8.0.0";
  f.flavor = flavor;
  f.checksum = checksum;
  // Post-header lengths of a v4 binlog, by type code - 1 (MySQL 8.0 and
  // MariaDB agree on the shared types).
  f.post_header_lengths.assign(kMariaDeleteRowsCompressedEvent, 0);
  auto set = [&f](uint8_t type, uint8_t len) { f.post_header_lengths[type - 1] = len; };
  set(kStartEventV3, 56);
  set(kQueryEvent, 13);
  set(kRotateEvent, 8);
  set(kAppendBlockEvent, 4);
  set(kDeleteFileEvent, 4);
  set(kFormatDescriptionEvent, 84);
  set(kBeginLoadQueryEvent, 4);
  set(kExecuteLoadQueryEvent, 26);
  set(kTableMapEvent, 8);
  for (uint8_t t = kWriteRowsEventV1; t <= kDeleteRowsEventV1; ++t) set(t, 8);
  set(kIncidentEvent, 2);
  for (uint8_t t = kWriteRowsEventV2; t <= kDeleteRowsEventV2; ++t) set(t, 10);
  set(kGtidEvent, 42);
  set(kAnonymousGtidEvent, 42);
  set(kTransactionContextEvent, 18);
  set(kViewChangeEvent, 52);
  set(kPartialUpdateRowsEvent, 10);
  set(kMariaGtidEvent, 19);
  set(kMariaGtidListEvent, 4);
  set(kMariaBinlogCheckpointEvent, 4);
  set(kMariaQueryCompressedEvent, 13);
  for (uint8_t t = kMariaWriteRowsCompressedEventV1; t <= kMariaDeleteRowsCompressedEventV1; ++t) {
    set(t, 8);
  }
  return f;
}

uint8_t EventDecoder::PostHeaderLength(uint8_t type, uint8_t fallback) const {
  if (!format_ || type == 0 || type > format_->post_header_lengths.size()) return fallback;
  return format_->post_header_lengths[type - 1];
}

core::Result<BinlogEvent> EventDecoder::Decode(std::string_view raw_event) {
  return DecodeFramed(raw_event, /*inside_payload=*/false);
}

core::Result<BinlogEvent> EventDecoder::DecodeFramed(std::string_view raw, bool inside_payload) {
  MYSQL_ASSIGN_OR_RETURN(EventHeader header, ReadHeader(raw));
  if (header.event_size != raw.size()) {
    return core::Fail(
        WithPosition(core::Error::BadData("event size " + std::to_string(header.event_size) + " but " +
                                          std::to_string(raw.size()) + " bytes given"),
                     header));
  }
  BinlogEvent event;
  event.header = header;
  std::string_view body = raw.substr(kEventHeaderSize);

  if (header.type == kFormatDescriptionEvent) {
    auto format = DecodeFormatDescription(body);
    if (!format) return core::Fail(WithPosition(std::move(format).error(), header));
    if (format->checksum == ChecksumAlg::kCrc32) {
      if (!CrcMatches(raw)) {
        return core::Fail(WithPosition(core::Error::BadData("CRC32 mismatch"), header));
      }
      event.checksum_verified = true;
    }
    format_ = *format;
    event.body = std::move(*format);
    return event;
  }

  // Strip and verify the checksum. Events inside a TRANSACTION_PAYLOAD have none.
  ChecksumAlg alg = format_ ? format_->checksum : checksum_before_format_;
  if (inside_payload) alg = ChecksumAlg::kOff;
  if (alg == ChecksumAlg::kUndefined) alg = CrcMatches(raw) ? ChecksumAlg::kCrc32 : ChecksumAlg::kOff;
  if (alg == ChecksumAlg::kCrc32) {
    if (!CrcMatches(raw)) {
      return core::Fail(WithPosition(core::Error::BadData("CRC32 mismatch"), header));
    }
    event.checksum_verified = true;
    body.remove_suffix(kChecksumSize);
  }

  if (!format_ && header.type != kRotateEvent && header.type != kHeartbeatEvent &&
      header.type != kHeartbeatEventV2) {
    return core::Fail(
        WithPosition(core::Error::BadData("no FORMAT_DESCRIPTION_EVENT before this event"), header));
  }
  auto decoded = DecodeBody(header, body);
  if (!decoded) return core::Fail(WithPosition(std::move(decoded).error(), header));
  event.body = std::move(*decoded);
  return event;
}

core::Result<EventBody> EventDecoder::DecodeBody(const EventHeader& h, std::string_view body) {
  const uint8_t type = h.type;
  if (IsRowsType(type)) return DecodeRows(h, body);
  switch (type) {
    case kRotateEvent: {
      MYSQL_ASSIGN_OR_RETURN(Rotate r, DecodeRotate(body, PostHeaderLength(type, 8)));
      return EventBody(std::move(r));
    }
    case kQueryEvent:
    case kMariaQueryCompressedEvent: {
      MYSQL_ASSIGN_OR_RETURN(
          Query q, DecodeQuery(body, PostHeaderLength(type, 13), type == kMariaQueryCompressedEvent));
      return EventBody(std::move(q));
    }
    case kTableMapEvent: {
      const uint8_t post_header = PostHeaderLength(type, 8);
      if (const auto* same = table_maps_.FindUnchanged(PeekTableId(body, post_header), body)) {
        return EventBody(same->map);
      }
      MYSQL_ASSIGN_OR_RETURN(TableMap map, DecodeTableMap(body, post_header));
      return EventBody(table_maps_.Put(std::move(map), body).map);
    }
    case kXidEvent: {
      MYSQL_ASSIGN_OR_RETURN(Xid x, DecodeXid(body));
      return EventBody(x);
    }
    case kGtidEvent:
    case kAnonymousGtidEvent:
    case kGtidTaggedEvent: {
      MYSQL_ASSIGN_OR_RETURN(Gtid g, DecodeGtid(type, body));
      return EventBody(std::move(g));
    }
    case kPreviousGtidsEvent: {
      MYSQL_ASSIGN_OR_RETURN(PreviousGtids p, DecodePreviousGtids(body));
      return EventBody(std::move(p));
    }
    case kTransactionPayloadEvent:
      return DecodePayload(body);
    case kMariaGtidEvent: {
      MYSQL_ASSIGN_OR_RETURN(MariaGtidEvent g, DecodeMariaGtid(body, h.server_id));
      return EventBody(std::move(g));
    }
    case kMariaGtidListEvent: {
      MYSQL_ASSIGN_OR_RETURN(MariaGtidList l, DecodeMariaGtidList(body));
      return EventBody(std::move(l));
    }
    case kMariaAnnotateRowsEvent:
      return EventBody(AnnotateRows{std::string(body)});
    case kMariaBinlogCheckpointEvent: {
      MYSQL_ASSIGN_OR_RETURN(BinlogCheckpoint c, DecodeBinlogCheckpoint(body));
      return EventBody(std::move(c));
    }
    case kHeartbeatEvent:
    case kHeartbeatEventV2: {
      MYSQL_ASSIGN_OR_RETURN(Heartbeat hb, DecodeHeartbeat(type, body, h.log_pos));
      return EventBody(std::move(hb));
    }
    case kStopEvent:
      return EventBody(Stop{});
    case kIncidentEvent: {
      MYSQL_ASSIGN_OR_RETURN(Incident i, DecodeIncident(body));
      return EventBody(std::move(i));
    }
    case kRowsQueryEvent: {
      // One length byte (truncated at 255, so ignored), then the statement.
      if (body.empty()) return core::Fail(core::Error::BadData("ROWS_QUERY truncated"));
      return EventBody(RowsQuery{std::string(body.substr(1))});
    }
    default:
      break;
  }
  const bool flagged = (h.flags & kLogEventIgnorableFlag) != 0;
  if (IsKnownIgnorable(type) || flagged) {
    ++ignored_counts_[type];
    return EventBody(Ignored{type, flagged});
  }
  return core::Fail(core::Error::BadData("unknown binlog event type " + std::to_string(type) +
                                         " without LOG_EVENT_IGNORABLE_F"));
}

core::Result<EventBody> EventDecoder::DecodeRows(const EventHeader& h, std::string_view body) {
  std::string storage;
  MYSQL_ASSIGN_OR_RETURN(RowsHeader header,
                         DecodeRowsHeader(h.type, body, PostHeaderLength(h.type, 8), storage));
  Rows rows;
  rows.kind = header.kind;
  rows.version = header.version;
  rows.compressed = header.compressed;
  rows.partial_json = header.partial_json;
  rows.table_id = header.table_id;
  rows.flags = header.flags;
  const TableMapCache::Entry* entry = table_maps_.Find(header.table_id);
  if (entry == nullptr) {
    return core::Fail(core::Error::BadData("rows event for table id " + std::to_string(header.table_id) +
                                           " without a preceding TABLE_MAP"));
  }
  rows.table_map = entry->map;
  rows.schema = entry->schema;
  if (!row_filter_ || row_filter_(*entry->map)) {
    MYSQL_ASSIGN_OR_RETURN(rows.rows, DecodeRowImages(header, *entry->map, WantedColumns(entry->schema)));
    rows.decoded = true;
  }
  // Moved, not copied: the header is not used after this.
  rows.columns_before = std::move(header.columns_before);
  rows.columns_after = std::move(header.columns_after);
  return EventBody(std::move(rows));
}

const std::vector<bool>* EventDecoder::WantedColumns(const std::shared_ptr<const core::TableSchema>& schema) {
  if (!column_filter_ || !schema) return nullptr;
  auto it = wanted_.find(schema.get());
  if (it == wanted_.end()) {
    // Schemas are few (one per table definition seen); dropping them all now
    // and then keeps the cache bounded across many DDLs.
    if (wanted_.size() >= 256) wanted_.clear();
    it = wanted_.emplace(schema.get(), Wanted{schema, column_filter_(*schema)}).first;
  }
  return it->second.columns.empty() ? nullptr : &it->second.columns;
}

core::Result<EventBody> EventDecoder::DecodePayload(std::string_view body) {
  MYSQL_ASSIGN_OR_RETURN(PayloadHeader header, DecodePayloadHeader(body));
  TransactionPayload payload;
  payload.compression_type = header.compression_type;
  payload.payload_size = header.payload_size;
  payload.uncompressed_size = header.uncompressed_size;
  std::string inflated;
  std::string_view events;
  if (header.compression_type == 255) {  // NONE
    events = header.payload;
  } else if (header.compression_type == 0) {  // ZSTD
    if (header.uncompressed_size > kMaxPayloadSize) {
      return core::Fail(core::Error::BadData("TRANSACTION_PAYLOAD: implausible size"));
    }
    inflated.resize(header.uncompressed_size);
    size_t n =
        ZSTD_decompress(inflated.data(), inflated.size(), header.payload.data(), header.payload.size());
    if (ZSTD_isError(n) || n != header.uncompressed_size) {
      return core::Fail(core::Error::BadData(std::string("TRANSACTION_PAYLOAD: zstd: ") +
                                             (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "size mismatch")));
    }
    events = inflated;
  } else {
    return core::Fail(core::Error::BadData("TRANSACTION_PAYLOAD: unknown compression type " +
                                           std::to_string(header.compression_type)));
  }
  ByteReader r(events);
  while (!r.empty()) {
    std::string_view rest = r.Rest();
    if (rest.size() < kEventHeaderSize) {
      return core::Fail(core::Error::BadData("TRANSACTION_PAYLOAD: truncated inner event"));
    }
    ByteReader size_reader(rest.substr(9, 4));
    MYSQL_ASSIGN_OR_RETURN(uint32_t size, size_reader.U32());
    MYSQL_ASSIGN_OR_RETURN(std::string_view inner, r.Bytes(size));
    MYSQL_ASSIGN_OR_RETURN(BinlogEvent event, DecodeFramed(inner, /*inside_payload=*/true));
    payload.events.push_back(std::move(event));
  }
  return EventBody(std::move(payload));
}

}  // namespace cdc::mysql
