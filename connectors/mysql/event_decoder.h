// EventDecoder: bytes of one complete binlog event in, a typed BinlogEvent out
// (no I/O). Keeps the stream state events depend on: the FORMAT_DESCRIPTION
// (checksum algorithm, post-header lengths, flavour) and the table maps.
// Not thread-safe; one decoder per binlog stream, fed events in stream order.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "connectors/mysql/binlog_event.h"
#include "connectors/mysql/table_map_cache.h"
#include "core/model/result.h"

namespace cdc::mysql {

class EventDecoder {
 public:
  // Decides per table whether rows events are decoded into values; rows of
  // rejected tables come back with decoded=false and no rows (cheap skip).
  using RowFilter = std::function<bool(const TableMap&)>;
  // The columns of a table whose values are built, one flag per column of
  // `schema`; the others are stepped over and stay absent. An empty answer
  // means every column. Asked once per schema object (a new TABLE_MAP
  // definition or new catalog names make a new one).
  using ColumnFilter = std::function<std::vector<bool>(const core::TableSchema& schema)>;

  EventDecoder() = default;

  // `raw_event`: 19-byte header + body (+ 4-byte CRC32 when the format says so).
  // Errors: kBadData for malformed/truncated events, CRC32 mismatches, rows of
  // an unknown table id, and events other than ROTATE/HEARTBEAT/FORMAT_DESCRIPTION
  // before any FORMAT_DESCRIPTION. A failed event leaves the state as before it.
  core::Result<BinlogEvent> Decode(std::string_view raw_event);

  // The checksum algorithm to assume before the first FORMAT_DESCRIPTION (the
  // artificial ROTATE a server sends first follows @master_binlog_checksum).
  // kUndefined: strip a trailing CRC32 only if it matches.
  void SetChecksumBeforeFormat(ChecksumAlg alg) { checksum_before_format_ = alg; }
  // Installs a format as if its FORMAT_DESCRIPTION had been decoded (event
  // bodies captured without their stream, tests).
  void SetFormat(FormatDescription format) { format_ = std::move(format); }
  const std::optional<FormatDescription>& format() const { return format_; }
  // A v4 format with the standard post-header lengths of the flavour.
  static FormatDescription DefaultFormat(Flavor flavor, ChecksumAlg checksum);

  void SetRowFilter(RowFilter filter) { row_filter_ = std::move(filter); }
  void SetColumnFilter(ColumnFilter filter) {
    column_filter_ = std::move(filter);
    wanted_.clear();
  }
  TableMapCache& table_maps() { return table_maps_; }
  const TableMapCache& table_maps() const { return table_maps_; }

  // Events returned as Ignored, per type code (exported as a metric by the source).
  const std::map<uint8_t, uint64_t>& ignored_counts() const { return ignored_counts_; }

 private:
  core::Result<BinlogEvent> DecodeFramed(std::string_view raw, bool inside_payload);
  core::Result<EventBody> DecodeBody(const EventHeader& header, std::string_view body);
  core::Result<EventBody> DecodeRows(const EventHeader& header, std::string_view body);
  core::Result<EventBody> DecodePayload(std::string_view body);
  uint8_t PostHeaderLength(uint8_t type, uint8_t fallback) const;

  std::optional<FormatDescription> format_;
  ChecksumAlg checksum_before_format_ = ChecksumAlg::kUndefined;
  TableMapCache table_maps_;
  // The ColumnFilter's answer per schema; the schema is kept so its address
  // is not reused by another while cached.
  struct Wanted {
    std::shared_ptr<const core::TableSchema> schema;
    std::vector<bool> columns;  // empty: every column
  };
  const std::vector<bool>* WantedColumns(const std::shared_ptr<const core::TableSchema>& schema);

  RowFilter row_filter_;
  ColumnFilter column_filter_;
  std::unordered_map<const core::TableSchema*, Wanted> wanted_;
  std::map<uint8_t, uint64_t> ignored_counts_;
};

}  // namespace cdc::mysql
