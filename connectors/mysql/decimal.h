// MySQL binary DECIMAL (NEWDECIMAL) to exact text, e.g. "-1234.5600".
// Layout: base-10^9 groups big-endian, 4 bytes per 9 digits (partial groups
// shorter), integer part then fraction; sign in the top bit, negatives inverted.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "connectors/mysql/byte_reader.h"
#include "core/model/result.h"

namespace cdc::mysql {

// Bytes a DECIMAL(precision, scale) value takes in a row image.
size_t DecimalBinarySize(int precision, int scale);

// Reads one DECIMAL(precision, scale) value; the text keeps exactly `scale`
// fraction digits and has no leading zeros ("0.50", "-12", "0").
core::Result<std::string> ReadDecimal(ByteReader& reader, int precision, int scale);

// The same text written into `buffer` (which it views), for a decoder that
// stores it in place rather than in a new string.
inline constexpr size_t kDecimalTextCapacity = 160;
core::Result<std::string_view> ReadDecimalText(ByteReader& reader, int precision, int scale,
                                               char (&buffer)[kDecimalTextCapacity]);

}  // namespace cdc::mysql
