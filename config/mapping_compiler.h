// The mapping compiler behind CompileMapping (config.h): reads `mappings:`
// (table, sink, ops, where, contact | event), compiles every template and
// condition once and reports problems as kConfig "file:line:column: message".
#pragma once

#include <string>

#include "config/config.h"

namespace cdc::config {

// "schema.table" for `table`, using `default_schema` when it has no schema.
std::string QualifyTable(const std::string& table, const std::string& default_schema);

}  // namespace cdc::config
