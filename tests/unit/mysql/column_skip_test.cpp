// Columns no mapping reads are stepped over (EventDecoder::SetColumnFilter):
// over every binlog fixture (every column type the decoder knows, MySQL and
// MariaDB, v1/v2/compressed/partial rows), the columns still wanted decode to
// exactly what a full decode gives, the skipped ones are absent, and every
// event decodes with the same outcome, so the skipping reads the same bytes.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "connectors/mysql/event_decoder.h"
#include "tests/unit/mysql/fixture_reader.h"

namespace cdc::mysql::testing {
namespace {

// Rows of every rows event in the file (inside TRANSACTION_PAYLOADs too), and
// the offsets of events that failed to decode.
struct Decoded {
  std::vector<std::vector<Row>> rows;
  std::vector<size_t> failed;
};

void Collect(const BinlogEvent& event, Decoded& out) {
  if (const Rows* rows = event.As<Rows>()) out.rows.push_back(rows->rows);
  if (const auto* payload = event.As<TransactionPayload>()) {
    for (const auto& inner : payload->events) Collect(inner, out);
  }
}

Decoded DecodeFile(const std::string& relative, EventDecoder::ColumnFilter filter) {
  EventDecoder decoder;
  if (filter) decoder.SetColumnFilter(std::move(filter));
  Decoded out;
  const std::string bytes = BinlogBytes(relative);
  for (const RawEvent& raw : SplitEvents(bytes)) {
    auto event = decoder.Decode(raw.bytes);
    if (!event) {
      out.failed.push_back(raw.offset);
      continue;
    }
    Collect(*event, out);
  }
  return out;
}

void ExpectSameButSkipped(const std::vector<core::Value>& full, const std::vector<core::Value>& partial,
                          const std::function<bool(size_t)>& wanted, const std::string& where) {
  ASSERT_EQ(full.size(), partial.size()) << where;
  for (size_t i = 0; i < full.size(); ++i) {
    if (wanted(i)) {
      EXPECT_TRUE(full[i] == partial[i]) << where << " column " << i + 1;
    } else {
      EXPECT_TRUE(partial[i].is_absent()) << where << " column " << i + 1 << " should be skipped";
    }
  }
}

// Decodes `relative` whole and with only the columns `wanted` picks, and
// compares the two.
void CheckSkipping(const std::string& relative, const std::function<bool(size_t)>& wanted) {
  const Decoded full = DecodeFile(relative, nullptr);
  const Decoded partial = DecodeFile(relative, [&](const core::TableSchema& schema) {
    std::vector<bool> flags(schema.columns.size());
    for (size_t i = 0; i < flags.size(); ++i) flags[i] = wanted(i);
    return flags;
  });
  EXPECT_EQ(full.failed, partial.failed) << relative;
  EXPECT_FALSE(full.rows.empty()) << relative << " has no rows event";
  ASSERT_EQ(full.rows.size(), partial.rows.size()) << relative;
  for (size_t e = 0; e < full.rows.size(); ++e) {
    ASSERT_EQ(full.rows[e].size(), partial.rows[e].size()) << relative << " rows event " << e;
    for (size_t r = 0; r < full.rows[e].size(); ++r) {
      const std::string where = relative + " rows event " + std::to_string(e) + " row " + std::to_string(r);
      ExpectSameButSkipped(full.rows[e][r].before, partial.rows[e][r].before, wanted, where + " before");
      ExpectSameButSkipped(full.rows[e][r].after, partial.rows[e][r].after, wanted, where + " after");
    }
  }
}

const char* const kFixtures[] = {
    "boxercrab/30_write_rows_v2.binlog",
    "boxercrab/31_update_rows_v2.binlog",
    "boxercrab/32_delete_rows_v2.binlog",
    "canal/tsdb-mysql-bin.000002",
    "canal/tsdb-mysql-bin.000003",
    "captured-mariadb-10.11-chinook/mariadb-bin.000002",
    "captured-mariadb-10.11-chinook/mariadb-bin.000003",
    "go-mysql-server-mariadb/binlog_transaction_multi_ops.txt",
    "go-mysql-server-mariadb/binlog_update.txt",
    "mysql-binlog-connector-java/mysql-bin.checksum-crc32",
    "mysql-binlog-connector-java/mysql-bin.checksum-none",
    "mysql-binlog-connector-java/mysql-bin.compressed",
    "mysql-binlog-connector-java/mysql-bin.sakila.gz",
    "rust_mysql_common/binlog-invisible-columns.000001",
    "rust_mysql_common/json-opaque.binlog",
    "rust_mysql_common/json.binlog.000001",
    "rust_mysql_common/mariadb-bin.000001",
    "rust_mysql_common/minimal_row_metadata.000001",
    "rust_mysql_common/mysql-enum-string-set.000001",
    "rust_mysql_common/mysql_type_bit.000001",
    "rust_mysql_common/time_issue.000001",
    "rust_mysql_common/transaction_compression.000001",
    "rust_mysql_common/vector.binlog",
};

TEST(ColumnSkip, EveryOtherColumnSkippedLeavesTheRestIdenticalInEveryFixture) {
  for (const char* fixture : kFixtures) CheckSkipping(fixture, [](size_t i) { return i % 2 == 1; });
}

TEST(ColumnSkip, OnlyTheFirstColumnKeptStillStepsOverEveryOtherType) {
  for (const char* fixture : kFixtures) CheckSkipping(fixture, [](size_t i) { return i == 0; });
}

TEST(ColumnSkip, NoColumnWantedLeavesWholeImagesAbsent) {
  for (const char* fixture : kFixtures) CheckSkipping(fixture, [](size_t) { return false; });
}

TEST(ColumnSkip, EmptyFilterAnswerDecodesEveryColumn) {
  const Decoded full = DecodeFile("rust_mysql_common/mariadb-bin.000001", nullptr);
  const Decoded all = DecodeFile("rust_mysql_common/mariadb-bin.000001",
                                 [](const core::TableSchema&) { return std::vector<bool>(); });
  ASSERT_EQ(full.rows.size(), all.rows.size());
  ASSERT_FALSE(full.rows.empty());
  for (size_t e = 0; e < full.rows.size(); ++e) {
    ASSERT_EQ(full.rows[e].size(), all.rows[e].size());
    for (size_t r = 0; r < full.rows[e].size(); ++r) {
      EXPECT_TRUE(full.rows[e][r].before == all.rows[e][r].before);
      EXPECT_TRUE(full.rows[e][r].after == all.rows[e][r].after);
    }
  }
}

}  // namespace
}  // namespace cdc::mysql::testing
