#include "connectors/mysql/gtid_tagged.h"

#include <bit>
#include <string>

namespace cdc::mysql {
namespace {

core::Error Bad(const std::string& m) { return core::Error::BadData(m); }

}  // namespace

core::Result<uint64_t> ReadSerialUint(ByteReader& r) {
  if (r.empty()) return core::Fail(Bad("GTID_TAGGED truncated"));
  uint8_t first = static_cast<uint8_t>(r.Rest()[0]);
  int ones = std::countr_one(first);
  if (ones == 8) {
    MYSQL_RETURN_IF_ERROR(r.Skip(1));
    return r.U64();
  }
  size_t n = static_cast<size_t>(ones) + 1;
  MYSQL_ASSIGN_OR_RETURN(uint64_t raw, r.UintLe(n));
  return raw >> n;
}

namespace {

core::Result<int64_t> ReadSerialInt(ByteReader& r) {
  MYSQL_ASSIGN_OR_RETURN(uint64_t u, ReadSerialUint(r));
  int64_t magnitude = static_cast<int64_t>(u >> 1);
  return (u & 1) ? -magnitude - 1 : magnitude;
}

}  // namespace

core::Result<Gtid> DecodeTaggedGtid(std::string_view body) {
  ByteReader r(body);
  MYSQL_ASSIGN_OR_RETURN(uint8_t version, r.U8());
  if (version != 2) return core::Fail(Bad("GTID_TAGGED: unknown serialization version"));
  MYSQL_ASSIGN_OR_RETURN(uint64_t size, ReadSerialUint(r));
  MYSQL_ASSIGN_OR_RETURN(uint64_t last_non_ignorable, ReadSerialUint(r));
  if (size < r.offset() || size > body.size()) return core::Fail(Bad("GTID_TAGGED: bad size"));
  ByteReader f(body.substr(r.offset(), size - r.offset()));
  Gtid g;
  bool have_tag = false;
  while (!f.empty()) {
    MYSQL_ASSIGN_OR_RETURN(uint64_t id, ReadSerialUint(f));
    switch (id) {
      case 0: {
        MYSQL_ASSIGN_OR_RETURN(uint64_t v, ReadSerialUint(f));
        g.flags = static_cast<uint8_t>(v);
        break;
      }
      case 1:
        for (auto& b : g.gtid.sid.bytes) {
          MYSQL_ASSIGN_OR_RETURN(uint64_t v, ReadSerialUint(f));
          b = static_cast<uint8_t>(v);
        }
        break;
      case 2: {
        MYSQL_ASSIGN_OR_RETURN(int64_t v, ReadSerialInt(f));
        g.gtid.gno = static_cast<uint64_t>(v);
        break;
      }
      case 3: {
        MYSQL_ASSIGN_OR_RETURN(uint64_t len, ReadSerialUint(f));
        MYSQL_ASSIGN_OR_RETURN(std::string_view tag, f.Bytes(len));
        g.gtid.tag = std::string(tag);
        have_tag = true;
        break;
      }
      case 4: {
        MYSQL_ASSIGN_OR_RETURN(g.last_committed, ReadSerialInt(f));
        break;
      }
      case 5: {
        MYSQL_ASSIGN_OR_RETURN(g.sequence_number, ReadSerialInt(f));
        break;
      }
      case 6: {
        MYSQL_ASSIGN_OR_RETURN(g.immediate_commit_timestamp_us, ReadSerialUint(f));
        break;
      }
      case 7: {
        MYSQL_ASSIGN_OR_RETURN(g.original_commit_timestamp_us, ReadSerialUint(f));
        break;
      }
      case 8: {
        MYSQL_ASSIGN_OR_RETURN(g.transaction_length, ReadSerialUint(f));
        break;
      }
      case 9:
      case 10:
      case 11: {
        MYSQL_ASSIGN_OR_RETURN(uint64_t ignored, ReadSerialUint(f));
        (void)ignored;
        break;
      }
      default:
        if (id <= last_non_ignorable) return core::Fail(Bad("GTID_TAGGED: unknown required field"));
        f = ByteReader(std::string_view());  // unknown optional fields end the walk
    }
  }
  if (!have_tag) return core::Fail(Bad("GTID_TAGGED without a tag"));
  if (!g.original_commit_timestamp_us) g.original_commit_timestamp_us = g.immediate_commit_timestamp_us;
  return g;
}

}  // namespace cdc::mysql
