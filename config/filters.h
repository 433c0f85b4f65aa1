// Filters: the fixed set of value transformations a template may chain with
// `|` (lower, upper, trim, e164, sha256, default, date, string, int, float,
// number, email). Built once at compile time; Apply is const and thread-safe.
// Every filter passes absent through (the attribute is omitted) and NULL
// through, except `default`, which replaces NULL.
#pragma once

#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "core/model/result.h"
#include "core/model/value.h"

namespace cdc::config {

enum class FilterKind {
  kLower,
  kUpper,
  kTrim,
  kE164,
  kSha256,
  kDefault,
  kDate,
  kString,
  kInt,
  kFloat,
  kNumber,
  kEmail,
};

// One argument as written in the template: 'text', "text", 12, -1.5, true, false.
struct FilterArg {
  bool quoted = false;
  std::string text;
};

struct Filter {
  FilterKind kind = FilterKind::kString;
  std::string arg;       // e164: region code; date: format
  core::Value fallback;  // default(x)
  std::string spelling;  // as written, for messages: "e164('ES')"
};

// Builds a filter from its name and arguments; the error is a message for
// the template's compile error.
tl::expected<Filter, std::string> MakeFilter(const std::string& name, const std::vector<FilterArg>& args,
                                             std::string spelling);

// Transforms `in` into `out`; kBadData (without the column name, which the
// caller adds) when the value cannot be converted.
core::Status ApplyFilter(const Filter& filter, const core::Value& in, core::Value& out);

}  // namespace cdc::config
