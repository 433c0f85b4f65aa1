// Prerequisite checks for a Postgres pipeline, as readable problems for
// `validate` and Prepare(): wal_level, missing tables/columns, replica
// identities that cannot give the old-row columns a mapping needs, and
// publications that do not cover the mapped tables. The checks themselves are
// pure functions over catalog descriptions (SlotAdmin reads those).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/result.h"
#include "core/pipeline/mapping.h"

namespace cdc::pg {

struct ColumnDescription {
  std::string name;
  uint32_t type_oid = 0;
  std::string type_name;     // format_type(), for messages and TableSchema::types
  bool in_identity = false;  // part of the replica identity (primary key, index or FULL)
};

struct TableDescription {
  std::string schema;
  std::string name;
  bool exists = false;
  uint32_t oid = 0;
  char replica_identity = 'd';             // 'd' default (primary key), 'n', 'f', 'i'
  bool has_identity_key = false;           // a primary key / identity index exists
  std::vector<ColumnDescription> columns;  // published columns in attnum order
  std::vector<std::string> primary_key;    // column names, in key order (empty: none)
  double estimated_rows = 0;               // pg_class.reltuples (-1/0 when never analysed)

  std::string QualifiedName() const { return schema + "." + name; }
};

struct PublicationDescription {
  bool exists = false;
  bool publishes_insert = false, publishes_update = false, publishes_delete = false;
  std::vector<std::string> tables;  // "schema.table" of pg_publication_tables
};

// "public.customers" → {"public", "customers"}; a bare name is in "public".
std::pair<std::string, std::string> SplitTableName(const std::string& qualified);

// Each returns one line per problem, naming the table and what to run.
std::vector<std::string> CheckWalLevel(const std::string& wal_level);
std::vector<std::string> CheckTables(const std::vector<core::Mapping::TableNeeds>& needs,
                                     const std::vector<TableDescription>& tables);
std::vector<std::string> CheckPublication(const std::string& publication,
                                          const PublicationDescription& description,
                                          const std::vector<core::Mapping::TableNeeds>& needs);

// Connects with `dsn` and runs every check (the publication only if it
// exists: a missing one is created by `run`). Connection failures are errors;
// problems are the value. For `instasent-cdc validate`.
core::Result<std::vector<std::string>> ValidatePostgres(const std::string& dsn,
                                                        const std::string& publication,
                                                        const std::vector<core::Mapping::TableNeeds>& needs);

}  // namespace cdc::pg
