// Predicate: a compiled `where:` condition. Grammar:
//   expr := and ('or' and)* ; and := unary ('and' unary)* ;
//   unary := 'not' unary | '(' expr ')' | 'changed' '(' col ')'
//          | col 'is' ['not'] 'null' | col OP literal
//   OP := == != < <= > >= ; literal := 'text' | "text" | number | true | false | null
// Compiled once; Evaluate is const and does not allocate.
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "config/column_slots.h"
#include "config/template.h"
#include "core/model/row_change.h"

namespace cdc::config {

class Predicate {
 public:
  static tl::expected<Predicate, TemplateError> Compile(std::string_view text, ColumnSlots& slots);

  // `row` is the row the mapping reads (the new row; the old row for deletes),
  // `old_row` the old image for changed().
  bool Evaluate(core::Op op, const RowView& row, const RowView& old_row) const;

  std::vector<int> Slots() const;         // every column it reads
  std::vector<int> ChangedSlots() const;  // columns inside changed()

  enum class NodeKind { kAnd, kOr, kNot, kCompare, kIsNull, kIsNotNull, kChanged };
  enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };
  enum class LitKind { kString, kNumber, kBool, kNull };
  struct Node {
    NodeKind kind = NodeKind::kAnd;
    int left = -1, right = -1;  // child nodes
    int slot = -1;
    CmpOp op = CmpOp::kEq;
    LitKind lit = LitKind::kNull;
    std::string text;  // string literal / number as written
    long double number = 0;
    bool boolean = false;
  };

 private:
  friend class PredicateParser;
  bool Eval(int node, core::Op op, const RowView& row, const RowView& old_row) const;

  std::vector<Node> nodes_;
  int root_ = -1;
};

}  // namespace cdc::config
