// ColumnSlots and RowView: compiled mapping code names columns by slot number;
// a slot is bound to a row index once per table schema version, so rendering a
// row never looks a column up by name.
#pragma once

#include <string>
#include <vector>

#include "core/model/value.h"

namespace cdc::config {

// The columns one mapping entry reads, in first-use order.
class ColumnSlots {
 public:
  int Slot(const std::string& column) {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == column) return static_cast<int>(i);
    }
    names_.push_back(column);
    return static_cast<int>(names_.size() - 1);
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
};

// One row (before or after image) seen through a slot → row index table.
// Indices outside the row (an empty old image) read as absent. With a
// `fallback` row (an update's old image), a value absent from `row` is read
// from it: a column the source left out of the new image is unchanged.
class RowView {
 public:
  RowView(const std::vector<core::Value>& row, const std::vector<int>& index,
          const std::vector<core::Value>* fallback = nullptr)
      : row_(row), index_(index), fallback_(fallback) {}

  const core::Value& Get(int slot) const {
    static const core::Value kAbsent;
    const int i = index_[static_cast<size_t>(slot)];
    if (i < 0) return kAbsent;
    const size_t at = static_cast<size_t>(i);
    if (at < row_.size() && !row_[at].is_absent()) return row_[at];
    if (fallback_ != nullptr && at < fallback_->size()) return (*fallback_)[at];
    return kAbsent;
  }
  bool empty() const { return row_.empty(); }

 private:
  const std::vector<core::Value>& row_;
  const std::vector<int>& index_;
  const std::vector<core::Value>* fallback_;
};

}  // namespace cdc::config
