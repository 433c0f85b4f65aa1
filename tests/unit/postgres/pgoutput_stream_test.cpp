// The protocol-2 streamed transaction captured from PostgreSQL 15
// (captured-pg15-chinook/v2-stream.jsonl): decoded in order with one decoder,
// checked against the expect file's counts and against the same changes as
// the server's test_decoding plugin printed them.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/postgres/change_builder.h"
#include "connectors/postgres/pgoutput_decoder.h"
#include "connectors/postgres/relation_cache.h"
#include "tests/unit/postgres/pg_fixtures.h"

namespace cdc::pg {
namespace {

using testing::Describe;
using testing::PgoutputDir;

struct StreamFixture {
  struct Line {
    int index = 0;
    std::string lsn;
    uint32_t xid = 0;
    std::string bytes;
  };
  std::vector<Line> lines;
  nlohmann::json expect;

  StreamFixture() {
    const std::string dir = PgoutputDir() + "/captured-pg15-chinook";
    expect = testing::ReadJson(dir + "/expect.json")["v2_stream"];
    std::istringstream in(testing::ReadFile(dir + "/v2-stream.jsonl"));
    std::string text;
    while (std::getline(in, text)) {
      auto j = nlohmann::json::parse(text);
      lines.push_back({j["i"].get<int>(), j["lsn"].get<std::string>(), j["xid"].get<uint32_t>(),
                       testing::HexDecode(j["hex"].get<std::string>())});
    }
  }
};

TEST(PgoutputStreamTest, StreamedTransactionHasTheExpectedMessageCountsAndOrder) {
  StreamFixture f;
  ASSERT_EQ(f.lines.size(), f.expect["message_count"].get<size_t>());
  ASSERT_EQ(f.lines.size(), 608u);
  PgoutputDecoder decoder;
  std::map<std::string, int> by_type;
  std::map<int, std::string> name_at;
  for (const auto& line : f.lines) {
    auto m = decoder.Decode(line.bytes);
    ASSERT_TRUE(m) << "message " << line.index << ": " << m.error().message;
    by_type[MessageName(*m)]++;
    name_at[line.index] = MessageName(*m);
  }
  for (const auto& [type, count] : f.expect["by_type"].items()) {
    EXPECT_EQ(by_type[type], count.get<int>()) << type;
  }
  EXPECT_EQ(by_type["Update"], 601);
  for (const auto& entry : f.expect["sequence"]) {
    EXPECT_EQ(name_at[entry[0].get<int>()], entry[1].get<std::string>()) << entry;
  }
  EXPECT_FALSE(decoder.in_stream());
}

TEST(PgoutputStreamTest, StreamStateAndXidFollowTheChunks) {
  StreamFixture f;
  PgoutputDecoder decoder;
  int segments = 0;
  for (const auto& line : f.lines) {
    auto m = decoder.Decode(line.bytes);
    ASSERT_TRUE(m) << line.index;
    if (auto* start = std::get_if<StreamStartMessage>(&*m)) {
      EXPECT_EQ(start->xid, 1068u);
      EXPECT_EQ(start->first_segment, segments == 0);
      ++segments;
      EXPECT_TRUE(decoder.in_stream());
      EXPECT_EQ(decoder.stream_xid(), 1068u);
    } else if (auto* update = std::get_if<UpdateMessage>(&*m)) {
      EXPECT_EQ(update->xid, line.xid) << line.index;
      EXPECT_TRUE(decoder.in_stream());
    } else if (auto* relation = std::get_if<RelationMessage>(&*m)) {
      EXPECT_EQ(relation->xid, 1068u);
    } else if (std::holds_alternative<StreamStopMessage>(*m)) {
      EXPECT_FALSE(decoder.in_stream());
    }
  }
  EXPECT_EQ(segments, 2);
}

TEST(PgoutputStreamTest, FirstLastUpdateAndCommitMatchExpect) {
  StreamFixture f;
  PgoutputDecoder decoder;
  std::vector<nlohmann::json> updates;
  nlohmann::json commit;
  for (const auto& line : f.lines) {
    auto m = decoder.Decode(line.bytes);
    ASSERT_TRUE(m);
    if (auto* update = std::get_if<UpdateMessage>(&*m)) {
      auto d = Describe(*m);
      d["stream_xid"] = update->xid;
      updates.push_back(d);
    } else if (std::holds_alternative<StreamCommitMessage>(*m)) {
      commit = Describe(*m);
    }
  }
  ASSERT_EQ(updates.size(), 601u);
  EXPECT_EQ(updates.front(), f.expect["first_update"]);
  EXPECT_EQ(updates.back(), f.expect["last_update"]);
  EXPECT_EQ(commit, f.expect["stream_commit"]);
}

// Compares one test_decoding column list with the converted values: listed
// columns by text, and (for old rows, which test_decoding prints without
// NULLs) every unlisted column must be null.
void ExpectColumns(const std::vector<testing::TestDecodingColumn>& printed,
                   const std::vector<core::Value>& values, const core::TableSchema& schema,
                   bool unlisted_are_null, const std::string& where) {
  std::vector<bool> listed(schema.columns.size(), false);
  for (const auto& c : printed) {
    int i = schema.ColumnIndex(c.name);
    ASSERT_GE(i, 0) << where << ": unknown column " << c.name;
    listed[i] = true;
    ASSERT_LT(static_cast<size_t>(i), values.size()) << where;
    if (c.is_null) {
      EXPECT_TRUE(values[i].is_null()) << where << " " << c.name;
    } else {
      EXPECT_EQ(values[i].ToText(), c.value) << where << " " << c.name;
    }
  }
  if (!unlisted_are_null) return;
  for (size_t i = 0; i < listed.size(); ++i) {
    if (!listed[i]) {
      EXPECT_TRUE(values[i].is_null()) << where << " " << schema.columns[i];
    }
  }
}

TEST(PgoutputStreamTest, EveryUpdateMatchesTestDecodingOutput) {
  StreamFixture f;
  const auto printed =
      testing::ReadTestDecoding(PgoutputDir() + "/captured-pg15-chinook/test_decoding-stream.txt");
  std::vector<testing::TestDecodingLine> printed_updates;
  std::string commit_line;
  for (const auto& line : printed) {
    if (line.text.find(": UPDATE: ") != std::string::npos) printed_updates.push_back(line);
    if (line.text.rfind("COMMIT", 0) == 0) commit_line = line.text;
  }
  ASSERT_EQ(printed_updates.size(), 601u);

  PgoutputDecoder decoder;
  RelationCache relations;
  TypeResolver types;
  ChangeBuilder builder(relations, types);
  size_t n = 0;
  int64_t commit_time_us = 0;
  for (const auto& line : f.lines) {
    auto m = decoder.Decode(line.bytes);
    ASSERT_TRUE(m);
    if (auto* relation = std::get_if<RelationMessage>(&*m)) {
      relations.Apply(*relation, types);
    } else if (auto* update = std::get_if<UpdateMessage>(&*m)) {
      ASSERT_LT(n, printed_updates.size());
      const auto& td = printed_updates[n++];
      EXPECT_EQ(line.lsn, td.lsn);
      EXPECT_EQ(update->xid, td.xid);
      uint64_t lsn = 0;
      ASSERT_TRUE(core::ParseLsn(line.lsn, lsn));
      ChangeContext context{{core::SourceKind::kPostgres, 0, lsn, 0}, 0, update->xid};
      auto change = builder.Build(*update, context);
      ASSERT_TRUE(change) << change.error().Describe();
      testing::TestDecodingChange parsed;
      ASSERT_TRUE(testing::ParseTestDecodingChange(td.text, parsed)) << td.text;
      EXPECT_EQ(change->table->QualifiedName(), parsed.table);
      EXPECT_EQ(change->op, core::Op::kUpdate);
      EXPECT_EQ(change->position.change, lsn);
      ASSERT_EQ(parsed.tuple.size(), change->after.size()) << td.text;
      ExpectColumns(parsed.tuple, change->after, *change->table, false, td.lsn);
      if (parsed.old_key.empty()) {
        EXPECT_TRUE(change->before.empty()) << td.lsn;
      } else {
        ExpectColumns(parsed.old_key, change->before, *change->table, true, td.lsn + " old");
      }
    } else if (auto* commit = std::get_if<StreamCommitMessage>(&*m)) {
      commit_time_us = commit->commit_time_us;
    }
  }
  EXPECT_EQ(n, 601u);
  // "COMMIT 1068 (at 2026-11-22 11:28:31.855136+00)"
  EXPECT_NE(commit_line.find(testing::FormatUnixMicros(commit_time_us).substr(11, 15)),
            std::string::npos)
      << commit_line;
  EXPECT_NE(commit_line.find("2026-11-22 11:28:31.855136+00"), std::string::npos);
  EXPECT_EQ(testing::FormatUnixMicros(commit_time_us), "2026-11-22T11:28:31.855136Z");
}

}  // namespace
}  // namespace cdc::pg
