// Column facts from information_schema for binlogs that do not carry them
// (binlog_row_metadata=MINIMAL): names, signedness and ENUM/SET value names,
// handed to the decoder's TableMapCache so binlog rows read like snapshot rows;
// and MariaDB's JSON columns (LONGTEXT with a json_valid check), whose text
// both paths turn into JSON values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "connectors/mysql/mysql_connection.h"
#include "connectors/mysql/table_map_cache.h"
#include "core/model/result.h"
#include "core/model/row_change.h"

namespace cdc::mysql {

struct CatalogColumns {
  std::vector<std::string> names;                  // in ordinal order
  std::vector<bool> is_unsigned;                   // numeric columns declared UNSIGNED
  std::vector<std::vector<std::string>> enum_set;  // ENUM/SET value names; empty for others
};

// "enum('a','it''s')" / "set('x','y')" -> {"a", "it's"} / {"x", "y"}; {} for other types.
std::vector<std::string> ParseEnumSetValues(std::string_view column_type);

core::Result<CatalogColumns> ReadCatalogColumns(MysqlConnection& conn, const std::string& database,
                                                const std::string& table);

// MariaDB JSON columns of a table: the columns with the CHECK (json_valid(`c`))
// that a JSON declaration creates.
core::Result<std::vector<std::string>> ReadJsonColumns(MysqlConnection& conn, const std::string& database,
                                                       const std::string& table);

// Text of the named columns becomes kJson, in both images (strings only; NULL
// and absent stay).
void MarkJsonColumns(core::RowChange& change, const std::vector<std::string>& json_columns);

void ApplyCatalogColumns(TableMapCache& cache, const std::string& database, const std::string& table,
                         CatalogColumns columns);

}  // namespace cdc::mysql
