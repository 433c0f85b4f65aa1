// GTID text forms follow the servers: MySQL "uuid:1-5:7" (tags as
// "uuid:tag:1-3", MySQL 8.3+), MariaDB "domain-server-seq".
#include "connectors/mysql/gtid.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace cdc::mysql {
namespace {

core::Error BadText(std::string_view what, std::string_view text) {
  return core::Error::Config("invalid " + std::string(what) + ": '" + std::string(text) + "'");
}

bool ParseU64(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? s.npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string Uuid::ToString() const {
  char buf[37];
  int n = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) buf[n++] = '-';
    n += std::snprintf(buf + n, sizeof(buf) - n, "%02x", bytes[i]);
  }
  return std::string(buf, n);
}

core::Result<Uuid> Uuid::Parse(std::string_view text) {
  Uuid u;
  size_t i = 0;
  for (char c : text) {
    if (c == '-') continue;
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      return core::Fail(BadText("uuid", text));
    if (i >= 32) return core::Fail(BadText("uuid", text));
    u.bytes[i / 2] = static_cast<uint8_t>(u.bytes[i / 2] | (i % 2 == 0 ? v << 4 : v));
    ++i;
  }
  if (i != 32) return core::Fail(BadText("uuid", text));
  return u;
}

std::string MysqlGtid::ToString() const {
  std::string out = sid.ToString();
  if (!tag.empty()) out += ":" + tag;
  return out + ":" + std::to_string(gno);
}

void MysqlGtidSet::Add(const MysqlGtid& gtid) { AddInterval({gtid.sid, gtid.tag}, {gtid.gno, gtid.gno + 1}); }

void MysqlGtidSet::AddInterval(const Key& key, Interval interval) {
  if (interval.end <= interval.start) return;
  auto& list = sets_[key];
  list.push_back(interval);
  std::sort(list.begin(), list.end(), [](const Interval& a, const Interval& b) { return a.start < b.start; });
  std::vector<Interval> merged;
  for (const Interval& iv : list) {
    if (!merged.empty() && iv.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, iv.end);
    } else {
      merged.push_back(iv);
    }
  }
  list = std::move(merged);
}

bool MysqlGtidSet::Contains(const MysqlGtid& gtid) const {
  auto it = sets_.find({gtid.sid, gtid.tag});
  if (it == sets_.end()) return false;
  for (const Interval& iv : it->second) {
    if (gtid.gno >= iv.start && gtid.gno < iv.end) return true;
  }
  return false;
}

std::string MysqlGtidSet::ToString() const {
  // Tags of one uuid follow its untagged intervals in the same member, as
  // MySQL 8.4 prints them: "uuid:1-5:tag:1-2".
  std::string out;
  const Uuid* previous = nullptr;
  for (const auto& [key, intervals] : sets_) {
    if (previous == nullptr || *previous != key.first) {
      if (!out.empty()) out += ",";
      out += key.first.ToString();
    }
    previous = &key.first;
    if (!key.second.empty()) out += ":" + key.second;
    for (const Interval& iv : intervals) {
      out += ":" + std::to_string(iv.start);
      if (iv.end - 1 != iv.start) out += "-" + std::to_string(iv.end - 1);
    }
  }
  return out;
}

core::Result<MysqlGtidSet> MysqlGtidSet::Parse(std::string_view text) {
  MysqlGtidSet set;
  text = Trim(text);
  if (text.empty()) return set;
  for (std::string_view member : Split(text, ',')) {
    auto parts = Split(Trim(member), ':');
    auto uuid = Uuid::Parse(parts[0]);
    if (!uuid) return core::Fail(BadText("GTID set", text));
    std::string tag;
    for (size_t i = 1; i < parts.size(); ++i) {
      std::string_view p = parts[i];
      if (!p.empty() && !(p[0] >= '0' && p[0] <= '9')) {
        tag = std::string(p);
        continue;
      }
      auto range = Split(p, '-');
      uint64_t a = 0, b = 0;
      if (range.size() > 2 || !ParseU64(range[0], a)) return core::Fail(BadText("GTID set", text));
      b = a;
      if (range.size() == 2 && !ParseU64(range[1], b)) return core::Fail(BadText("GTID set", text));
      if (a == 0 || b < a) return core::Fail(BadText("GTID set", text));  // gno 0 does not exist
      set.AddInterval({*uuid, tag}, {a, b + 1});
    }
  }
  return set;
}

std::string MariaGtid::ToString() const {
  return std::to_string(domain_id) + "-" + std::to_string(server_id) + "-" + std::to_string(seq_no);
}

core::Result<MariaGtid> MariaGtid::Parse(std::string_view text) {
  auto parts = Split(Trim(text), '-');
  uint64_t d = 0, s = 0, q = 0;
  if (parts.size() != 3 || !ParseU64(parts[0], d) || !ParseU64(parts[1], s) || !ParseU64(parts[2], q) ||
      d > UINT32_MAX || s > UINT32_MAX) {
    return core::Fail(BadText("MariaDB GTID", text));
  }
  return MariaGtid{static_cast<uint32_t>(d), static_cast<uint32_t>(s), q};
}

std::string MariaGtidPos::ToString() const {
  std::string out;
  for (const auto& [domain, gtid] : by_domain_) {
    if (!out.empty()) out += ",";
    out += gtid.ToString();
  }
  return out;
}

core::Result<MariaGtidPos> MariaGtidPos::Parse(std::string_view text) {
  MariaGtidPos pos;
  text = Trim(text);
  if (text.empty()) return pos;
  for (std::string_view member : Split(text, ',')) {
    auto gtid = MariaGtid::Parse(member);
    if (!gtid) return core::Fail(gtid.error());
    pos.Update(*gtid);
  }
  return pos;
}

}  // namespace cdc::mysql
