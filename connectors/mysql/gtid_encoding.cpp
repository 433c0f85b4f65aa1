// Layouts from MySQL's sources (all little endian):
//   com_binlog_dump_gtid() (sql/rpl_source.cc) reads: flags u16 | server_id u32 |
//     name_size u32 | name[name_size] | pos u64 | data_size u32 | data
//     (data = Gtid_set::encode, read back with add_gtid_encoding). The protocol
//     documentation makes data_size + data conditional on flags &
//     BINLOG_THROUGH_GTID (0x04); the server reads them regardless, and every
//     replica (MySQL's own request_dump included) sets the flag, so we do too.
//   Gtid_set::encode (sql/rpl_gtid_set.cc): n_sids u64 | per sid: uuid[16] |
//     n_intervals u64 | (start i64, end i64 exclusive)*. The tagged format (8.3+)
//     puts format 1 in the top byte and the low byte of the first u64, n_sids in
//     bits 8..55, and a varlen tag length + tag after each uuid. Sids are ordered
//     by uuid then tag, as MysqlGtidSet keeps them.
#include "connectors/mysql/gtid_encoding.h"

namespace cdc::mysql {
namespace {

void PutLe(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

void WriteSerialUint(std::string& out, uint64_t value) {
  // n bytes hold 7n payload bits after n-1 one bits and a zero; 9 bytes for
  // values above 2^56 (0xFF then the raw u64).
  for (int n = 1; n <= 8; ++n) {
    if (value < (uint64_t{1} << (7 * n))) {
      uint64_t raw = (value << n) | ((uint64_t{1} << (n - 1)) - 1);
      PutLe(out, raw, n);
      return;
    }
  }
  out.push_back(static_cast<char>(0xff));
  PutLe(out, value, 8);
}

std::string EncodeGtidSet(const MysqlGtidSet& set) {
  bool tagged = false;
  for (const auto& [key, intervals] : set.sets()) tagged = tagged || !key.second.empty();
  const uint64_t n_sids = set.sets().size();
  std::string out;
  PutLe(out, tagged ? (uint64_t{1} << 56) | (n_sids << 8) | 1 : n_sids, 8);
  for (const auto& [key, intervals] : set.sets()) {
    out.append(reinterpret_cast<const char*>(key.first.bytes.data()), key.first.bytes.size());
    if (tagged) {
      WriteSerialUint(out, key.second.size());
      out.append(key.second);
    }
    PutLe(out, intervals.size(), 8);
    for (const auto& interval : intervals) {
      PutLe(out, interval.start, 8);
      PutLe(out, interval.end, 8);
    }
  }
  return out;
}

std::string BinlogDumpGtidPayload(uint32_t server_id, const std::string& file, uint64_t position,
                                  const MysqlGtidSet& executed) {
  std::string data = EncodeGtidSet(executed);
  std::string out;
  PutLe(out, kBinlogThroughGtid, 2);  // blocking (no BINLOG_DUMP_NON_BLOCK)
  PutLe(out, server_id, 4);
  PutLe(out, file.size(), 4);
  out.append(file);
  PutLe(out, position, 8);
  PutLe(out, data.size(), 4);
  out.append(data);
  return out;
}

}  // namespace cdc::mysql
