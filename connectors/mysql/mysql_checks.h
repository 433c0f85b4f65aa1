// Startup checks of a MySQL/MariaDB server for binlog capture: binary log on,
// ROW format, row image and row metadata, a unique server_id, the grants, and
// that every mapped table and column exists and is readable. Every problem is
// listed in one kConfig error (exit 2); tolerable settings become warnings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/result.h"
#include "core/pipeline/mapping.h"

namespace cdc::mysql {

class MysqlConnection;

struct CheckOptions {
  uint32_t server_id = 0;
  // The name this pipeline registers with (COM_REGISTER_SLAVE host): a
  // registration under our server_id and this name is our own earlier session.
  std::string replica_name;
  std::vector<core::Mapping::TableNeeds> tables;  // "db.table" (or "table" in the DSN database)
  std::string default_database;
  bool needs_snapshot = false;  // MySQL snapshots take FLUSH TABLES WITH READ LOCK (RELOAD)
};

struct CheckReport {
  bool is_mariadb = false;
  std::string server_version;
  uint32_t server_own_id = 0;
  std::string row_image;          // FULL | MINIMAL | NOBLOB
  bool row_metadata_full = false; // false: column names come from information_schema
  std::string binlog_checksum;    // NONE | CRC32
  std::vector<std::string> warnings;
};

// Runs every check on `conn`; kConfig listing each problem on its own line,
// or the report (with warnings) when capture can go on.
core::Result<CheckReport> RunChecks(MysqlConnection& conn, const CheckOptions& options);

// Splits "db.table" (or "table", in `default_database`); backquotes allowed.
void SplitTableName(const std::string& qualified, const std::string& default_database,
                    std::string& database, std::string& table);

// `name` quoted as an SQL identifier: `na``me`.
std::string QuoteIdentifier(const std::string& name);

}  // namespace cdc::mysql
