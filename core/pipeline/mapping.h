// Mapping: turns row changes into destination records (config/ implements it,
// compiled once from YAML). Called on the pipeline thread only.
#pragma once

#include <string>
#include <vector>

#include "core/model/record.h"
#include "core/model/result.h"
#include "core/model/row_change.h"

namespace cdc::core {

struct MappingFailure {
  Error error;        // kBadData: message names the mapping, column and reason
  std::string mapping;  // e.g. "mappings[1] (public.orders event purchase)"
};

class Mapping {
 public:
  virtual ~Mapping() = default;

  // Appends the records derived from `change` to `out`, in config order. A
  // mapping entry that cannot convert the row appends to `failures` instead;
  // the other entries still apply.
  virtual void Apply(const RowChange& change, std::vector<Record>& out,
                     std::vector<MappingFailure>& failures) = 0;

  // Qualified names ("schema.table") of every table some mapping reads, and
  // the columns it needs, for sources to capture and validate.
  struct TableNeeds {
    std::string table;
    std::vector<std::string> columns;          // every column referenced
    std::vector<std::string> old_columns;      // columns needed from the old row (changed(), deletes)
    bool needs_deletes = false;
  };
  virtual std::vector<TableNeeds> Tables() const = 0;
};

}  // namespace cdc::core
