#include "tests/unit/postgres/pg_fixtures.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "core/model/position.h"

namespace cdc::pg::testing {

std::string PgoutputDir() {
  const char* src = std::getenv("CDC_SOURCE_DIR");
  if (src == nullptr) {
    ADD_FAILURE() << "CDC_SOURCE_DIR is not set (run the tests through ctest)";
    return "";
  }
  return std::string(src) + "/../shared/fixtures/pgoutput";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json ReadJson(const std::string& path) { return nlohmann::json::parse(ReadFile(path)); }

std::string HexDecode(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1])));
  }
  return out;
}

std::string FormatUnixMicros(int64_t us) {
  time_t secs = static_cast<time_t>(us / 1000000);
  int64_t frac = us % 1000000;
  if (frac < 0) {
    frac += 1000000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(frac));
  return buf;
}

namespace {

nlohmann::json Tuple(const TupleData& tuple) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : tuple) {
    switch (c.kind) {
      case TupleDataKind::kNull:
        out.push_back(nullptr);
        break;
      case TupleDataKind::kUnchangedToast:
        out.push_back({{"unchanged_toast", true}});
        break;
      case TupleDataKind::kText:
        out.push_back(std::string(c.data));
        break;
      case TupleDataKind::kBinary:
        out.push_back({{"binary", std::string(c.data)}});
        break;
    }
  }
  return out;
}

void Lsn(nlohmann::json& out, const char* key, uint64_t lsn) {
  out[key] = core::FormatLsn(lsn);
  out[std::string(key) + "_u64"] = lsn;
}

void Time(nlohmann::json& out, int64_t unix_us) {
  out["commit_time"] = FormatUnixMicros(unix_us);
  out["commit_time_us_since_2000"] = unix_us - kPostgresEpochOffsetUs;
}

void OldTuple(nlohmann::json& out, OldTupleKind kind, const TupleData& tuple) {
  if (kind == OldTupleKind::kKey) out["key_tuple"] = Tuple(tuple);
  if (kind == OldTupleKind::kOld) out["old_tuple"] = Tuple(tuple);
}

}  // namespace

nlohmann::json Describe(const PgoutputMessage& message) {
  nlohmann::json out;
  out["type"] = MessageName(message);
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, BeginMessage>) {
          Lsn(out, "final_lsn", m.final_lsn);
          Time(out, m.commit_time_us);
          out["xid"] = m.xid;
        } else if constexpr (std::is_same_v<T, CommitMessage>) {
          out["flags"] = m.flags;
          Lsn(out, "commit_lsn", m.commit_lsn);
          Lsn(out, "end_lsn", m.end_lsn);
          Time(out, m.commit_time_us);
        } else if constexpr (std::is_same_v<T, RelationMessage>) {
          out["relation_id"] = m.oid;
          out["namespace"] = std::string(m.namespace_name);
          out["name"] = std::string(m.name);
          out["replica_identity"] = std::string(1, m.replica_identity);
          out["columns"] = nlohmann::json::array();
          for (const auto& c : m.columns) {
            out["columns"].push_back({{"name", std::string(c.name)},
                                      {"key", c.is_key()},
                                      {"type_oid", c.type_oid},
                                      {"typmod", c.type_modifier}});
          }
        } else if constexpr (std::is_same_v<T, TypeMessage>) {
          out["type_oid"] = m.oid;
          out["namespace"] = std::string(m.namespace_name);
          out["name"] = std::string(m.name);
        } else if constexpr (std::is_same_v<T, InsertMessage>) {
          out["relation_id"] = m.relation_oid;
          out["new_tuple"] = Tuple(m.new_tuple);
        } else if constexpr (std::is_same_v<T, UpdateMessage>) {
          out["relation_id"] = m.relation_oid;
          OldTuple(out, m.old_kind, m.old_tuple);
          out["new_tuple"] = Tuple(m.new_tuple);
        } else if constexpr (std::is_same_v<T, DeleteMessage>) {
          out["relation_id"] = m.relation_oid;
          OldTuple(out, m.old_kind, m.old_tuple);
        } else if constexpr (std::is_same_v<T, StreamCommitMessage>) {
          out["xid"] = m.xid;
          out["flags"] = m.flags;
          out["commit_lsn"] = core::FormatLsn(m.commit_lsn);
          out["end_lsn"] = core::FormatLsn(m.end_lsn);
          Time(out, m.commit_time_us);
        } else if constexpr (std::is_same_v<T, StreamStartMessage>) {
          out["xid"] = m.xid;
          out["first_segment"] = m.first_segment;
        }
      },
      message);
  return out;
}

std::vector<TestDecodingLine> ReadTestDecoding(const std::string& path) {
  std::vector<TestDecodingLine> lines;
  std::istringstream in(ReadFile(path));
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find('|');
    size_t b = line.find('|', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    lines.push_back({line.substr(0, a),
                     static_cast<uint32_t>(std::stoul(line.substr(a + 1, b - a - 1))),
                     line.substr(b + 1)});
  }
  return lines;
}

namespace {

// Parses "name[type]:value" items up to the end or the next "new-tuple:".
bool ParseColumns(const std::string& s, size_t& pos, std::vector<TestDecodingColumn>& out) {
  while (pos < s.size()) {
    while (pos < s.size() && s[pos] == ' ') ++pos;
    if (pos >= s.size() || s.compare(pos, 10, "new-tuple:") == 0) return true;
    TestDecodingColumn c;
    size_t lb = s.find('[', pos);
    if (lb == std::string::npos) return false;
    c.name = s.substr(pos, lb - pos);
    size_t rb = s.find("]:", lb);
    if (rb == std::string::npos) return false;
    c.type = s.substr(lb + 1, rb - lb - 1);
    pos = rb + 2;
    if (pos < s.size() && s[pos] == '\'') {
      ++pos;
      for (;;) {
        if (pos >= s.size()) return false;
        if (s[pos] == '\'') {
          if (pos + 1 < s.size() && s[pos + 1] == '\'') {
            c.value.push_back('\'');
            pos += 2;
            continue;
          }
          ++pos;
          break;
        }
        c.value.push_back(s[pos++]);
      }
    } else {
      size_t end = s.find(' ', pos);
      if (end == std::string::npos) end = s.size();
      c.value = s.substr(pos, end - pos);
      pos = end;
      if (c.value == "null") {
        c.is_null = true;
        c.value.clear();
      }
    }
    out.push_back(std::move(c));
  }
  return true;
}

}  // namespace

bool ParseTestDecodingChange(const std::string& text, TestDecodingChange& out) {
  if (text.rfind("table ", 0) != 0) return false;
  size_t colon = text.find(": ", 6);
  if (colon == std::string::npos) return false;
  out.table = text.substr(6, colon - 6);
  size_t op_end = text.find(':', colon + 2);
  if (op_end == std::string::npos) return false;
  out.op = text.substr(colon + 2, op_end - colon - 2);
  size_t pos = op_end + 1;
  while (pos < text.size() && text[pos] == ' ') ++pos;
  if (text.compare(pos, 8, "old-key:") == 0) {
    pos += 8;
    if (!ParseColumns(text, pos, out.old_key)) return false;
    if (text.compare(pos, 10, "new-tuple:") != 0) return false;
    pos += 10;
  }
  return ParseColumns(text, pos, out.tuple);
}

}  // namespace cdc::pg::testing
