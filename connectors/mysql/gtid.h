// GTID values of both flavours: MySQL server uuid (+ optional tag) : gno and
// GTID sets (PREVIOUS_GTIDS, executed sets), MariaDB domain-server-seq and
// GTID positions. Plain values; text forms are what the servers print.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/model/result.h"

namespace cdc::mysql {

// A MySQL server uuid, 16 raw bytes as in the binlog.
struct Uuid {
  std::array<uint8_t, 16> bytes{};

  std::string ToString() const;  // "3e11fa47-71ca-11e1-9e33-c80aa9429562"
  static core::Result<Uuid> Parse(std::string_view text);
  auto operator<=>(const Uuid&) const = default;
};

// One MySQL GTID: uuid[:tag]:gno. The tag is empty before MySQL 8.3.
struct MysqlGtid {
  Uuid sid;
  std::string tag;
  uint64_t gno = 0;

  std::string ToString() const;  // "uuid:gno" or "uuid:tag:gno"
  bool operator==(const MysqlGtid&) const = default;
};

// A MySQL GTID set: per (uuid, tag), sorted disjoint half-open intervals [start, end).
class MysqlGtidSet {
 public:
  struct Interval {
    uint64_t start = 0;  // inclusive
    uint64_t end = 0;    // exclusive
    bool operator==(const Interval&) const = default;
  };
  using Key = std::pair<Uuid, std::string>;  // (uuid, tag)

  void Add(const MysqlGtid& gtid);
  void AddInterval(const Key& key, Interval interval);
  bool Contains(const MysqlGtid& gtid) const;
  bool empty() const { return sets_.empty(); }
  const std::map<Key, std::vector<Interval>>& sets() const { return sets_; }

  // "uuid:1-5:7,uuid2:1-3" as MySQL prints it; tags follow the untagged
  // intervals of their uuid ("uuid:1-5:tag:1-3", MySQL 8.4); "" if empty.
  std::string ToString() const;
  static core::Result<MysqlGtidSet> Parse(std::string_view text);
  bool operator==(const MysqlGtidSet&) const = default;

 private:
  std::map<Key, std::vector<Interval>> sets_;
};

// One MariaDB GTID: domain-server-seq.
struct MariaGtid {
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;

  std::string ToString() const;  // "0-1-100"
  static core::Result<MariaGtid> Parse(std::string_view text);
  bool operator==(const MariaGtid&) const = default;
};

// A MariaDB GTID position (gtid_slave_pos style): the last GTID per domain.
class MariaGtidPos {
 public:
  // Records `gtid` as the newest of its domain.
  void Update(const MariaGtid& gtid) { by_domain_[gtid.domain_id] = gtid; }
  const std::map<uint32_t, MariaGtid>& by_domain() const { return by_domain_; }
  bool empty() const { return by_domain_.empty(); }

  std::string ToString() const;  // "0-1-100,1-2-7", sorted by domain
  static core::Result<MariaGtidPos> Parse(std::string_view text);
  bool operator==(const MariaGtidPos&) const = default;

 private:
  std::map<uint32_t, MariaGtid> by_domain_;
};

}  // namespace cdc::mysql
