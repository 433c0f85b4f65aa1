#include "config/compiled_mapping.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace cdc::config {

namespace {
constexpr size_t kMaxCachedSchemas = 256;
}  // namespace

CompiledMapping::CompiledMapping(std::vector<MappingEntry> entries, core::Series* nonfinite_series)
    : entries_(std::move(entries)), nonfinite_series_(nonfinite_series) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    entries_[i].Prepare();
    by_table_[entries_[i].table].push_back(i);
  }
}

const CompiledMapping::Binding& CompiledMapping::Bind(
    const std::shared_ptr<const core::TableSchema>& schema) {
  if (schema.get() == last_schema_) return *last_binding_;
  auto it = cache_.find(schema.get());
  if (it == cache_.end()) {
    if (cache_.size() >= kMaxCachedSchemas) {
      // Drop definitions no source holds any more; their addresses may be reused.
      std::erase_if(cache_, [](const auto& kv) { return kv.second.schema.use_count() == 1; });
      last_schema_ = nullptr;
      last_binding_ = nullptr;
    }
    Binding b;
    b.schema = schema;
    if (auto t = by_table_.find(schema->QualifiedName()); t != by_table_.end()) {
      for (size_t i : t->second) {
        const MappingEntry& e = entries_[i];
        std::vector<int> index;
        std::string missing;
        for (const std::string& col : e.slots.names()) {
          const int idx = schema->ColumnIndex(col);
          if (idx < 0 && missing.empty()) missing = col;
          index.push_back(idx);
        }
        b.entries.push_back(&e);
        b.index.push_back(std::move(index));
        b.missing.push_back(std::move(missing));
      }
    }
    it = cache_.emplace(schema.get(), std::move(b)).first;
  }
  last_schema_ = schema.get();
  last_binding_ = &it->second;
  return it->second;
}

void CompiledMapping::Apply(const core::RowChange& change, std::vector<core::Record>& out,
                            std::vector<core::MappingFailure>& failures) {
  if (!change.table) return;
  const Binding& b = Bind(change.table);
  const uint64_t nonfinite_before = nonfinite_;
  for (size_t i = 0; i < b.entries.size(); ++i) {
    const MappingEntry& e = *b.entries[i];
    if ((e.ops & OpBit(change.op)) == 0) continue;
    if (!b.missing[i].empty()) {
      core::Error err =
          core::Error::BadData(e.name + ": column '" + b.missing[i] + "' is not in table " + e.table);
      err.table = e.table;
      err.position = change.position.ToString();
      failures.push_back(core::MappingFailure{std::move(err), e.name});
      continue;
    }
    e.Apply(change, b.index[i], out, failures, nonfinite_);
  }
  if (nonfinite_ != nonfinite_before) {
    const uint64_t added = nonfinite_ - nonfinite_before;
    if (nonfinite_series_ != nullptr) nonfinite_series_->Add(static_cast<double>(added));
    // Logged on the first and then every 1000th, so a bad column cannot flood the log.
    if (nonfinite_before == 0 || nonfinite_ / 1000 != nonfinite_before / 1000) {
      spdlog::warn("mapping: NaN/Infinity float sent as null (table {}, {} so far)",
                   change.table->QualifiedName(), nonfinite_);
    }
  }
}

std::vector<core::Mapping::TableNeeds> CompiledMapping::Tables() const {
  std::vector<TableNeeds> out;
  for (const MappingEntry& e : entries_) {
    TableNeeds n = e.Needs();
    auto it = std::find_if(out.begin(), out.end(), [&](const TableNeeds& t) { return t.table == n.table; });
    if (it == out.end()) {
      out.push_back(std::move(n));
      continue;
    }
    for (auto& c : n.columns) {
      if (std::find(it->columns.begin(), it->columns.end(), c) == it->columns.end()) {
        it->columns.push_back(c);
      }
    }
    for (auto& c : n.old_columns) {
      if (std::find(it->old_columns.begin(), it->old_columns.end(), c) == it->old_columns.end()) {
        it->old_columns.push_back(c);
      }
    }
    it->needs_deletes = it->needs_deletes || n.needs_deletes;
  }
  return out;
}

}  // namespace cdc::config
