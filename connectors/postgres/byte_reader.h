// ByteReader: big-endian reads over a borrowed byte view (the pgoutput wire
// format is network order). Every read checks the remaining length and fails
// with a kBug error on overrun — a short message is never read as zeros.
// Returned views point into the original buffer and live as long as it does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/model/result.h"

namespace cdc::pg {

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  // Inline: the decoder makes several of these reads per column, and out of
  // line each cost a call plus a Result built in memory.
  core::Result<uint8_t> ReadU8() { return ReadBigEndian<uint8_t>("uint8"); }
  core::Result<uint16_t> ReadU16() { return ReadBigEndian<uint16_t>("uint16"); }
  core::Result<uint32_t> ReadU32() { return ReadBigEndian<uint32_t>("uint32"); }
  core::Result<uint64_t> ReadU64() { return ReadBigEndian<uint64_t>("uint64"); }
  core::Result<int16_t> ReadI16() { return ReadBigEndian<int16_t>("int16"); }
  core::Result<int32_t> ReadI32() { return ReadBigEndian<int32_t>("int32"); }
  core::Result<int64_t> ReadI64() { return ReadBigEndian<int64_t>("int64"); }

  // The next `n` bytes.
  core::Result<std::string_view> ReadBytes(size_t n) {
    if (remaining() < n) [[unlikely]] return core::Fail(Overrun(n, "byte string"));
    std::string_view out = data_.substr(offset_, n);
    offset_ += n;
    return out;
  }
  // A NUL-terminated string; the view excludes the terminator, which is consumed.
  core::Result<std::string_view> ReadCString();

  size_t offset() const { return offset_; }
  size_t remaining() const { return data_.size() - offset_; }
  bool empty() const { return remaining() == 0; }

 private:
  core::Error Overrun(size_t wanted, const char* what) const;
  template <class T>
  core::Result<T> ReadBigEndian(const char* what) {
    if (remaining() < sizeof(T)) [[unlikely]] return core::Fail(Overrun(sizeof(T), what));
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v = (v << 8) | static_cast<uint8_t>(data_[offset_ + i]);
    offset_ += sizeof(T);
    return static_cast<T>(v);
  }

  std::string_view data_;
  size_t offset_ = 0;
};

}  // namespace cdc::pg
