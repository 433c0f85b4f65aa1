// Compares a decoded core::Value with the text mariadb-binlog -vv printed for
// it in the fixtures, normalising the tool's rendering quirks here (never in
// the decoder): DATE as YYYY:MM:DD, padded FLOAT, "signed (unsigned)"
// integers, TIMESTAMP as Unix seconds, \xNN escapes, bytes it could not print.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "connectors/mysql/table_map.h"
#include "core/model/value.h"

namespace cdc::core {
// Lets gtest print values in failure messages.
void PrintTo(const Value& value, std::ostream* os);
}  // namespace cdc::core

namespace cdc::mysql::testing {

// `type_seen` is the fixture's column_types_seen text ("DATE meta=0 nullable=1").
::testing::AssertionResult MatchesRendering(const core::Value& value, const std::string& rendered,
                                            const std::string& type_seen, const TableMap& map, size_t column);

std::string Describe(const core::Value& value);

}  // namespace cdc::mysql::testing
