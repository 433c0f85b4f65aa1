// RowDecoder: the rows part of WRITE/UPDATE/DELETE_ROWS events (v0/v1/v2,
// PARTIAL_UPDATE_ROWS, MariaDB compressed v1 after inflation) into row images
// over all table columns, using the TABLE_MAP that precedes them. No I/O.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "connectors/mysql/binlog_event.h"
#include "connectors/mysql/byte_reader.h"
#include "connectors/mysql/table_map.h"
#include "core/model/result.h"
#include "core/model/value.h"

namespace cdc::mysql {

// Fixed part of a rows event, read before the table map is looked up.
struct RowsHeader {
  RowsKind kind = RowsKind::kWrite;
  uint8_t version = 2;
  bool compressed = false;
  bool partial_json = false;
  uint64_t table_id = 0;
  uint16_t flags = 0;
  uint64_t column_count = 0;
  std::vector<bool> columns_before;
  std::vector<bool> columns_after;
  std::string_view rows;  // the row images (inflated bytes when compressed)
};

// `storage` receives the inflated body of compressed events and must outlive
// the returned header's `rows` view.
core::Result<RowsHeader> DecodeRowsHeader(uint8_t type, std::string_view body, uint8_t post_header_len,
                                          std::string& storage);

// Decodes every row of `header.rows` against `map`. With `wanted` (one flag
// per column), columns not flagged are stepped over and stay absent in every
// image: a source passes the columns its mappings read, so values nobody
// reads are never built. Without it every column is decoded.
core::Result<std::vector<Row>> DecodeRowImages(const RowsHeader& header, const TableMap& map,
                                               const std::vector<bool>* wanted = nullptr);

// One image: NULL bitmap over the present columns, then their values.
// `before` is set for the after image of PARTIAL_UPDATE_ROWS: the image then
// starts with value_options, and JSON columns flagged partial hold diffs that
// are applied to the before value.
core::Result<std::vector<core::Value>> DecodeRowImage(ByteReader& reader, const TableMap& map,
                                                      const std::vector<bool>& present,
                                                      const std::vector<core::Value>* before);

}  // namespace cdc::mysql
