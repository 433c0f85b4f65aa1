// One test per binlog fixture (mariadb-poc, mysql-binlog-connector-java,
// rust_mysql_common): the whole file decodes, the expect.json facts hold, and
// so does what each upstream project's own tests assert about the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "tests/unit/mysql/fixture_check.h"
#include "tests/unit/mysql/fixture_reader.h"
#include "tests/unit/mysql/rendering_match.h"

namespace cdc::mysql::testing {
namespace {

using core::Value;

std::string FloatBytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s += static_cast<char>(b);
  return s;
}

// The summary mariadb-poc's README prints per file.
struct PocSummary {
  uint32_t first_ts, last_ts;
  std::string previous, first_gtid, last_gtid;
  bool rotate, stop;
};

void CheckPoc(const std::string& file, const PocSummary& want) {
  FixtureRun run = CheckFixture("mariadb-poc/" + file);
  ASSERT_FALSE(run.events.empty());
  EXPECT_EQ(run.events.front().event.header.server_id, 10u);
  EXPECT_EQ(run.decoder.format()->server_version, "11.8.5-MariaDB-ubu2404-log");
  EXPECT_EQ(run.events.front().event.header.timestamp, want.first_ts);
  uint32_t last_ts = 0;
  for (const auto& e : run.events) last_ts = std::max(last_ts, e.event.header.timestamp);
  EXPECT_EQ(last_ts, want.last_ts);
  auto lists = EventsOf<MariaGtidList>(run);
  ASSERT_EQ(lists.size(), 1u);
  MariaGtidPos previous;
  for (const auto& g : lists[0].second->gtids) previous.Update(g);
  EXPECT_EQ(previous.ToString(), want.previous);
  auto gtids = EventsOf<MariaGtidEvent>(run);
  EXPECT_EQ(gtids.empty() ? "" : gtids.front().second->gtid.ToString(), want.first_gtid);
  EXPECT_EQ(gtids.empty() ? "" : gtids.back().second->gtid.ToString(), want.last_gtid);
  EXPECT_EQ(!EventsOf<Rotate>(run).empty(), want.rotate);
  EXPECT_EQ(!EventsOf<Stop>(run).empty(), want.stop);
  // Statement-based: every GTID group ends with XID or COMMIT, or is standalone DDL.
  for (const auto& [offset, g] : gtids) {
    if (g->standalone) {
      EXPECT_FALSE(g->transactional) << offset;
    }
  }
}

TEST(MariadbPocFixture, File000001HasOnlyAStop) {
  CheckPoc("domain_id_0-mariadb-repl-bin.000001", {1767101638, 1767127977, "", "", "", false, true});
}
TEST(MariadbPocFixture, File000005GtidRange) {
  CheckPoc("domain_id_0-mariadb-repl-bin.000005",
           {1767128185, 1767128186, "0-10-262580", "0-10-262581", "0-10-262667", true, false});
}
TEST(MariadbPocFixture, File000009GtidRange) {
  CheckPoc("domain_id_0-mariadb-repl-bin.000009",
           {1767173589, 1767181052, "0-10-292193", "0-10-292194", "0-10-292196", false, true});
}
TEST(MariadbPocFixture, File000010GtidRange) {
  CheckPoc("domain_id_0-mariadb-repl-bin.000010",
           {1767181182, 1767181241, "0-10-292196", "0-10-292197", "0-10-292206", false, true});
}

TEST(BinlogConnectorJavaFixture, AuroraPaddingIsIgnoredAndCountedThenQueryFollows) {
  FixtureRun run = CheckFixture("mysql-binlog-connector-java/mysql-bin.aurora-padding");
  ASSERT_EQ(run.events.size(), 5u);
  const Ignored* ignored = Nth(run, 3).As<Ignored>();
  ASSERT_NE(ignored, nullptr);
  EXPECT_EQ(ignored->type, 100);
  EXPECT_TRUE(ignored->ignorable_flag);
  EXPECT_EQ(run.decoder.ignored_counts().at(100), 1u);
  const Query* q = Nth(run, 4).As<Query>();
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->sql, "BEGIN");
  EXPECT_EQ(q->kind, QueryKind::kBegin);
}

