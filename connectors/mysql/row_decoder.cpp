// Rows event body (v1: types 23-25, v2: 30-32 and 39, MariaDB compressed v1: 166-168):
//   table_id u48 (u32 if the post-header is 6) | flags u16
//   v2 only: extra_len u16 (counts itself) | extra data
//   column_count lenenc | present bitmap | update only: after-image bitmap
//   rows: [before image] [after image] per row, each image =
//     (PARTIAL_UPDATE_ROWS after image: value_options lenenc [+ partial bitmap])
//     NULL bitmap over present columns | values of present, non-NULL columns
// Compressed events zlib-compress everything after the bitmaps, behind one
// header byte 0x80|n and an n-byte big-endian uncompressed length.
#include "connectors/mysql/row_decoder.h"

#include <algorithm>
#include <string>

#include "connectors/mysql/column_skip.h"
#include "connectors/mysql/column_value.h"
#include "connectors/mysql/event_bodies.h"
#include "connectors/mysql/json_binary.h"

namespace cdc::mysql {
namespace {

constexpr uint64_t kPartialJsonUpdates = 1;

std::vector<bool> LsbBits(std::string_view bytes, size_t count) {
  std::vector<bool> bits(count);
  for (size_t i = 0; i < count; ++i) bits[i] = (static_cast<uint8_t>(bytes[i / 8]) >> (i % 8)) & 1;
  return bits;
}

}  // namespace

core::Result<RowsHeader> DecodeRowsHeader(uint8_t type, std::string_view body, uint8_t post_header_len,
                                          std::string& storage) {
  RowsHeader h;
  switch (type) {
    case kWriteRowsEventV0:
    case kWriteRowsEventV1:
    case kWriteRowsEventV2:
    case kMariaWriteRowsCompressedEventV1:
    case kMariaWriteRowsCompressedEvent:
      h.kind = RowsKind::kWrite;
      break;
    case kUpdateRowsEventV0:
    case kUpdateRowsEventV1:
    case kUpdateRowsEventV2:
    case kPartialUpdateRowsEvent:
    case kMariaUpdateRowsCompressedEventV1:
    case kMariaUpdateRowsCompressedEvent:
      h.kind = RowsKind::kUpdate;
      break;
    default:
      h.kind = RowsKind::kDelete;
  }
  h.version = (type >= kWriteRowsEventV2 && type <= kDeleteRowsEventV2) || type == kPartialUpdateRowsEvent ||
                      type >= kMariaWriteRowsCompressedEvent
                  ? 2
              : type <= kDeleteRowsEventV0 ? 0
                                           : 1;
  h.compressed = type >= kMariaWriteRowsCompressedEventV1 && type <= kMariaDeleteRowsCompressedEvent;
  h.partial_json = type == kPartialUpdateRowsEvent;

  ByteReader r(body);
  if (post_header_len == 6) {
    MYSQL_ASSIGN_OR_RETURN(uint32_t id, r.U32());
    h.table_id = id;
  } else {
    MYSQL_ASSIGN_OR_RETURN(h.table_id, r.U48());
  }
  MYSQL_ASSIGN_OR_RETURN(h.flags, r.U16());
  if (h.version == 2) {
    MYSQL_ASSIGN_OR_RETURN(uint16_t extra_len, r.U16());
    if (extra_len < 2) return core::Fail(core::Error::BadData("rows event: bad extra data length"));
    MYSQL_RETURN_IF_ERROR(r.Skip(extra_len - 2));
  }
  MYSQL_ASSIGN_OR_RETURN(h.column_count, r.PackedInt());
  if (h.column_count > 4096) return core::Fail(core::Error::BadData("rows event: too many columns"));
  const size_t bitmap_len = (h.column_count + 7) / 8;
  MYSQL_ASSIGN_OR_RETURN(std::string_view before_bits, r.Bytes(bitmap_len));
  h.columns_before = LsbBits(before_bits, h.column_count);
  if (h.kind == RowsKind::kUpdate) {
    MYSQL_ASSIGN_OR_RETURN(std::string_view after_bits, r.Bytes(bitmap_len));
    h.columns_after = LsbBits(after_bits, h.column_count);
  }
  if (h.compressed) {
    MYSQL_ASSIGN_OR_RETURN(h.rows, MariaUncompress(r.Rest(), storage));
  } else {
    h.rows = r.Rest();
  }
  return h;
}

namespace {

bool BitAt(std::string_view bytes, size_t i) { return (static_cast<uint8_t>(bytes[i / 8]) >> (i % 8)) & 1; }

core::Error ColumnError(core::Error e, const TableMap& map, size_t column) {
  e.message += " (column " + std::to_string(column + 1) + ")";
  e.table = map.database + "." + map.table;
  return e;
}

// What an image holds of each column, decided once per event from its
// bitmaps (vector<bool>, a shift and mask per look) rather than per row.
enum ColumnAction : uint8_t { kNotSent, kStepOver, kRead };

struct ImageLayout {
  std::vector<uint8_t> actions;  // per table column
  size_t present_count = 0;      // columns the NULL bitmap covers
};

// Columns `wanted` does not flag are stepped over (left absent).
ImageLayout LayoutOf(const std::vector<bool>& present, const std::vector<bool>* wanted, size_t n) {
  ImageLayout layout;
  layout.actions.resize(n, kNotSent);
  for (size_t i = 0; i < n; ++i) {
    if (!present[i]) continue;
    ++layout.present_count;
    layout.actions[i] = wanted != nullptr && !(*wanted)[i] ? kStepOver : kRead;
  }
  return layout;
}

// One image: the NULL bits are read straight from the event bytes, so an
// image allocates only its values.
core::Result<std::vector<core::Value>> DecodeImage(ByteReader& r, const TableMap& map, const ImageLayout& layout,
                                                   const std::vector<core::Value>* before) {
  const size_t n = map.column_count();
  const uint8_t* actions = layout.actions.data();
  std::vector<bool> partial;  // PARTIAL_UPDATE_ROWS only
  if (before != nullptr) {
    MYSQL_ASSIGN_OR_RETURN(uint64_t options, r.PackedInt());
    if (options & kPartialJsonUpdates) {
      std::vector<size_t> json_columns;
      for (size_t i = 0; i < n; ++i) {
        if (map.types[i] == kTypeJson) json_columns.push_back(i);
      }
      MYSQL_ASSIGN_OR_RETURN(std::string_view bits, r.Bytes((json_columns.size() + 7) / 8));
      partial.assign(n, false);
      for (size_t k = 0; k < json_columns.size(); ++k) partial[json_columns[k]] = BitAt(bits, k);
    }
  }
  MYSQL_ASSIGN_OR_RETURN(std::string_view null_bits, r.Bytes((layout.present_count + 7) / 8));

  std::vector<core::Value> image(n);
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    if (actions[i] == kNotSent) continue;  // stays Absent
    // A column nobody reads stays absent, NULL or not.
    const bool skip = actions[i] == kStepOver;
    if (BitAt(null_bits, k++)) {
      if (!skip) image[i].SetNull();
      continue;
    }
    if (!partial.empty() && partial[i]) {
      MYSQL_ASSIGN_OR_RETURN(std::string_view diff, ReadBlobBytes(r, map.meta[i]));
      if (skip) continue;
      const core::Value& old = (*before)[i];
      if (old.is_absent()) {
        // A MINIMAL before image does not carry the document the diff applies
        // to, so the new value is unknown: absent, like any column not sent.
        continue;
      }
      if (old.kind() != core::ValueKind::kJson) {
        return core::Fail(core::Error::BadData("partial JSON update of a non-JSON before value"));
      }
      MYSQL_ASSIGN_OR_RETURN(std::string text, ApplyJsonDiff(old.text(), diff));
      image[i] = core::Value::Json(std::move(text));
      continue;
    }
    if (skip) {
      auto skipped = SkipColumnValue(r, map, i);
      if (!skipped) return core::Fail(ColumnError(std::move(skipped).error(), map, i));
      continue;
    }
    auto read = ReadColumnValueInto(r, map, i, image[i]);
    if (!read) return core::Fail(ColumnError(std::move(read).error(), map, i));
  }
  return image;
}

}  // namespace

