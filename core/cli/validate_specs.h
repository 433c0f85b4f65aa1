// Checks the mapping items routed to one Instasent sink against that
// datasource's specs: every attribute exists (an unknown name would become a
// new custom attribute, or be rejected if reserved; the nearest existing name
// is suggested), every literal event type exists, every required parameter is
// mapped, and attribute/parameter values have a type the spec accepts where
// the column's type makes that knowable. Each finding names its config place.
#pragma once

#include <string>
#include <vector>

#include "config/mapping_outline.h"
#include "core/cli/live_tables.h"
#include "core/cli/validate_findings.h"
#include "sink/instasent/datasource_specs.h"

namespace cdc::cli {

// `live` may be null (types are then not judged). `datasource` names the
// datasource in messages.
void CheckAgainstSpecs(const std::vector<config::EntryOutline>& outline, const std::string& sink,
                       const std::string& datasource, const sink::DatasourceSpecs& specs,
                       const LiveTables* live, Findings& findings);

// Why a value of `kind` does not fit a spec's `data_type` (with a hint naming
// `column`), or "" when it fits or cannot be judged (kAbsent, text from a
// text column, unknown data types, payload).
std::string TypeMismatch(const std::string& uid, const std::string& data_type, int multivalue,
                         core::ValueKind kind, const std::string& column);

}  // namespace cdc::cli
