#include "connectors/postgres/byte_reader.h"

#include <cstring>
#include <string>

namespace cdc::pg {

core::Error ByteReader::Overrun(size_t wanted, const char* what) const {
  return core::Error::Bug("pgoutput message too short: " + std::string(what) + " needs " +
                          std::to_string(wanted) + " bytes at offset " + std::to_string(offset_) +
                          ", " + std::to_string(remaining()) + " left");
}

template <class T>
core::Result<T> ByteReader::ReadBigEndian(const char* what) {
  if (remaining() < sizeof(T)) return core::Fail(Overrun(sizeof(T), what));
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    v = (v << 8) | static_cast<uint8_t>(data_[offset_ + i]);
  }
  offset_ += sizeof(T);
  return static_cast<T>(v);
}

core::Result<uint8_t> ByteReader::ReadU8() { return ReadBigEndian<uint8_t>("uint8"); }
core::Result<uint16_t> ByteReader::ReadU16() { return ReadBigEndian<uint16_t>("uint16"); }
core::Result<uint32_t> ByteReader::ReadU32() { return ReadBigEndian<uint32_t>("uint32"); }
core::Result<uint64_t> ByteReader::ReadU64() { return ReadBigEndian<uint64_t>("uint64"); }
core::Result<int16_t> ByteReader::ReadI16() { return ReadBigEndian<int16_t>("int16"); }
core::Result<int32_t> ByteReader::ReadI32() { return ReadBigEndian<int32_t>("int32"); }
core::Result<int64_t> ByteReader::ReadI64() { return ReadBigEndian<int64_t>("int64"); }

core::Result<std::string_view> ByteReader::ReadBytes(size_t n) {
  if (remaining() < n) return core::Fail(Overrun(n, "byte string"));
  std::string_view out = data_.substr(offset_, n);
  offset_ += n;
  return out;
}

core::Result<std::string_view> ByteReader::ReadCString() {
  const void* nul = nullptr;
  if (remaining() > 0) nul = std::memchr(data_.data() + offset_, '\0', remaining());
  if (nul == nullptr) {
    return core::Fail(core::Error::Bug("pgoutput message too short: string at offset " +
                                       std::to_string(offset_) + " has no terminating NUL"));
  }
  size_t len = static_cast<const char*>(nul) - (data_.data() + offset_);
  std::string_view out = data_.substr(offset_, len);
  offset_ += len + 1;
  return out;
}

}  // namespace cdc::pg