core::Result<std::vector<core::Value>> DecodeRowImage(ByteReader& r, const TableMap& map,
                                                      const std::vector<bool>& present,
                                                      const std::vector<core::Value>* before) {
  return DecodeImage(r, map, LayoutOf(present, nullptr, map.column_count()), before);
}

core::Result<std::vector<Row>> DecodeRowImages(const RowsHeader& header, const TableMap& map,
                                               const std::vector<bool>* wanted) {
  if (header.column_count != map.column_count()) {
    return core::Fail(core::Error::BadData("rows event has " + std::to_string(header.column_count) +
                                           " columns, table map of " + map.database + "." + map.table +
                                           " has " + std::to_string(map.column_count())));
  }
  if (header.columns_before.size() < map.column_count() ||
      (header.kind == RowsKind::kUpdate && header.columns_after.size() < map.column_count())) {
    return core::Fail(core::Error::BadData("rows event: column bitmap shorter than the table"));
  }
  if (wanted != nullptr && wanted->size() != map.column_count()) wanted = nullptr;  // stale: decode all
  const ImageLayout first_image = LayoutOf(header.columns_before, wanted, map.column_count());
  const ImageLayout second_image = header.kind == RowsKind::kUpdate
                                       ? LayoutOf(header.columns_after, wanted, map.column_count())
                                       : ImageLayout{};
  std::vector<Row> rows;
  ByteReader r(header.rows);
  while (!r.empty()) {
    // An image over no present columns takes no bytes: without this check the
    // rest of the event would be read as endless empty rows (found by fuzzing).
    const size_t start = r.offset();
    Row row;
    switch (header.kind) {
      case RowsKind::kWrite: {
        MYSQL_ASSIGN_OR_RETURN(row.after, DecodeImage(r, map, first_image, nullptr));
        break;
      }
      case RowsKind::kDelete: {
        MYSQL_ASSIGN_OR_RETURN(row.before, DecodeImage(r, map, first_image, nullptr));
        break;
      }
      case RowsKind::kUpdate: {
        MYSQL_ASSIGN_OR_RETURN(row.before, DecodeImage(r, map, first_image, nullptr));
        MYSQL_ASSIGN_OR_RETURN(row.after,
                               DecodeImage(r, map, second_image, header.partial_json ? &row.before : nullptr));
        break;
      }
    }
    if (r.offset() == start) {
      return core::Fail(core::Error::BadData("rows event of " + map.database + "." + map.table +
                                             " has row data but no column in its image"));
    }
    if (rows.empty()) {
      // Rows of one event are alike in size: sized from the first, the vector
      // does not regrow (and move every row) as it fills. Capped, so a damaged
      // event with a tiny first row cannot reserve far more than it holds.
      rows.reserve(std::min<size_t>(header.rows.size() / (r.offset() - start) + 1, 4096));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace cdc::mysql