TEST(BinlogConnectorJavaFixture, ChecksumCrc32Has303VerifiedEvents) {
  FixtureRun run = CheckFixture("mysql-binlog-connector-java/mysql-bin.checksum-crc32");
  EXPECT_EQ(run.events.size(), 303u);
  for (const auto& e : run.events) EXPECT_TRUE(e.event.checksum_verified) << e.offset;
}

TEST(BinlogConnectorJavaFixture, ChecksumNoneHas191Events) {
  FixtureRun run = CheckFixture("mysql-binlog-connector-java/mysql-bin.checksum-none");
  EXPECT_EQ(run.events.size(), 191u);
  EXPECT_EQ(run.decoder.format()->checksum, ChecksumAlg::kOff);
  for (const auto& e : run.events) EXPECT_FALSE(e.event.checksum_verified) << e.offset;
}

TEST(BinlogConnectorJavaFixture, CompressedPayloadHoldsFourInnerEvents) {
  FixtureRun run = CheckFixture("mysql-binlog-connector-java/mysql-bin.compressed");
  EXPECT_EQ(run.events.size(), 5u);
  auto payloads = EventsOf<TransactionPayload>(run);
  ASSERT_EQ(payloads.size(), 1u);
  const TransactionPayload& p = *payloads[0].second;
  const auto& want = run.expect["transaction_payloads"][0];
  EXPECT_EQ(payloads[0].first, want["offset"].get<size_t>());
  EXPECT_EQ(p.compression_type, 0u);
  EXPECT_EQ(p.payload_size, 451u);
  EXPECT_EQ(p.uncompressed_size, 960u);
  ASSERT_EQ(p.events.size(), want["inner_events"].size());
  for (size_t i = 0; i < p.events.size(); ++i) {
    EXPECT_EQ(EventTypeName(p.events[i].header.type), want["inner_events"][i][1].get<std::string>());
    EXPECT_EQ(p.events[i].header.event_size, want["inner_events"][i][2].get<uint32_t>());
  }
  const Rows* rows = p.events[2].As<Rows>();
  ASSERT_NE(rows, nullptr);
  EXPECT_TRUE(rows->decoded);
  EXPECT_FALSE(rows->rows.empty());
}

int64_t Cents(const std::string& decimal) {  // "2.99" -> 299
  size_t dot = decimal.find('.');
  return std::stoll(decimal.substr(0, dot)) * 100 + std::stoll(decimal.substr(dot + 1));
}

TEST(BinlogConnectorJavaFixture, SakilaRowCountsFirstRowsAndPaymentSum) {
  FixtureRun run = CheckFixture("mysql-binlog-connector-java/mysql-bin.sakila.gz");
  EXPECT_EQ(run.events.size(), 1462u);
  const auto& idec = run.expect["independent_decode"];
  std::map<std::string, size_t> counts;
  std::map<std::string, const Row*> first;
  const Row* last_payment = nullptr;
  int64_t payment_cents = 0;
  const TableMap* payment_map = nullptr;
  for (const auto& [offset, rows] : AllRows(run)) {
    std::string table = rows->table_map->database + "." + rows->table_map->table;
    for (const Row& row : rows->rows) {
      counts[table + " insert"]++;
      if (!first.count(table)) first[table] = &row;
      if (table == "sakila.payment") {
        payment_cents += Cents(row.after[4].text());
        last_payment = &row;
        payment_map = rows->table_map.get();
      }
    }
  }
  std::map<std::string, size_t> want_counts;
  for (const auto& [k, v] : idec["row_images_by_table"].items()) want_counts[k] = v.get<size_t>();
  EXPECT_EQ(counts, want_counts);
  EXPECT_EQ(payment_cents, 6741651) << "sum of payment.amount = 67416.51";
  const nlohmann::json types = idec["column_types_seen"];
  for (const auto& img : idec["first_row_image_per_table"]) {
    std::string table = img["table"];
    ASSERT_TRUE(first.count(table)) << table;
    for (const auto& [col, rendered] : img["after"].items()) {
      size_t i = std::stoul(col.substr(1)) - 1;
      EXPECT_TRUE(
          MatchesRendering(first[table]->after[i], rendered, types[table][col.substr(1)], TableMap{}, i))
          << table << " " << col;
    }
  }
  ASSERT_NE(last_payment, nullptr);
  for (const auto& [col, rendered] : idec["last_payment_row_image"]["after"].items()) {
    size_t i = std::stoul(col.substr(1)) - 1;
    EXPECT_TRUE(MatchesRendering(last_payment->after[i], rendered, types["sakila.payment"][col.substr(1)],
                                 *payment_map, i))
        << col;
  }
  EXPECT_FALSE(EventsOf<Xid>(run).empty());
  EXPECT_FALSE(EventsOf<Query>(run).empty());
}

