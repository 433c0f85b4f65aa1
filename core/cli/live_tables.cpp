#include "core/cli/live_tables.h"

#include <strings.h>

#include <algorithm>

#include "connectors/mysql/mysql_checks.h"
#include "connectors/mysql/mysql_connection.h"
#include "connectors/postgres/pg_types.h"
#include "connectors/postgres/postgres_checks.h"
#include "connectors/postgres/slot_admin.h"

namespace cdc::cli {
namespace {

using core::ValueKind;

core::Result<LiveTables> DescribePostgres(const std::string& dsn, const std::vector<std::string>& names) {
  auto admin = pg::SlotAdmin::Connect(dsn);
  if (!admin) return core::Fail(admin.error());
  auto described = (*admin)->DescribeTables(names);
  if (!described) return core::Fail(described.error());
  LiveTables live;
  for (const auto& name : names) {
    LiveTable& t = live.tables.emplace_back();
    t.table = name;
    const auto [schema, table] = pg::SplitTableName(name);
    for (const pg::TableDescription& d : *described) {
      if (d.schema != schema || d.name != table || !d.exists) continue;
      t.exists = true;
      for (const auto& c : d.columns) {
        t.columns.push_back({c.name, c.type_name, PostgresTypeKind(c.type_oid, c.type_name)});
      }
    }
  }
  return live;
}

core::Result<LiveTables> DescribeMysql(const config::PipelineConfig& config,
                                       const std::vector<std::string>& names) {
  auto dsn = mysql::MysqlDsn::Parse(config.source.dsn);
  if (!dsn) return core::Fail(dsn.error());
  auto conn = mysql::MysqlConnection::Connect(*dsn);
  if (!conn) return core::Fail(conn.error());
  LiveTables live;
  live.case_insensitive_columns = true;
  for (const auto& name : names) {
    std::string db, table;
    mysql::SplitTableName(name, dsn->database, db, table);
    // information_schema lists what the login has some privilege on.
    auto rows = (*conn)->Query(
        "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
        (*conn)->Quote(db) + " AND TABLE_NAME = " + (*conn)->Quote(table) + " ORDER BY ORDINAL_POSITION");
    if (!rows) return core::Fail(rows.error());
    LiveTable& t = live.tables.emplace_back();
    t.table = name;
    t.exists = !rows->rows.empty();
    for (const auto& row : rows->rows) {
      const std::string column = row[0].value_or(""), data_type = row[1].value_or(""),
                        type = row[2].value_or("");
      t.columns.push_back({column, type, MysqlTypeKind(data_type)});
    }
  }
  return live;
}

}  // namespace

const LiveTable* LiveTables::Find(const std::string& table) const {
  auto it = std::find_if(tables.begin(), tables.end(), [&](const LiveTable& t) { return t.table == table; });
  return it == tables.end() ? nullptr : &*it;
}

const LiveColumn* LiveTables::FindColumn(const LiveTable& table, const std::string& column) const {
  for (const auto& c : table.columns) {
    if (case_insensitive_columns ? strcasecmp(c.name.c_str(), column.c_str()) == 0 : c.name == column)
      return &c;
  }
  return nullptr;
}

core::Result<LiveTables> DescribeLiveTables(const config::PipelineConfig& config,
                                            const std::vector<std::string>& tables) {
  if (config.source.kind == "mysql") return DescribeMysql(config, tables);
  return DescribePostgres(config.source.dsn, tables);
}

ValueKind PostgresTypeKind(uint32_t type_oid, const std::string& type_name) {
  namespace oid = pg::oid;
  switch (type_oid) {
    case oid::kBool:
      return ValueKind::kBool;
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
    case oid::kOid:
      return ValueKind::kInt;
    case oid::kNumeric:
      return ValueKind::kDecimal;
    case oid::kFloat4:
    case oid::kFloat8:
      return ValueKind::kDouble;
    case oid::kText:
    case oid::kVarchar:
    case oid::kBpchar:
    case oid::kChar:
    case oid::kName:
    case oid::kUuid:
    case oid::kMoney:
    case oid::kInterval:
    case oid::kXml:
      return ValueKind::kString;
    case oid::kDate:
      return ValueKind::kDate;
    case oid::kTime:
    case oid::kTimeTz:
      return ValueKind::kTime;
    case oid::kTimestamp:
      return ValueKind::kTimestamp;
    case oid::kTimestampTz:
      return ValueKind::kTimestampTz;
    case oid::kJson:
    case oid::kJsonb:
      return ValueKind::kJson;
    case oid::kBytea:
      return ValueKind::kBytes;
    default:
      break;
  }
  // Arrays (builtin or of user types) are sent as JSON arrays.
  if (pg::BuiltinArrayElement(type_oid) != 0 || type_name.ends_with("[]")) return ValueKind::kJson;
  return ValueKind::kAbsent;  // enums, domains, composites, extensions: not judged
}

ValueKind MysqlTypeKind(const std::string& data_type) {
  std::string t = data_type;
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "integer" ||
      t == "bigint" || t == "year" || t == "bit") {
    return ValueKind::kInt;
  }
  if (t == "decimal" || t == "numeric") return ValueKind::kDecimal;
  if (t == "float" || t == "double" || t == "real") return ValueKind::kDouble;
  if (t == "date") return ValueKind::kDate;
  if (t == "datetime") return ValueKind::kTimestamp;
  if (t == "timestamp") return ValueKind::kTimestampTz;
  if (t == "time") return ValueKind::kTime;
  if (t == "json") return ValueKind::kJson;
  if (t.find("blob") != std::string::npos || t == "binary" || t == "varbinary" || t == "geometry") {
    return ValueKind::kBytes;
  }
  if (t.find("char") != std::string::npos || t.find("text") != std::string::npos || t == "enum" ||
      t == "set") {
    return ValueKind::kString;
  }
  return ValueKind::kAbsent;
}

}  // namespace cdc::cli
