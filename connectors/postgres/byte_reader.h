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

  core::Result<uint8_t> ReadU8();
  core::Result<uint16_t> ReadU16();
  core::Result<uint32_t> ReadU32();
  core::Result<uint64_t> ReadU64();
  core::Result<int16_t> ReadI16();
  core::Result<int32_t> ReadI32();
  core::Result<int64_t> ReadI64();
  // The next `n` bytes.
  core::Result<std::string_view> ReadBytes(size_t n);
  // A NUL-terminated string; the view excludes the terminator, which is consumed.
  core::Result<std::string_view> ReadCString();

  size_t offset() const { return offset_; }
  size_t remaining() const { return data_.size() - offset_; }
  bool empty() const { return remaining() == 0; }

 private:
  core::Error Overrun(size_t wanted, const char* what) const;
  template <class T>
  core::Result<T> ReadBigEndian(const char* what);

  std::string_view data_;
  size_t offset_ = 0;
};

}  // namespace cdc::pg
