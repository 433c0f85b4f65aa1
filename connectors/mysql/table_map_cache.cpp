// Table maps are re-sent before every rows event group, usually unchanged, so
// the schema object (and its version) is kept while the definition is equal.
#include "connectors/mysql/table_map_cache.h"

namespace cdc::mysql {
namespace {

bool SameDefinition(const TableMap& a, const TableMap& b) {
  return a.database == b.database && a.table == b.table && a.types == b.types && a.meta == b.meta &&
         a.nullable == b.nullable && a.column_names == b.column_names && a.is_unsigned == b.is_unsigned &&
         a.collations == b.collations && a.enum_values == b.enum_values && a.set_values == b.set_values &&
         a.primary_key == b.primary_key && a.visible == b.visible;
}

}  // namespace

std::shared_ptr<const core::TableSchema> TableMapCache::BuildSchema(const TableMap& map) const {
  auto schema = std::make_shared<core::TableSchema>();
  schema->schema = map.database;
  schema->name = map.table;
  const size_t n = map.column_count();
  auto named = names_.find({map.database, map.table});
  if (map.column_names.size() == n) {
    schema->columns = map.column_names;
  } else if (named != names_.end() && named->second.size() == n) {
    schema->columns = named->second;
  } else {
    for (size_t i = 0; i < n; ++i) schema->columns.push_back("col_" + std::to_string(i + 1));
  }
  for (size_t i = 0; i < n; ++i) {
    std::string type = ColumnTypeName(map.real_types[i]);
    if (map.is_unsigned[i]) type += " UNSIGNED";
    schema->types.push_back(std::move(type));
  }
  for (uint32_t k : map.primary_key) schema->key.push_back(k);
  return schema;
}

void TableMapCache::ApplyUnsigned(TableMap& map) const {
  if (map.has_signedness) return;
  auto it = unsigned_.find({map.database, map.table});
  if (it != unsigned_.end() && it->second.size() == map.column_count()) map.is_unsigned = it->second;
}

void TableMapCache::ApplyEnumSet(TableMap& map) const {
  auto it = enum_set_.find({map.database, map.table});
  if (it == enum_set_.end() || it->second.size() != map.column_count()) return;
  for (size_t i = 0; i < map.column_count(); ++i) {
    const auto& names = it->second[i];
    if (names.empty()) continue;
    if (map.real_types[i] == kTypeEnum && map.enum_values[i].empty()) map.enum_values[i] = names;
    if (map.real_types[i] == kTypeSet && map.set_values[i].empty()) map.set_values[i] = names;
  }
}

void TableMapCache::Reapply(const std::string& database, const std::string& table) {
  for (auto& [id, entry] : by_id_) {
    if (entry.map->database != database || entry.map->table != table) continue;
    TableMap copy = *entry.map;
    ApplyUnsigned(copy);
    ApplyEnumSet(copy);
    if (copy.is_unsigned == entry.map->is_unsigned && copy.enum_values == entry.map->enum_values &&
        copy.set_values == entry.map->set_values) {
      continue;
    }
    auto rebuilt = std::const_pointer_cast<core::TableSchema>(BuildSchema(copy));
    rebuilt->version = next_version_++;
    entry.map = std::make_shared<const TableMap>(std::move(copy));
    entry.schema = std::move(rebuilt);
  }
}

void TableMapCache::SetUnsignedColumns(const std::string& database, const std::string& table,
                                       std::vector<bool> is_unsigned) {
  unsigned_[{database, table}] = std::move(is_unsigned);
  Reapply(database, table);
}

void TableMapCache::SetEnumSetValues(const std::string& database, const std::string& table,
                                     std::vector<std::vector<std::string>> values) {
  enum_set_[{database, table}] = std::move(values);
  Reapply(database, table);
}

const TableMapCache::Entry& TableMapCache::Put(TableMap map, std::string_view raw) {
  ApplyUnsigned(map);
  ApplyEnumSet(map);
  // A table keeps its schema object across table ids (ids change after
  // FLUSH TABLES or a table cache eviction) as long as nothing changed.
  std::shared_ptr<const core::TableSchema> schema;
  for (const auto& [id, entry] : by_id_) {
    if (entry.schema && SameDefinition(*entry.map, map)) {
      schema = entry.schema;
      break;
    }
  }
  if (!schema) {
    auto built = BuildSchema(map);
    auto mutable_schema = std::const_pointer_cast<core::TableSchema>(built);
    mutable_schema->version = next_version_++;
    schema = std::move(built);
  }
  // Drop stale ids of the same table so the map stays bounded by live tables.
  for (auto it = by_id_.begin(); it != by_id_.end();) {
    if (it->first != map.table_id && it->second.map->database == map.database &&
        it->second.map->table == map.table) {
      it = by_id_.erase(it);
    } else {
      ++it;
    }
  }
  uint64_t id = map.table_id;
  Entry& entry = by_id_[id];
  entry.map = std::make_shared<const TableMap>(std::move(map));
  entry.schema = std::move(schema);
  entry.raw.assign(raw);
  return entry;
}

const TableMapCache::Entry* TableMapCache::FindUnchanged(uint64_t table_id, std::string_view raw) const {
  const Entry* entry = Find(table_id);
  if (entry == nullptr || raw.empty() || entry->raw != raw) return nullptr;
  return entry;
}

const TableMapCache::Entry* TableMapCache::Find(uint64_t table_id) const {
  auto it = by_id_.find(table_id);
  return it == by_id_.end() ? nullptr : &it->second;
}

void TableMapCache::SetColumnNames(const std::string& database, const std::string& table,
                                   std::vector<std::string> names) {
  names_[{database, table}] = std::move(names);
  for (auto& [id, entry] : by_id_) {
    if (entry.map->database == database && entry.map->table == table && entry.map->column_names.empty()) {
      auto rebuilt = std::const_pointer_cast<core::TableSchema>(BuildSchema(*entry.map));
      rebuilt->version = next_version_++;
      entry.schema = std::move(rebuilt);
    }
  }
}

void TableMapCache::Invalidate(const std::string& database, const std::string& table) {
  names_.erase({database, table});
  unsigned_.erase({database, table});
  enum_set_.erase({database, table});
  for (auto it = by_id_.begin(); it != by_id_.end();) {
    if (it->second.map->database == database && it->second.map->table == table) {
      it = by_id_.erase(it);
    } else {
      ++it;
    }
  }
}

void TableMapCache::InvalidateAll() {
  names_.clear();
  unsigned_.clear();
  enum_set_.clear();
  by_id_.clear();
}

}  // namespace cdc::mysql
