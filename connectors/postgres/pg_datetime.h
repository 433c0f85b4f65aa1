// PostgreSQL date/time text (DateStyle=ISO) → canonical core::Value forms:
// date "YYYY-MM-DD", time "HH:MM:SS[.ffffff]", timestamp with 'T', timestamptz
// shifted to UTC with 'Z' (any offset the session printed, incl. seconds).
// 'infinity', '-infinity' and BC values have no ISO 8601 form the API accepts:
// they become kString exactly as printed. Other text fails with kBadData.
#pragma once

#include <cstdint>
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

// The binary forms (COPY FORMAT binary): days / microseconds since
// 2000-01-01 (UTC for timestamptz), INT_MIN/INT_MAX for -infinity/infinity.
// Each gives exactly the Value the text the server prints for it (ISO, UTC)
// gives above.
core::Result<core::Value> DateFromBinary(int32_t days);
core::Result<core::Value> TimestampFromBinary(int64_t micros, bool with_zone);

}  // namespace cdc::pg