TEST(BinlogConnectorJavaFixture, GzipFileIsNotABinlog) {
  std::string gz = ReadFileBytes(FixturePath("mysql-binlog-connector-java/mysql-bin.sakila.gz"));
  EXPECT_NE(gz.substr(0, 4), std::string("\xfe"
                                         "bin",
                                         4));
  EventDecoder decoder;
  EXPECT_FALSE(decoder.Decode(std::string_view(gz).substr(4, 200)).has_value());
}

TEST(RustMysqlCommonFixture, InvisibleColumnsVisibilityMetadata) {
  FixtureRun run = CheckFixture("rust_mysql_common/binlog-invisible-columns.000001");
  auto maps = EventsOf<std::shared_ptr<const TableMap>>(run);
  ASSERT_FALSE(maps.empty());
  bool saw_invisible = false;
  for (const auto& [offset, m] : maps) {
    EXPECT_FALSE((*m)->column_names.empty()) << offset;
    EXPECT_TRUE((*m)->has_visibility) << offset;
    for (bool v : (*m)->visible) saw_invisible |= !v;
  }
  EXPECT_TRUE(saw_invisible);
}

TEST(RustMysqlCommonFixture, PreviousGtidNoTag) {
  FixtureRun run = CheckFixture("rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001");
  auto prev = EventsOf<PreviousGtids>(run);
  ASSERT_EQ(prev.size(), 1u);
  ASSERT_EQ(prev[0].second->set.sets().size(), 1u);
  const auto& [key, intervals] = *prev[0].second->set.sets().begin();
  EXPECT_EQ(key.first.ToString(), "b9b88c66-0755-11f1-9899-4a9da94c4d71");
  EXPECT_EQ(key.second, "");
  EXPECT_EQ(intervals, (std::vector<MysqlGtidSet::Interval>{{1, 3}}));
}

TEST(RustMysqlCommonFixture, GtidTagInPreviousGtidsAndTaggedGtidEvent) {
  FixtureRun run = CheckFixture("rust_mysql_common/binlog_transaction_with_GTID_TAG.000001");
  auto prev = EventsOf<PreviousGtids>(run);
  ASSERT_EQ(prev.size(), 1u);
  EXPECT_EQ(prev[0].second->set.ToString(),
            "55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2");
  auto gtids = EventsOf<Gtid>(run);
  ASSERT_EQ(gtids.size(), 1u);
  EXPECT_EQ(gtids[0].second->gtid.tag, "mytag");
  EXPECT_EQ(gtids[0].second->gtid.sid.ToString(), "55778904-0299-11f1-b1b8-4ef0c4956feb");
  EXPECT_EQ(gtids[0].second->gtid.gno, 3u);
  EXPECT_EQ(gtids[0].second->gtid.ToString(), "55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3");
}

