// One test per binlog fixture: the whole file decodes, and what its
// expect.json records (events, counts, CRC32, GTIDs, rotate targets, table
// names, mariadb-binlog row images, upstream assertions) holds.
#include <gtest/gtest.h>

#include "tests/unit/mysql/fixture_check.h"

namespace cdc::mysql::testing {
namespace {

TEST(BoxercrabFixture, StopFileEndsWithStopEvent) {
  FixtureRun run = CheckFixture("boxercrab/03_stop.binlog");
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_NE(run.events.back().event.As<Stop>(), nullptr);
}

TEST(BoxercrabFixture, RotatePointsToNextFile) { CheckFixture("boxercrab/04_rotate.binlog"); }
TEST(BoxercrabFixture, FormatDescriptionIsMysql57WithCrc32) {
  FixtureRun run = CheckFixture("boxercrab/15_format_desc.binlog");
  const auto* f = run.events.front().event.As<FormatDescription>();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->flavor, Flavor::kMysql);
  EXPECT_EQ(f->checksum, ChecksumAlg::kCrc32);
}
TEST(BoxercrabFixture, XidFile) { CheckFixture("boxercrab/16_xid.binlog"); }
TEST(BoxercrabFixture, TableMapFile) { CheckFixture("boxercrab/19_table_map.binlog"); }
TEST(BoxercrabFixture, RowsQueryFile) { CheckFixture("boxercrab/29_row_query.binlog"); }
TEST(BoxercrabFixture, WriteRowsV2File) { CheckFixture("boxercrab/30_write_rows_v2.binlog"); }
TEST(BoxercrabFixture, UpdateRowsV2File) { CheckFixture("boxercrab/31_update_rows_v2.binlog"); }
TEST(BoxercrabFixture, DeleteRowsV2File) { CheckFixture("boxercrab/32_delete_rows_v2.binlog"); }
TEST(BoxercrabFixture, GtidAndPreviousGtidsFile) { CheckFixture("boxercrab/33_35_gtid_prev_gtid.binlog"); }
TEST(BoxercrabFixture, AnonymousGtidFile) { CheckFixture("boxercrab/34_anonymous_gtid.binlog"); }

TEST(CanalFixture, DdlHeavyFile000002) { CheckFixture("canal/tsdb-mysql-bin.000002"); }
TEST(CanalFixture, DmlFile000003) { CheckFixture("canal/tsdb-mysql-bin.000003"); }

TEST(ChinookCaptureFixture, RowEventsFile000002) {
  CheckFixture("captured-mariadb-10.11-chinook/mariadb-bin.000002");
}
TEST(ChinookCaptureFixture, CompressedRowEventsFile000003) {
  CheckFixture("captured-mariadb-10.11-chinook/mariadb-bin.000003");
}

TEST(GoMysqlServerMariadbFixture, DeleteStatements) { CheckFixture("go-mysql-server-mariadb/binlog_delete.txt"); }
TEST(GoMysqlServerMariadbFixture, FormatDescriptionOnly) { CheckFixture("go-mysql-server-mariadb/binlog_format_desc.txt"); }
TEST(GoMysqlServerMariadbFixture, InsertStatements) { CheckFixture("go-mysql-server-mariadb/binlog_insert.txt"); }
TEST(GoMysqlServerMariadbFixture, TransactionMultiOps) {
  CheckFixture("go-mysql-server-mariadb/binlog_transaction_multi_ops.txt");
}
TEST(GoMysqlServerMariadbFixture, UpdateStatements) { CheckFixture("go-mysql-server-mariadb/binlog_update.txt"); }

TEST(MariadbPocFixture, File000001) { CheckFixture("mariadb-poc/domain_id_0-mariadb-repl-bin.000001"); }
TEST(MariadbPocFixture, File000005) { CheckFixture("mariadb-poc/domain_id_0-mariadb-repl-bin.000005"); }
TEST(MariadbPocFixture, File000009) { CheckFixture("mariadb-poc/domain_id_0-mariadb-repl-bin.000009"); }
TEST(MariadbPocFixture, File000010) { CheckFixture("mariadb-poc/domain_id_0-mariadb-repl-bin.000010"); }

TEST(BinlogConnectorJavaFixture, AuroraPadding) { CheckFixture("mysql-binlog-connector-java/mysql-bin.aurora-padding"); }
TEST(BinlogConnectorJavaFixture, ChecksumCrc32) { CheckFixture("mysql-binlog-connector-java/mysql-bin.checksum-crc32"); }
TEST(BinlogConnectorJavaFixture, ChecksumNone) { CheckFixture("mysql-binlog-connector-java/mysql-bin.checksum-none"); }
TEST(BinlogConnectorJavaFixture, Compressed) { CheckFixture("mysql-binlog-connector-java/mysql-bin.compressed"); }
TEST(BinlogConnectorJavaFixture, Sakila) { CheckFixture("mysql-binlog-connector-java/mysql-bin.sakila.gz"); }

TEST(RustMysqlCommonFixture, InvisibleColumns) { CheckFixture("rust_mysql_common/binlog-invisible-columns.000001"); }
TEST(RustMysqlCommonFixture, PreviousGtidNoTag) {
  CheckFixture("rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001");
}
TEST(RustMysqlCommonFixture, GtidTag) { CheckFixture("rust_mysql_common/binlog_transaction_with_GTID_TAG.000001"); }
TEST(RustMysqlCommonFixture, JsonOpaque) { CheckFixture("rust_mysql_common/json-opaque.binlog"); }
TEST(RustMysqlCommonFixture, JsonPartialUpdate) { CheckFixture("rust_mysql_common/json.binlog.000001"); }
TEST(RustMysqlCommonFixture, MariadbFullMetadata) { CheckFixture("rust_mysql_common/mariadb-bin.000001"); }
TEST(RustMysqlCommonFixture, MinimalRowImage) { CheckFixture("rust_mysql_common/minimal_row_metadata.000001"); }
TEST(RustMysqlCommonFixture, EnumStringSet) { CheckFixture("rust_mysql_common/mysql-enum-string-set.000001"); }
TEST(RustMysqlCommonFixture, Bit) { CheckFixture("rust_mysql_common/mysql_type_bit.000001"); }
TEST(RustMysqlCommonFixture, NegativeLongTime) { CheckFixture("rust_mysql_common/time_issue.000001"); }
TEST(RustMysqlCommonFixture, TransactionCompression) {
  CheckFixture("rust_mysql_common/transaction_compression.000001");
}
TEST(RustMysqlCommonFixture, Vector) { CheckFixture("rust_mysql_common/vector.binlog"); }

}  // namespace
}  // namespace cdc::mysql::testing
