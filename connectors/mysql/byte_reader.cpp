// ByteReader: every read checks the remaining length first, so a truncated
// event yields kBadData naming the offset instead of reading past the end.
#include "connectors/mysql/byte_reader.h"

#include <string>

namespace cdc::mysql {

core::Error ByteReader::Overrun(size_t wanted) const {
  return core::Error::BadData("binlog event truncated: need " + std::to_string(wanted) + " bytes at offset " +
                              std::to_string(pos_) + " of " + std::to_string(data_.size()));
}

core::Error ByteReader::WidthError(size_t width) const {
  if (width == 0 || width > 8) return core::Error::Bug("bad integer width");
  return Overrun(width);
}

core::Result<uint16_t> ByteReader::U16() {
  return UintLe(2).map([](uint64_t v) { return static_cast<uint16_t>(v); });
}

core::Result<uint32_t> ByteReader::U24() {
  return UintLe(3).map([](uint64_t v) { return static_cast<uint32_t>(v); });
}

core::Result<uint32_t> ByteReader::U32() {
  return UintLe(4).map([](uint64_t v) { return static_cast<uint32_t>(v); });
}

core::Result<uint64_t> ByteReader::U48() { return UintLe(6); }

core::Result<uint64_t> ByteReader::U64() { return UintLe(8); }

core::Result<uint64_t> ByteReader::PackedInt() {
  MYSQL_ASSIGN_OR_RETURN(uint8_t first, U8());
  if (first < 0xFB) return first;
  switch (first) {
    case 0xFC:
      return UintLe(2);
    case 0xFD:
      return UintLe(3);
    case 0xFE:
      return UintLe(8);
    default:
      return core::Fail(
          core::Error::BadData("invalid length-encoded integer prefix " + std::to_string(first)));
  }
}

core::Result<std::string_view> ByteReader::PackedBytes() {
  MYSQL_ASSIGN_OR_RETURN(uint64_t n, PackedInt());
  if (n > remaining()) return core::Fail(Overrun(static_cast<size_t>(n)));
  return Bytes(static_cast<size_t>(n));
}

core::Result<std::string_view> ByteReader::NulTerminated() {
  size_t end = data_.find('\0', pos_);
  if (end == std::string_view::npos) {
    return core::Fail(core::Error::BadData("binlog event truncated: unterminated string at offset " +
                                           std::to_string(pos_)));
  }
  std::string_view out = data_.substr(pos_, end - pos_);
  pos_ = end + 1;
  return out;
}

core::Status ByteReader::Skip(size_t n) {
  if (remaining() < n) return core::Fail(Overrun(n));
  pos_ += n;
  return {};
}

}  // namespace cdc::mysql
