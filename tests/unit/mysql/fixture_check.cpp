#include "tests/unit/mysql/fixture_check.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/unit/mysql/fixture_reader.h"
#include "tests/unit/mysql/rendering_match.h"

namespace cdc::mysql::testing {
namespace {

const char* OpName(RowsKind kind) {
  switch (kind) {
    case RowsKind::kWrite:
      return "insert";
    case RowsKind::kUpdate:
      return "update";
    case RowsKind::kDelete:
      return "delete";
  }
  return "?";
}

std::string ChecksumName(ChecksumAlg alg) {
  switch (alg) {
    case ChecksumAlg::kOff:
      return "NONE";
    case ChecksumAlg::kCrc32:
      return "CRC32";
    default:
      return "UNDEFINED";
  }
}

void CollectRows(const BinlogEvent& event, size_t offset, std::vector<std::pair<size_t, const Rows*>>& out) {
  if (const Rows* rows = event.As<Rows>()) out.emplace_back(offset, rows);
  if (const auto* payload = event.As<TransactionPayload>()) {
    for (const auto& inner : payload->events) CollectRows(inner, offset, out);
  }
}

void CompareImage(const std::vector<core::Value>& ours, const nlohmann::json& expected,
                  const nlohmann::json& types, const TableMap& map, const std::string& where) {
  ASSERT_EQ(ours.size(), map.column_count()) << where;
  for (size_t i = 0; i < ours.size(); ++i) {
    std::string key = "@" + std::to_string(i + 1);
    if (!expected.contains(key)) {
      EXPECT_TRUE(ours[i].is_absent())
          << where << " column " << key << " should be absent, got " << Describe(ours[i]);
      continue;
    }
    std::string type =
        types.contains(std::to_string(i + 1)) ? types[std::to_string(i + 1)].get<std::string>() : "";
    EXPECT_TRUE(MatchesRendering(ours[i], expected[key].get<std::string>(), type, map, i))
        << where << " column " << key;
  }
}

}  // namespace

FixtureRun RunFixture(const std::string& relative) {
  FixtureRun run;
  run.relative = relative;
  run.bytes = BinlogBytes(relative);
  std::string expect_path = FixturePath(relative + ".expect.json");
  run.expect = LoadJson(expect_path);
  auto raw = SplitEvents(run.bytes);
  run.raw_event_count = raw.size();
  for (const RawEvent& r : raw) {
    auto decoded = run.decoder.Decode(r.bytes);
    if (decoded) {
      run.events.push_back({r.offset, std::move(*decoded)});
    } else {
      run.errors.emplace(r.offset, decoded.error());
    }
  }
  return run;
}

const BinlogEvent& Nth(const FixtureRun& run, size_t index) { return run.events.at(index).event; }

const Rows& RowsAt(const FixtureRun& run, size_t index) {
  const Rows* rows = Nth(run, index).As<Rows>();
  if (rows == nullptr) throw std::runtime_error("event " + std::to_string(index) + " is not a rows event");
  return *rows;
}

std::vector<std::pair<size_t, const Rows*>> AllRows(const FixtureRun& run) {
  std::vector<std::pair<size_t, const Rows*>> out;
  for (const auto& e : run.events) CollectRows(e.event, e.offset, out);
  return out;
}

void CheckStructure(const FixtureRun& run) {
  const auto& s = run.expect["structure"];
  EXPECT_EQ(run.raw_event_count, s["event_count"].get<size_t>()) << run.relative;
  std::map<std::string, size_t> counts;
  for (const auto& e : run.events) counts[EventTypeName(e.event.header.type)]++;
  for (const auto& [offset, error] : run.errors) {
    (void)error;
    uint8_t type = static_cast<uint8_t>(run.bytes[offset + 4]);
    counts[EventTypeName(type)]++;
  }
  std::map<std::string, size_t> expected_counts;
  for (const auto& [name, n] : s["event_counts_by_type"].items()) expected_counts[name] = n.get<size_t>();
  EXPECT_EQ(counts, expected_counts) << run.relative;

  if (s.contains("format_description") && s["format_description"].is_object() &&
      !s["format_description"].empty()) {
    const auto& fde = s["format_description"];
    auto fdes = EventsOf<FormatDescription>(run);
    ASSERT_FALSE(fdes.empty()) << run.relative;
    const FormatDescription& f = *fdes.front().second;
    EXPECT_EQ(f.binlog_version, fde["binlog_version"].get<int>());
    EXPECT_EQ(f.server_version, fde["server_version"].get<std::string>());
    EXPECT_EQ(f.create_timestamp, fde["create_timestamp"].get<uint32_t>());
    EXPECT_EQ(f.header_length, fde["common_header_len"].get<int>());
    if (fde.contains("checksum_alg") && fde["checksum_alg"].is_string()) {
      // "NONE (pre-5.6.1 format, no checksum field)" also means no checksum.
      EXPECT_TRUE(fde["checksum_alg"].get<std::string>().starts_with(ChecksumName(f.checksum)))
          << run.relative << ": " << ChecksumName(f.checksum);
    }
    if (s.value("all_crc32_ok", false) && f.checksum == ChecksumAlg::kCrc32) {
      for (const auto& e : run.events) {
        EXPECT_TRUE(e.event.checksum_verified) << run.relative << " event at " << e.offset;
      }
    }
  }

  if (run.expect.contains("events")) {
    const auto& rows = run.expect["events"]["rows"];
    std::map<size_t, const BinlogEvent*> by_offset;
    for (const auto& e : run.events) by_offset[e.offset] = &e.event;
    for (const auto& row : rows) {
      size_t offset = row[0].get<size_t>();
      auto it = by_offset.find(offset);
      if (it == by_offset.end()) {
        EXPECT_TRUE(run.errors.count(offset)) << run.relative << ": no event at " << offset;
        continue;
      }
      const EventHeader& h = it->second->header;
      EXPECT_EQ(EventTypeName(h.type), row[1].get<std::string>()) << run.relative << " @" << offset;
      EXPECT_EQ(h.type, row[2].get<int>()) << run.relative << " @" << offset;
      EXPECT_EQ(h.event_size, row[3].get<uint32_t>()) << run.relative << " @" << offset;
      EXPECT_EQ(h.log_pos, row[4].get<uint32_t>()) << run.relative << " @" << offset;
      EXPECT_EQ(h.timestamp, row[5].get<uint32_t>()) << run.relative << " @" << offset;
    }
  }
}

void CheckHeaderDecodes(const FixtureRun& run) {
  if (!run.expect.contains("header_level_decodes")) return;
  std::map<size_t, const BinlogEvent*> by_offset;
  for (const auto& e : run.events) by_offset[e.offset] = &e.event;
  for (const auto& item : run.expect["header_level_decodes"]["items"]) {
    size_t offset = item["offset"].get<size_t>();
    std::string type = item["type"].get<std::string>();
    std::string where = run.relative + " " + type + " @" + std::to_string(offset);
    auto it = by_offset.find(offset);
    if (it == by_offset.end()) {
      ADD_FAILURE() << where << ": not decoded";
      continue;
    }
    const BinlogEvent& e = *it->second;
    if (type == "PREVIOUS_GTIDS") {
      const auto* p = e.As<PreviousGtids>();
      ASSERT_NE(p, nullptr) << where;
      EXPECT_EQ(p->set.ToString(), item["gtid_set"].get<std::string>()) << where;
    } else if (type == "GTID" || type == "ANONYMOUS_GTID") {
      const auto* g = e.As<Gtid>();
      ASSERT_NE(g, nullptr) << where;
      EXPECT_EQ(g->gtid.ToString(), item["gtid"].get<std::string>()) << where;
      EXPECT_EQ(g->flags, item["commit_flag"].get<int>()) << where;
      EXPECT_EQ(g->last_committed.value_or(-1), item["last_committed"].get<int64_t>()) << where;
      EXPECT_EQ(g->sequence_number.value_or(-1), item["sequence_number"].get<int64_t>()) << where;
    } else if (type == "MARIADB_GTID") {
      const auto* g = e.As<MariaGtidEvent>();
      ASSERT_NE(g, nullptr) << where;
      EXPECT_EQ(g->gtid.ToString(), item["gtid"].get<std::string>()) << where;
      EXPECT_EQ(g->flags, item["flags2"].get<int>()) << where;
    } else if (type == "MARIADB_GTID_LIST") {
      const auto* l = e.As<MariaGtidList>();
      ASSERT_NE(l, nullptr) << where;
      std::vector<std::string> ours;
      for (const auto& g : l->gtids) ours.push_back(g.ToString());
      EXPECT_EQ(ours, item["gtid_list"].get<std::vector<std::string>>()) << where;
    } else if (type == "ROTATE") {
      const auto* r = e.As<Rotate>();
      ASSERT_NE(r, nullptr) << where;
      EXPECT_EQ(r->position, item["position"].get<uint64_t>()) << where;
      EXPECT_EQ(r->next_file, item["next_file"].get<std::string>()) << where;
    } else if (type == "TABLE_MAP") {
      const auto* m = e.As<std::shared_ptr<const TableMap>>();
      ASSERT_NE(m, nullptr) << where;
      EXPECT_EQ((*m)->table_id, item["table_id"].get<uint64_t>()) << where;
      EXPECT_EQ((*m)->database + "." + (*m)->table, item["table"].get<std::string>()) << where;
    } else {
      ADD_FAILURE() << where << ": unknown header decode type";
    }
  }
}

void CheckRowImages(const FixtureRun& run) {
  if (!run.expect.contains("independent_decode")) return;
  const auto& idec = run.expect["independent_decode"];
  if (!idec.contains("row_images")) return;
  const auto& images = idec["row_images"];
  const nlohmann::json types = idec.value("column_types_seen", nlohmann::json::object());
  std::vector<std::tuple<size_t, const Rows*, const Row*>> ours;
  for (const auto& [offset, rows] : AllRows(run)) {
    EXPECT_TRUE(rows->decoded) << run.relative << " rows @" << offset;
    for (const Row& row : rows->rows) ours.emplace_back(offset, rows, &row);
  }
  ASSERT_EQ(ours.size(), images.size()) << run.relative << ": row image count";
  if (idec.contains("row_event_count")) {
    EXPECT_EQ(ours.size(), idec["row_event_count"].get<size_t>()) << run.relative;
  }
  for (size_t i = 0; i < images.size(); ++i) {
    const auto& img = images[i];
    const auto& [offset, rows, row] = ours[i];
    std::string where = run.relative + " row image " + std::to_string(i);
    if (img.contains("event_offset")) {
      EXPECT_EQ(offset, img["event_offset"].get<size_t>()) << where;
    }
    EXPECT_EQ(OpName(rows->kind), img["op"].get<std::string>()) << where;
    const TableMap& map = *rows->table_map;
    std::string table = img["table"].get<std::string>();
    EXPECT_EQ(map.database + "." + map.table, table) << where;
    nlohmann::json table_types = types.contains(table) ? types[table] : nlohmann::json::object();
    if (img.contains("before")) {
      CompareImage(row->before, img["before"], table_types, map, where + " before");
    } else {
      EXPECT_TRUE(row->before.empty()) << where;
    }
    if (img.contains("after")) {
      CompareImage(row->after, img["after"], table_types, map, where + " after");
    } else {
      EXPECT_TRUE(row->after.empty()) << where;
    }
  }
}

FixtureRun CheckFixture(const std::string& relative) {
  FixtureRun run = RunFixture(relative);
  for (const auto& [offset, error] : run.errors) {
    ADD_FAILURE() << relative << ": event at " << offset << " failed: " << error.Describe();
  }
  CheckStructure(run);
  CheckHeaderDecodes(run);
  CheckRowImages(run);
  return run;
}

}  // namespace cdc::mysql::testing
