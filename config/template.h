// Template: a compiled value template such as "{id}", "order-{id}" or
// "{phone | e164('ES')}". Exactly one placeholder and nothing else keeps the
// value's type; anything else renders text (NULL as "", an absent value makes
// the whole result absent). "{{" and "}}" write literal braces.
// Compiled once; Evaluate is const and allocation-free for a bare "{col}".
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

#include "config/column_slots.h"
#include "config/filters.h"
#include "core/model/result.h"
#include "core/model/value.h"

namespace cdc::config {

struct TemplateError {
  std::string message;
  size_t offset = 0;  // character of the template text the error points at
};

class Template {
 public:
  static tl::expected<Template, TemplateError> Compile(std::string_view text, ColumnSlots& slots);

  // True for a template that is one placeholder and nothing else.
  bool typed() const { return typed_; }
  const std::string& text() const { return text_; }
  // Slots of every column it reads.
  std::vector<int> Slots() const;
  // True for a template without placeholders (always the same text).
  bool constant() const { return constant_; }
  // Each placeholder's column and filters, in template order (for validate).
  std::vector<std::pair<std::string, std::vector<Filter>>> Placeholders() const;

  // The rendered value: a pointer into the row (bare "{col}") or to `scratch`.
  // Absent means "omit". kBadData names the column when a filter fails.
  core::Result<const core::Value*> Evaluate(const RowView& row, core::Value& scratch) const {
    if (bare_slot_ >= 0) return &row.Get(bare_slot_);  // "{col}", the common case: inline
    return EvaluateParts(row, scratch);
  }

  // Appends the rendering as text to `out` (what Evaluate then ToText give,
  // without the temporary strings: ids are rendered for every row). Returns
  // the rendered value's kind: kAbsent (nothing appended) or kNull tell the
  // caller what was missing. `scratch` holds filter results.
  core::Result<core::ValueKind> AppendText(const RowView& row, std::string& out, core::Value& scratch) const;

 private:
  struct Part {
    std::string literal;  // text part (when slot < 0)
    int slot = -1;
    std::string column;
    std::vector<Filter> filters;
  };
  core::Status RunFilters(const Part& part, const core::Value& in, core::Value& out) const;
  core::Result<const core::Value*> EvaluateParts(const RowView& row, core::Value& scratch) const;

  std::string text_;
  std::vector<Part> parts_;
  bool typed_ = false;
  int bare_slot_ = -1;  // the slot of a "{col}" template without filters
  bool constant_ = false;
  core::Value constant_value_;  // the rendered text of a template without placeholders
};

}  // namespace cdc::config
