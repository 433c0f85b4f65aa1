// Date and time text helpers for the mapping: parse the canonical forms the
// sources produce (core/model/value.h) and ISO 8601 strings into epoch
// microseconds, and format them back. Naive timestamps are taken as UTC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/model/result.h"
#include "core/model/value.h"

namespace cdc::config {

// "YYYY-MM-DD" or "YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z|+HH[:MM]|-HH[:MM]]".
// A value without an offset is UTC. False on anything else.
bool ParseTimestamp(std::string_view text, int64_t& epoch_us);

// "YYYY-MM-DDTHH:MM:SS.sssZ", the `_event_date` form.
std::string FormatEventDate(int64_t epoch_us);
// Appends the same text to `out` (the per-event path).
void AppendEventDate(std::string& out, int64_t epoch_us);

// strftime-style formatting in UTC; "%f" adds microseconds (6 digits).
std::string FormatTime(int64_t epoch_us, const std::string& format);

// Epoch microseconds of a date/timestamp value: kDate (midnight UTC),
// kTimestamp (taken as UTC), kTimestampTz, ISO 8601 strings, and kInt as epoch
// seconds. kBadData for anything else.
core::Result<int64_t> ValueToEpochMicros(const core::Value& value);

}  // namespace cdc::config
