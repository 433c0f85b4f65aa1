// Checks every table and column the mapping reads against the live database,
// reporting each at its place in the config: a missing table at its `table:`
// value, a missing column at every template or condition that reads it, with
// the nearest existing column name.
#pragma once

#include <vector>

#include "config/mapping_outline.h"
#include "core/cli/live_tables.h"
#include "core/cli/validate_findings.h"
#include "core/pipeline/mapping.h"

namespace cdc::cli {

void CheckMappedColumns(const std::vector<config::EntryOutline>& outline, const LiveTables& live,
                        Findings& findings);

// `needs` without the tables and columns `live` lacks (already reported with
// their place), for the source's own prerequisite checks.
std::vector<core::Mapping::TableNeeds> PresentNeeds(std::vector<core::Mapping::TableNeeds> needs,
                                                    const LiveTables& live);

}  // namespace cdc::cli