TEST(RustMysqlCommonFixture, JsonOpaqueValuesRenderAsMysqlDoes) {
  FixtureRun run = CheckFixture("rust_mysql_common/json-opaque.binlog");
  // Event numbers are 1-based with the FDE as #1; decimals are JSON numbers here.
  std::map<size_t, std::string> want = {{10, R"({"a":"base64:type15:VQ=="})"},
                                        {12, R"({"b":"2012-03-18"})"},
                                        {14, R"({"c":"2012-03-18 11:30:45.000000"})"},
                                        {16, R"({"c":"87:31:46.654321"})"},
                                        {18, R"({"d":123.456})"},
                                        {20, R"({"e":9.00})"},
                                        {22, R"({"e":[0,1,true,false]})"},
                                        {24, R"({"e":null})"}};
  size_t rows_events = 0;
  for (size_t i = 0; i < run.events.size(); ++i) {
    const Rows* rows = run.events[i].event.As<Rows>();
    if (rows == nullptr) continue;
    ++rows_events;
    ASSERT_TRUE(want.count(i + 1)) << "unexpected rows event #" << i + 1;
    EXPECT_EQ(rows->rows.at(0).after[0], Value::Json(want[i + 1])) << "event #" << i + 1;
  }
  EXPECT_EQ(rows_events, want.size());
}

TEST(RustMysqlCommonFixture, JsonPartialUpdateAppliesDiffOrIsAbsentWithoutBeforeValue) {
  FixtureRun run = CheckFixture("rust_mysql_common/json.binlog.000001");
  auto all = AllRows(run);
  const Rows* partial = nullptr;
  for (const auto& [offset, rows] : all) {
    if (rows->partial_json) partial = rows;
  }
  ASSERT_NE(partial, nullptr);
  ASSERT_EQ(partial->rows.size(), 6u);
  // MINIMAL before image (id only): the document the diff applies to is not in
  // the event, so the JSON column is absent; the other columns are there.
  for (const Row& row : partial->rows) {
    EXPECT_TRUE(row.before[1].is_absent());
    EXPECT_TRUE(row.after[1].is_absent());
    EXPECT_EQ(row.after[2].kind(), core::ValueKind::kString);
  }
  EXPECT_EQ(partial->rows[0].after[2], Value::String("Joe"));
  EXPECT_EQ(partial->rows[0].after[3], Value::Int(26));
}

TEST(RustMysqlCommonFixture, MariadbFullMetadataNamesKeyAndCollations) {
  FixtureRun run = CheckFixture("rust_mysql_common/mariadb-bin.000001");
  auto maps = EventsOf<std::shared_ptr<const TableMap>>(run);
  ASSERT_FALSE(maps.empty());
  const TableMap& m = *maps[0].second->get();
  EXPECT_EQ(m.column_names, (std::vector<std::string>{"id", "topic", "event_type", "event", "created"}));
  EXPECT_EQ(m.primary_key, std::vector<uint32_t>{0});
  EXPECT_EQ(m.collations[1], 45u);
  EXPECT_EQ(m.collations[2], 45u);
  EXPECT_EQ(m.collations[3], 63u);
}

TEST(RustMysqlCommonFixture, MinimalRowImageLeavesColumnsAbsent) {
  FixtureRun run = CheckFixture("rust_mysql_common/minimal_row_metadata.000001");
  auto all = AllRows(run);
  ASSERT_EQ(all.size(), 1u);
  bool has_unsigned_value = false;
  for (const Row& row : all[0].second->rows) {
    for (const Value& v : row.after) has_unsigned_value |= v == Value::Int(3230202323);
  }
  EXPECT_TRUE(has_unsigned_value) << "INT UNSIGNED 3230202323";
}

