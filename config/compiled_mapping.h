// CompiledMapping: the core::Mapping built by CompileMapping. It binds each
// entry's column slots to row indices once per TableSchema object (cached by
// pointer, keeping the schema alive so the address is never reused), then
// applies the table's entries in config order. Pipeline thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/mapping_entry.h"
#include "core/metrics/metrics.h"
#include "core/pipeline/mapping.h"

namespace cdc::config {

class CompiledMapping : public core::Mapping {
 public:
  // `nonfinite_series` (optional) counts NaN/±Inf floats sent as null.
  CompiledMapping(std::vector<MappingEntry> entries, core::Series* nonfinite_series);

  void Apply(const core::RowChange& change, std::vector<core::Record>& out,
             std::vector<core::MappingFailure>& failures) override;
  std::vector<TableNeeds> Tables() const override;

  // NaN/±Inf float values written as null so far (each one is a warning).
  uint64_t nonfinite_count() const { return nonfinite_; }
  size_t entry_count() const { return entries_.size(); }

 private:
  struct Binding {
    std::shared_ptr<const core::TableSchema> schema;
    std::vector<const MappingEntry*> entries;
    std::vector<std::vector<int>> index;  // per entry: slot → row index (-1 missing)
    std::vector<std::string> missing;     // per entry: first missing column, or ""
  };
  const Binding& Bind(const std::shared_ptr<const core::TableSchema>& schema);

  std::vector<MappingEntry> entries_;
  std::map<std::string, std::vector<size_t>> by_table_;
  std::unordered_map<const core::TableSchema*, Binding> cache_;
  const core::TableSchema* last_schema_ = nullptr;
  const Binding* last_binding_ = nullptr;
  core::Series* nonfinite_series_;
  uint64_t nonfinite_ = 0;
};

}  // namespace cdc::config
