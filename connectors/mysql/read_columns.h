// ReadColumns: the columns of each mapped table that some mapping reads (the
// source's TableNeeds), so the binlog decoder and the snapshot build values
// for those only. A table whose needs name no column is read whole.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/model/row_change.h"
#include "core/pipeline/mapping.h"

namespace cdc::mysql {

class ReadColumns {
 public:
  ReadColumns() = default;
  // `needs` tables are "db.table", or "table" in `default_database`.
  ReadColumns(const std::vector<core::Mapping::TableNeeds>& needs, const std::string& default_database);

  // The columns read of a table (current and old images); empty = every column.
  const std::set<std::string>& Of(const std::string& database, const std::string& table) const;

  // One flag per column of `schema` (EventDecoder::ColumnFilter): the read
  // columns and the primary key, which an event's default _event_id reads by
  // position. Empty (every column) when the table is read whole or lacks one
  // of the names (columns not known yet, a typo: the mapping reports it, and
  // the dead letter shows the whole row).
  std::vector<bool> Flags(const core::TableSchema& schema) const;

 private:
  std::map<std::pair<std::string, std::string>, std::set<std::string>> by_table_;
};

}  // namespace cdc::mysql