TEST(RustMysqlCommonFixture, EnumStringSetUpstreamValues) {
  FixtureRun run = CheckFixture("rust_mysql_common/mysql-enum-string-set.000001");
  const auto& images = run.expect["upstream_row_values"]["images"];
  auto all = AllRows(run);
  ASSERT_EQ(all.size(), 3u);
  std::vector<const std::vector<Value>*> ours = {
      &all[0].second->rows[0].after, &all[1].second->rows[0].before, &all[1].second->rows[0].after,
      &all[2].second->rows[0].before};
  ASSERT_LE(images.size(), ours.size());
  for (size_t i = 0; i < images.size(); ++i) {
    const auto& values = images[i]["values"];
    for (size_t c = 0; c < values.size(); ++c) {
      const auto& v = values[c];
      std::string kind = v["kind"];
      const Value& got = (*ours[i])[c];
      if (kind == "str") {
        EXPECT_EQ(got, Value::String(v["value"].get<std::string>())) << i << "/" << c;
      } else if (kind == "enum_index") {
        // binlog_row_metadata=FULL carries the names: the 1-based index's name.
        const auto& names = all[0].second->table_map->enum_values[c];
        ASSERT_FALSE(names.empty());
        EXPECT_EQ(got, Value::String(names.at(v["value"].get<size_t>() - 1))) << i << "/" << c;
      } else if (kind == "set_bitmap_byte") {
        const auto& names = all[0].second->table_map->set_values[c];
        ASSERT_FALSE(names.empty());
        std::string joined;
        for (size_t b = 0; b < names.size(); ++b) {
          if ((v["value"].get<uint64_t>() >> b) & 1) joined += (joined.empty() ? "" : ",") + names[b];
        }
        EXPECT_EQ(got, Value::String(joined)) << i << "/" << c;
      } else {
        ADD_FAILURE() << "unknown kind " << kind;
      }
    }
  }
}

TEST(RustMysqlCommonFixture, BitValues) {
  FixtureRun run = CheckFixture("rust_mysql_common/mysql_type_bit.000001");
  auto all = AllRows(run);
  ASSERT_EQ(all.size(), 1u);
  const auto& after = all[0].second->rows.at(0).after;
  EXPECT_NE(std::find(after.begin(), after.end(), Value::Int(0b100)), after.end());
  EXPECT_NE(std::find(after.begin(), after.end(), Value::Int(0b100000)), after.end());
}

TEST(RustMysqlCommonFixture, NegativeTimeBeyond24Hours) {
  FixtureRun run = CheckFixture("rust_mysql_common/time_issue.000001");
  auto all = AllRows(run);
  ASSERT_EQ(all.size(), 1u);
  const auto& after = all[0].second->rows.at(0).after;
  EXPECT_NE(std::find(after.begin(), after.end(), Value::Time("-507:48:27")), after.end());
}

TEST(RustMysqlCommonFixture, TransactionCompressionInnerEvents) {
  FixtureRun run = CheckFixture("rust_mysql_common/transaction_compression.000001");
  auto payloads = EventsOf<TransactionPayload>(run);
  ASSERT_EQ(payloads.size(), 1u);
  std::vector<std::string> types;
  for (const auto& e : payloads[0].second->events) types.push_back(EventTypeName(e.header.type));
  EXPECT_EQ(types, (std::vector<std::string>{"QUERY", "TABLE_MAP", "WRITE_ROWS_V2", "XID"}));
  const auto& want = run.expect["transaction_payloads"][0];
  EXPECT_EQ(payloads[0].second->uncompressed_size,
            want["header_fields"]["uncompressed_size"].get<uint64_t>());
}

TEST(RustMysqlCommonFixture, VectorColumnsAreBytes) {
  FixtureRun run = CheckFixture("rust_mysql_common/vector.binlog");
  const Rows& rows = RowsAt(run, 11);
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(rows.rows[0].after[0], Value::Int(1));
  EXPECT_EQ(rows.rows[0].after[1],
            Value::Bytes(FloatBytes({205, 204, 140, 63, 205, 204, 12, 64, 51, 51, 83, 64})));
  EXPECT_EQ(rows.rows[1].after[0], Value::Int(2));
  EXPECT_EQ(rows.rows[1].after[1], Value::Bytes(FloatBytes({0, 0, 128, 63, 0, 0, 128, 191, 0, 0, 0, 0})));
}

}  // namespace
}  // namespace cdc::mysql::testing
