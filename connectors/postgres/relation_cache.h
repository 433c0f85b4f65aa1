// RelationCache: what the stream told us about each table, keyed by relation
// OID and replaced wholesale on every Relation message (a schema change
// mid-stream gives a new TableSchema with a new version; changes already
// emitted keep the old shared schema). Not thread-safe: owned by the reader.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "connectors/postgres/pg_types.h"
#include "connectors/postgres/pgoutput_messages.h"
#include "core/model/row_change.h"

namespace cdc::pg {

struct RelationInfo {
  uint32_t oid = 0;
  // key = the primary key set with SetPrimaryKey, else the replica identity
  // columns (every column under REPLICA IDENTITY FULL).
  std::shared_ptr<const core::TableSchema> schema;
  std::vector<uint32_t> type_oids;      // per column, row order
  std::vector<int32_t> type_modifiers;  // per column, row order
  std::vector<bool> identity;           // per column: sent in a key-only ('K') old tuple
  char replica_identity = 'd';
};

class RelationCache {
 public:
  // Stores (replacing) the relation; type names come from `types`.
  const RelationInfo& Apply(const RelationMessage& message, const TypeResolver& types);
  // The table's primary key (column names, from the catalog) to use as
  // TableSchema::key from the next Apply for this OID, so a table under
  // REPLICA IDENTITY FULL keeps its real key. Ignored if a column is missing.
  void SetPrimaryKey(uint32_t relation_oid, std::vector<std::string> columns) {
    primary_keys_[relation_oid] = std::move(columns);
  }
  // nullptr if the stream never described this OID. The entry lives until
  // Clear(); a later Apply for the same OID overwrites it in place.
  const RelationInfo* Find(uint32_t relation_oid) const;
  // Forgets every relation (after reconnecting the server sends them again).
  // Versions keep increasing so a re-sent definition is never confused with an old one.
  void Clear() { relations_.clear(); }
  size_t size() const { return relations_.size(); }

 private:
  std::unordered_map<uint32_t, RelationInfo> relations_;
  std::unordered_map<uint32_t, std::vector<std::string>> primary_keys_;
  uint64_t next_version_ = 1;
};

}  // namespace cdc::pg
