// Binary forms for starting a MySQL binlog stream from a GTID set: the GTID
// set encoding (what PREVIOUS_GTIDS carries; MySQL's Gtid_set::encode) and the
// COM_BINLOG_DUMP_GTID request around it. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <string>

#include "connectors/mysql/gtid.h"

namespace cdc::mysql {

inline constexpr uint8_t kComBinlogDumpGtid = 0x1e;
inline constexpr uint16_t kBinlogThroughGtid = 0x04;  // COM_BINLOG_DUMP_GTID flag: a GTID set follows

// MySQL's serialization-library varlen unsigned integer (ReadSerialUint's inverse).
void WriteSerialUint(std::string& out, uint64_t value);

// The set as MySQL encodes it: untagged (8.0) unless a tag is present, then the
// tagged format of 8.3+.
std::string EncodeGtidSet(const MysqlGtidSet& set);

// The COM_BINLOG_DUMP_GTID payload after the command byte (Connector/C's
// simple-command API adds that byte). An empty `file` with position 4 asks the
// server to find the first transaction not in `executed` (auto positioning).
std::string BinlogDumpGtidPayload(uint32_t server_id, const std::string& file, uint64_t position,
                                  const MysqlGtidSet& executed);

}  // namespace cdc::mysql
