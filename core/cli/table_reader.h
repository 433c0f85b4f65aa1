// TableReader: re-reads named tables of a pipeline's source in one consistent,
// read-only transaction on a plain connection, as kSnapshot RowChanges, for
// `instasent-cdc snapshot`. It never creates or reads a slot, nor reads or
// stores a binlog position: a running `run` of the same pipeline is unaffected.
// Rows are streamed (Postgres COPY, MySQL mysql_use_result), one at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/model/result.h"
#include "core/model/row_change.h"
#include "core/pipeline/mapping.h"

namespace cdc::cli {

// One row read: false stops the read early (the command then fails).
using TableRowFn = std::function<bool(core::RowChange&&)>;
// A row with a value its type cannot have (Postgres): the error names table
// and column; `payload` is the row as the server printed it. False stops.
using BadTableRowFn = std::function<bool(const core::Error& error, const std::string& payload)>;

// Reads every row of each of `tables` ("schema.table"), in order. Returns the
// number of rows read per table (same order). A table that does not exist is
// kConfig. `needs` (the mappings'): Postgres reads only the columns they read
// plus the key, as the run's snapshot does; MySQL reads every column.
core::Result<std::vector<uint64_t>> ReadTables(const config::PipelineConfig& config,
                                               const std::vector<std::string>& tables,
                                               const std::vector<core::Mapping::TableNeeds>& needs,
                                               const TableRowFn& row, const BadTableRowFn& bad_row);

}  // namespace cdc::cli
