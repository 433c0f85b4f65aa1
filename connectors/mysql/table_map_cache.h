// TableMapCache: table maps by table id and the core::TableSchema built from
// each (column names from optional metadata, else col_1.. or names the source
// supplied from information_schema). Single-threaded: owned by one decoder.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "connectors/mysql/table_map.h"
#include "core/model/row_change.h"

namespace cdc::mysql {

class TableMapCache {
 public:
  struct Entry {
    std::shared_ptr<const TableMap> map;
    std::shared_ptr<const core::TableSchema> schema;
    std::string raw;  // the TABLE_MAP body `map` was decoded from ("" = not known)
  };

  // Stores a freshly decoded map. The schema object is reused while the
  // definition (types, metadata, names) is unchanged, so its version is stable
  // across the repeated TABLE_MAPs of every transaction.
  // `raw` is the event body it came from, for FindUnchanged.
  const Entry& Put(TableMap map, std::string_view raw = {});
  // The entry for a table id, or nullptr when no TABLE_MAP was seen for it.
  const Entry* Find(uint64_t table_id) const;
  // The entry of a table id whose TABLE_MAP body is byte for byte `raw`: the
  // map is re-sent with every transaction, and decoding it again would give
  // the same entry (catalog facts applied since are already in it).
  const Entry* FindUnchanged(uint64_t table_id, std::string_view raw) const;

  // Column names from information_schema for tables logged without names
  // (binlog_row_metadata=MINIMAL). Applied to current and future maps.
  void SetColumnNames(const std::string& database, const std::string& table, std::vector<std::string> names);
  // Signedness per column from information_schema, for servers that do not log
  // it (MySQL 5.7, MariaDB < 10.5, binlog_row_metadata=MINIMAL on MariaDB):
  // applied to maps without signedness metadata, now and on later TABLE_MAPs.
  void SetUnsignedColumns(const std::string& database, const std::string& table,
                          std::vector<bool> is_unsigned);
  // ENUM and SET value names per column from information_schema (COLUMN_TYPE),
  // for maps without them (binlog_row_metadata=MINIMAL): applied to ENUM/SET
  // columns whose map carries no names, now and on later TABLE_MAPs, so the
  // binlog gives names like the snapshot does. An empty list = not ENUM/SET.
  void SetEnumSetValues(const std::string& database, const std::string& table,
                        std::vector<std::vector<std::string>> values);
  // Drops names, signedness, ENUM/SET values and schemas of a table after DDL; the next TABLE_MAP
  // rebuilds them.
  void Invalidate(const std::string& database, const std::string& table);
  void InvalidateAll();

  size_t size() const { return by_id_.size(); }

 private:
  std::shared_ptr<const core::TableSchema> BuildSchema(const TableMap& map) const;

  std::unordered_map<uint64_t, Entry> by_id_;
  void ApplyUnsigned(TableMap& map) const;
  void ApplyEnumSet(TableMap& map) const;
  // Re-applies catalog facts to the current maps of a table after a Set*.
  void Reapply(const std::string& database, const std::string& table);

  std::map<std::pair<std::string, std::string>, std::vector<std::string>> names_;
  std::map<std::pair<std::string, std::string>, std::vector<bool>> unsigned_;
  std::map<std::pair<std::string, std::string>, std::vector<std::vector<std::string>>> enum_set_;
  uint64_t next_version_ = 1;
};

}  // namespace cdc::mysql
