// PostgreSQL date/time text (DateStyle=ISO) → canonical core::Value forms:
// date "YYYY-MM-DD", time "HH:MM:SS[.ffffff]", timestamp with 'T', timestamptz
// shifted to UTC with 'Z' (any offset the session printed, incl. seconds).
// 'infinity', '-infinity' and BC values have no ISO 8601 form the API accepts:
// they become kString exactly as printed. Other text fails with kBadData.
#pragma once

#include <string_view>

#include "core/model/result.h"
#include "core/model/value.h"

namespace cdc::pg {

core::Result<core::Value> DateFromText(std::string_view text);
core::Result<core::Value> TimeFromText(std::string_view text);
// timetz: the time shifted to UTC (wrapping around midnight), as kTime.
core::Result<core::Value> TimeTzFromText(std::string_view text);
core::Result<core::Value> TimestampFromText(std::string_view text);
core::Result<core::Value> TimestampTzFromText(std::string_view text);

}  // namespace cdc::pg
