// LiveTables: the mapped tables as the source database has them now (each
// column's name, declared type and the value kind the source decodes it to),
// read-only, so `validate` can check every mapped column at its config line.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "core/model/result.h"
#include "core/model/value.h"

namespace cdc::cli {

struct LiveColumn {
  std::string name;
  std::string type;                                 // as the database names it: "numeric(10,2)", "varchar"
  core::ValueKind kind = core::ValueKind::kAbsent;  // kAbsent: not known (domains, user types)
};

struct LiveTable {
  std::string table;    // "schema.table" as mapped
  bool exists = false;  // false: missing, or this login cannot see it
  std::vector<LiveColumn> columns;
};

struct LiveTables {
  std::vector<LiveTable> tables;
  bool case_insensitive_columns = false;  // MySQL column names ignore case

  const LiveTable* Find(const std::string& table) const;
  const LiveColumn* FindColumn(const LiveTable& table, const std::string& column) const;
};

// Connects with the config's source DSN and describes `tables` ("schema.table").
core::Result<LiveTables> DescribeLiveTables(const config::PipelineConfig& config,
                                            const std::vector<std::string>& tables);

// The value kind a source produces for a declared type; kAbsent when unknown.
core::ValueKind PostgresTypeKind(uint32_t type_oid, const std::string& type_name);
core::ValueKind MysqlTypeKind(const std::string& data_type);  // information_schema DATA_TYPE

}  // namespace cdc::cli
