// Decoders of the non-row event bodies (no header, no CRC32), one function per
// event type; used by EventDecoder. Each reads only its own bytes and fails
// with kBadData on truncation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "connectors/mysql/binlog_event.h"
#include "core/model/result.h"

namespace cdc::mysql {

// `body` is everything after the common header, the trailing checksum included
// (a checksum-aware FDE carries the algorithm byte before it).
core::Result<FormatDescription> DecodeFormatDescription(std::string_view body);
// True when an FDE of this server version carries the checksum algorithm byte.
bool FormatHasChecksumByte(const std::string& server_version);

core::Result<Rotate> DecodeRotate(std::string_view body, uint8_t post_header_len);
core::Result<Query> DecodeQuery(std::string_view body, uint8_t post_header_len, bool compressed);
core::Result<Gtid> DecodeGtid(uint8_t type, std::string_view body);
core::Result<PreviousGtids> DecodePreviousGtids(std::string_view body);
core::Result<MariaGtidEvent> DecodeMariaGtid(std::string_view body, uint32_t server_id);
core::Result<MariaGtidList> DecodeMariaGtidList(std::string_view body);
core::Result<BinlogCheckpoint> DecodeBinlogCheckpoint(std::string_view body);
core::Result<Heartbeat> DecodeHeartbeat(uint8_t type, std::string_view body, uint32_t log_pos);
core::Result<Incident> DecodeIncident(std::string_view body);
core::Result<Xid> DecodeXid(std::string_view body);

// TRANSACTION_PAYLOAD header fields and the (still compressed) payload bytes.
struct PayloadHeader {
  uint64_t compression_type = 0;
  uint64_t payload_size = 0;
  uint64_t uncompressed_size = 0;
  std::string_view payload;
};
core::Result<PayloadHeader> DecodePayloadHeader(std::string_view body);

// MariaDB's compressed blocks (rows and query events): header byte 0x80|n
// (bits 4-6 = algorithm, 0 = zlib), n-byte big-endian length, zlib data.
core::Result<std::string_view> MariaUncompress(std::string_view data, std::string& storage);

}  // namespace cdc::mysql
