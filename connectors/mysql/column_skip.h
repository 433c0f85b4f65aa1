// SkipColumnValue: steps a row image reader over one non-NULL column value
// without building it, for columns no mapping reads. Reads exactly the bytes
// ReadColumnValue would, and fails where it would (types without a cheap
// width are read in full and discarded).
#pragma once

#include <cstddef>

#include "connectors/mysql/byte_reader.h"
#include "connectors/mysql/table_map.h"
#include "core/model/result.h"

namespace cdc::mysql {

core::Status SkipColumnValue(ByteReader& reader, const TableMap& map, size_t column);

}  // namespace cdc::mysql
