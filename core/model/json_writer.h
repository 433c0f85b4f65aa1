// Appending JSON text without building a DOM: the hot path from row values to
// request bodies. Values render as DESIGN.md "Value forms" says.
#pragma once

#include <string>
#include <string_view>

#include "core/model/value.h"

namespace cdc::core {

// Appends `s` as a quoted JSON string (UTF-8 passed through, controls escaped).
void AppendJsonString(std::string& out, std::string_view s);

// True when `s` holds a byte AppendJsonString escapes ('"', '\\', controls):
// text rendered in place between quotes needs rewriting only then.
bool NeedsJsonEscape(std::string_view s);

// Appends the JSON form of `v`. Absent must not reach here (callers omit it).
// Returns false when a float was NaN/±Inf and was written as null.
bool AppendJsonValue(std::string& out, const Value& v);

std::string Base64Encode(std::string_view raw);

}  // namespace cdc::core
