// ISO 8601 parsing and formatting for `_event_date` and date attributes.
// Pure functions, no I/O; all results are UTC.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tests/emulator/clock.h"

namespace cdc::emulator {

// Accepts `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`; anything else
// (naive, date-only, epoch numbers) yields nullopt. Fractions beyond
// milliseconds are truncated.
std::optional<TimePoint> ParseIsoDateTime(std::string_view text);

// True for a valid calendar date written exactly `YYYY-MM-DD`.
bool IsIsoDate(std::string_view text);

// `YYYY-MM-DDTHH:MM:SS.sssZ`.
std::string FormatIsoDateTime(TimePoint t);

}  // namespace cdc::emulator
