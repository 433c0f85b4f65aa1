// Snapshot: a consistent read of the mapped tables together with the binlog
// point it corresponds to, so streaming resumes exactly where the read stands.
// MariaDB: START TRANSACTION WITH CONSISTENT SNAPSHOT + binlog_snapshot_file/
// position (no lock). MySQL: a brief FLUSH TABLES WITH READ LOCK around the
// start and SHOW MASTER STATUS. Rows are streamed (mysql_use_result), never a
// whole table in memory. Owns its connection; one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/model/result.h"
#include "core/model/row_change.h"

namespace cdc::mysql {

class MysqlConnection;

// A binlog coordinate: the file, the offset of the next event, and the GTID
// state after everything before it (MariaDB "0-1-42", MySQL executed set).
struct BinlogPoint {
  std::string file;
  uint64_t offset = 0;
  std::string gtid;
};

class Snapshot {
 public:
  // Opens the consistent transaction on `conn` (session set to UTC, long
  // net_write_timeout so a slow pipeline does not break the read).
  static core::Result<std::unique_ptr<Snapshot>> Begin(std::unique_ptr<MysqlConnection> conn);
  // The same consistent read without a binlog point (point() stays empty): no
  // lock, no binlog privilege needed. For re-reading tables on demand
  // (`instasent-cdc snapshot`), which never moves the stream's position.
  static core::Result<std::unique_ptr<Snapshot>> BeginUnpositioned(std::unique_ptr<MysqlConnection> conn);
  ~Snapshot();

  const BinlogPoint& point() const { return point_; }

  // Receives one row: false stops the read (the pipeline is shutting down).
  using RowSink = std::function<bool(const std::shared_ptr<const core::TableSchema>&,
                                     std::vector<core::Value>&&)>;

  // Reads every row of `database`.`table` in primary-key order where there is
  // one; returns the row count. A stop from `sink` returns the rows so far.
  // With `wanted` columns (not empty), only those and the primary key are selected
  // (in table order; the schema lists just them), so values no mapping reads
  // are neither sent nor converted; when the table lacks one of them, every
  // column is read.
  core::Result<uint64_t> ReadTable(const std::string& database, const std::string& table,
                                   const RowSink& sink, const std::set<std::string>& wanted = {});

  // Rough row count (information_schema), for progress only.
  uint64_t EstimateRows(const std::string& database, const std::string& table);

  // Ends the read-only transaction.
  core::Status Finish();

 private:
  explicit Snapshot(std::unique_ptr<MysqlConnection> conn);
  core::Status Start();
  core::Status StartSession();
  // The select list for ReadTable: "*", or the wanted and key columns.
  core::Result<std::string> SelectList(const std::string& from, const std::set<std::string>& columns,
                                       bool& has_key);

  std::unique_ptr<MysqlConnection> conn_;
  BinlogPoint point_;
  uint64_t next_version_;
};

}  // namespace cdc::mysql
