#include "connectors/mysql/mysql_source_catalog.h"

#include <algorithm>
#include <cctype>

namespace cdc::mysql {

namespace {

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> ParseEnumSetValues(std::string_view type) {
  size_t open = 0;
  if (StartsWithNoCase(type, "enum(")) {
    open = 5;
  } else if (StartsWithNoCase(type, "set(")) {
    open = 4;
  } else {
    return {};
  }
  // Values are quoted with '', a quote inside doubled (the server writes them so).
  std::vector<std::string> values;
  size_t i = open;
  while (i < type.size() && type[i] == '\'') {
    std::string value;
    ++i;
    while (i < type.size()) {
      if (type[i] == '\'' && i + 1 < type.size() && type[i + 1] == '\'') {
        value.push_back('\'');
        i += 2;
      } else if (type[i] == '\'') {
        ++i;
        break;
      } else {
        value.push_back(type[i++]);
      }
    }
    values.push_back(std::move(value));
    if (i < type.size() && type[i] == ',') ++i;
  }
  return values;
}

core::Result<CatalogColumns> ReadCatalogColumns(MysqlConnection& conn, const std::string& database,
                                                const std::string& table) {
  auto rows = conn.Query(
      "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
      conn.Quote(database) + " AND TABLE_NAME = " + conn.Quote(table) + " ORDER BY ORDINAL_POSITION");
  if (!rows) return core::Fail(rows.error());
  CatalogColumns out;
  for (const auto& row : rows->rows) {
    std::string type = row.size() > 1 ? row[1].value_or("") : "";
    std::string lower = type;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    out.names.push_back(row[0].value_or(""));
    out.is_unsigned.push_back(lower.find(" unsigned") != std::string::npos);
    out.enum_set.push_back(ParseEnumSetValues(type));
  }
  return out;
}

core::Result<std::vector<std::string>> ReadJsonColumns(MysqlConnection& conn, const std::string& database,
                                                       const std::string& table) {
  auto rows = conn.Query(
      "SELECT CONSTRAINT_NAME FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = " +
      conn.Quote(database) + " AND TABLE_NAME = " + conn.Quote(table) +
      " AND CHECK_CLAUSE = CONCAT('json_valid(`', CONSTRAINT_NAME, '`)')");
  if (!rows) return core::Fail(rows.error());
  std::vector<std::string> out;
  for (const auto& row : rows->rows) out.push_back(row[0].value_or(""));
  return out;
}

void MarkJsonColumns(core::RowChange& change, const std::vector<std::string>& json_columns) {
  if (!change.table) return;
  const auto& columns = change.table->columns;
  for (const auto& name : json_columns) {
    auto it = std::find(columns.begin(), columns.end(), name);
    if (it == columns.end()) continue;
    size_t i = static_cast<size_t>(it - columns.begin());
    for (auto* image : {&change.before, &change.after}) {
      if (i < image->size() && (*image)[i].kind() == core::ValueKind::kString) {
        (*image)[i] = core::Value::Json((*image)[i].text());
      }
    }
  }
}

void ApplyCatalogColumns(TableMapCache& cache, const std::string& database, const std::string& table,
                         CatalogColumns columns) {
  cache.SetColumnNames(database, table, std::move(columns.names));
  cache.SetUnsignedColumns(database, table, std::move(columns.is_unsigned));
  cache.SetEnumSetValues(database, table, std::move(columns.enum_set));
}

}  // namespace cdc::mysql
