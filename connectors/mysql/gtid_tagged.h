// MySQL 8.3+ tagged GTIDs: GTID_TAGGED_LOG_EVENT bodies, written in the MySQL
// serialization library format (varlen integers, field ids), and the varlen
// integer reader PREVIOUS_GTIDS also needs for its tagged form.
#pragma once

#include <cstdint>
#include <string_view>

#include "connectors/mysql/binlog_event.h"
#include "connectors/mysql/byte_reader.h"
#include "core/model/result.h"

namespace cdc::mysql {

// Varlen unsigned integer: the count of trailing one bits of the first byte,
// plus one, is the byte count; the value is the little-endian bytes >> count
// (nine bytes, 0xFF then the raw u64, when all eight bits are one).
core::Result<uint64_t> ReadSerialUint(ByteReader& reader);

// Body of a GTID_TAGGED_LOG_EVENT (type 42): version 2 message of fields
// 0 flags, 1 sid, 2 gno, 3 tag, 4 last_committed, 5 sequence_number, 6/7 commit
// timestamps, 8 transaction length, 9-11 versions and ticket (ignored).
core::Result<Gtid> DecodeTaggedGtid(std::string_view body);

}  // namespace cdc::mysql
