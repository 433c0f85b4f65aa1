#include "connectors/postgres/relation_cache.h"

#include <string>
#include <utility>

namespace cdc::pg {

const RelationInfo& RelationCache::Apply(const RelationMessage& message,
                                         const TypeResolver& types) {
  auto schema = std::make_shared<core::TableSchema>();
  // pgoutput sends "" for pg_catalog (logicalrep_write_namespace).
  schema->schema =
      message.namespace_name.empty() ? "pg_catalog" : std::string(message.namespace_name);
  schema->name = std::string(message.name);
  schema->version = next_version_++;

  RelationInfo info;
  info.oid = message.oid;
  info.replica_identity = message.replica_identity;
  const size_t n = message.columns.size();
  schema->columns.reserve(n);
  schema->types.reserve(n);
  info.type_oids.reserve(n);
  info.type_modifiers.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const RelationColumn& c = message.columns[i];
    schema->columns.emplace_back(c.name);
    schema->types.push_back(TypeName(c.type_oid, types));
    // With REPLICA IDENTITY FULL every column is flagged.
    if (c.is_key()) schema->key.push_back(i);
    info.identity.push_back(c.is_key());
    info.type_oids.push_back(c.type_oid);
    info.type_modifiers.push_back(c.type_modifier);
  }
  if (auto pk = primary_keys_.find(message.oid); pk != primary_keys_.end()) {
    std::vector<size_t> key;
    for (const std::string& column : pk->second) {
      int i = schema->ColumnIndex(column);
      if (i < 0) break;
      key.push_back(static_cast<size_t>(i));
    }
    // A primary key column the publication does not send (column lists)
    // cannot identify rows: keep the replica identity.
    if (!key.empty() && key.size() == pk->second.size()) schema->key = std::move(key);
  }
  info.schema = std::move(schema);
  auto& slot = relations_[message.oid];
  slot = std::move(info);
  return slot;
}

const RelationInfo* RelationCache::Find(uint32_t relation_oid) const {
  auto it = relations_.find(relation_oid);
  return it == relations_.end() ? nullptr : &it->second;
}

}  // namespace cdc::pg
