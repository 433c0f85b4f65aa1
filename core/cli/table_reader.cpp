#include "core/cli/table_reader.h"

#include <chrono>
#include <map>
#include <memory>

#include "connectors/mysql/mysql_connection.h"
#include "connectors/mysql/mysql_source_catalog.h"
#include "connectors/mysql/snapshot.h"
#include "connectors/postgres/slot_admin.h"
#include "connectors/postgres/snapshot.h"
#include "core/log/log.h"

namespace cdc::cli {

namespace {

// Far from the stream caches' schema versions (as the sources' own snapshots),
// so a mapping caching per (table, version) never mixes definitions.
constexpr uint64_t kSchemaVersionBase = uint64_t{3} << 40;

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::pair<std::string, std::string> Split(const std::string& qualified) {
  auto dot = qualified.find('.');
  return {qualified.substr(0, dot), qualified.substr(dot + 1)};
}

core::Result<std::vector<uint64_t>> ReadPostgres(const config::PipelineConfig& config,
                                                 const std::vector<std::string>& tables,
                                                 const std::vector<core::Mapping::TableNeeds>& needs,
                                                 const TableRowFn& row, const BadTableRowFn& bad_row) {
  auto admin = pg::SlotAdmin::Connect(config.source.dsn);
  if (!admin) return core::Fail(admin.error());
  auto described = (*admin)->DescribeTables(tables);
  if (!described) return core::Fail(described.error());
  for (const auto& t : *described) {
    if (!t.exists) return core::Fail(core::Error::Config("table " + t.QualifiedName() + " does not exist"));
  }
  pg::TypeResolver types;
  if (auto st = (*admin)->LoadUserTypes(types); !st) return core::Fail(st.error());

  // A fresh REPEATABLE READ READ ONLY transaction: every table as of one instant.
  auto snapshot = pg::Snapshot::Begin(config.source.dsn, "");
  if (!snapshot) return core::Fail(snapshot.error());
  // No LSN belongs to this read; the position only orders rows (event ids of
  // snapshot rows do not depend on it) and dead letters are relabelled.
  const core::Position position{core::SourceKind::kPostgres, 0, 0, 0};
  std::vector<uint64_t> counts;
  bool stopped = false;
  for (size_t i = 0; i < described->size(); ++i) {
    const auto table = pg::Snapshot::ColumnsToRead((*described)[i], needs);
    const uint64_t before = (*snapshot)->rows_done();
    auto schema = pg::Snapshot::SchemaFor(table, types, kSchemaVersionBase + i);
    auto emit = [&](core::RowChange&& change) { return !(stopped = !row(std::move(change))); };
    auto bad = [&](const core::Error& error, const std::string& line) {
      return !(stopped = !bad_row(error, line));
    };
    if (auto st = (*snapshot)->ReadTable(table, schema, types, position, emit, bad); !st) {
      return core::Fail(st.error());
    }
    if (stopped) return core::Fail(core::Error::Fatal("snapshot of " + table.QualifiedName() + " stopped"));
    counts.push_back((*snapshot)->rows_done() - before);
  }
  if (auto st = (*snapshot)->Commit(); !st) return core::Fail(st.error());
  return counts;
}

core::Result<std::vector<uint64_t>> ReadMysql(const config::PipelineConfig& config,
                                              const std::vector<std::string>& tables, const TableRowFn& row) {
  auto dsn = mysql::MysqlDsn::Parse(config.source.dsn);
  if (!dsn) return core::Fail(dsn.error());
  // Catalog questions on a second connection: the snapshot's is busy streaming.
  auto catalog = mysql::MysqlConnection::Connect(*dsn);
  if (!catalog) return core::Fail(catalog.error());
  std::map<std::string, std::vector<std::string>> json_columns;
  for (const auto& name : tables) {
    auto [db, table] = Split(name);
    auto exists = (*catalog)->QueryValue(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + (*catalog)->Quote(db) +
        " AND TABLE_NAME = " + (*catalog)->Quote(table));
    if (!exists) return core::Fail(exists.error());
    if (!*exists || **exists == "0")
      return core::Fail(core::Error::Config("table " + name + " does not exist"));
    // MariaDB JSON is LONGTEXT with a CHECK: mark those columns as the stream does.
    auto json = mysql::ReadJsonColumns(**catalog, db, table);
    if (json) json_columns[name] = std::move(*json);
  }

  auto conn = mysql::MysqlConnection::Connect(*dsn);
  if (!conn) return core::Fail(conn.error());
  auto snapshot = mysql::Snapshot::BeginUnpositioned(std::move(*conn));
  if (!snapshot) return core::Fail(snapshot.error());
  std::vector<uint64_t> counts;
  for (const auto& name : tables) {
    auto [db, table] = Split(name);
    const auto& json = json_columns[name];
    uint32_t index = 0;
    bool open = true;
    auto read = (*snapshot)->ReadTable(
        db, table,
        [&](const std::shared_ptr<const core::TableSchema>& schema, std::vector<core::Value>&& values) {
          core::RowChange change;
          change.op = core::Op::kSnapshot;
          change.table = schema;
          change.after = std::move(values);
          if (!json.empty()) mysql::MarkJsonColumns(change, json);
          change.position = core::Position{core::SourceKind::kMysql, 0, 0, index++};
          change.commit_time_us = NowUs();
          open = row(std::move(change));
          return open;
        });
    if (!read) return core::Fail(read.error());
    if (!open) return core::Fail(core::Error::Fatal("snapshot of " + name + " stopped"));
    counts.push_back(*read);
  }
  if (auto st = (*snapshot)->Finish(); !st) return core::Fail(st.error());
  return counts;
}

}  // namespace

core::Result<std::vector<uint64_t>> ReadTables(const config::PipelineConfig& config,
                                               const std::vector<std::string>& tables,
                                               const std::vector<core::Mapping::TableNeeds>& needs,
                                               const TableRowFn& row, const BadTableRowFn& bad_row) {
  if (config.source.kind == "mysql") return ReadMysql(config, tables, row);
  return ReadPostgres(config, tables, needs, row, bad_row);
}

}  // namespace cdc::cli
