#include "connectors/mysql/read_columns.h"

#include "connectors/mysql/mysql_checks.h"

namespace cdc::mysql {

ReadColumns::ReadColumns(const std::vector<core::Mapping::TableNeeds>& needs,
                         const std::string& default_database) {
  std::set<std::pair<std::string, std::string>> whole;
  for (const auto& t : needs) {
    std::string db, table;
    SplitTableName(t.table, default_database, db, table);
    if (t.columns.empty()) {
      whole.insert({db, table});
      continue;
    }
    auto& read = by_table_[{db, table}];
    read.insert(t.columns.begin(), t.columns.end());
    read.insert(t.old_columns.begin(), t.old_columns.end());
  }
  for (const auto& key : whole) by_table_.erase(key);
}

const std::set<std::string>& ReadColumns::Of(const std::string& database, const std::string& table) const {
  static const std::set<std::string> kEvery;
  auto it = by_table_.find({database, table});
  return it == by_table_.end() ? kEvery : it->second;
}

std::vector<bool> ReadColumns::Flags(const core::TableSchema& schema) const {
  const std::set<std::string>& read = Of(schema.schema, schema.name);
  if (read.empty()) return {};
  std::vector<bool> wanted(schema.columns.size(), false);
  size_t found = 0;
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    if (read.count(schema.columns[i]) > 0) {
      wanted[i] = true;
      ++found;
    }
  }
  if (found < read.size()) return {};
  for (size_t k : schema.key) {
    if (k < wanted.size()) wanted[k] = true;
  }
  return wanted;
}

}  // namespace cdc::mysql
