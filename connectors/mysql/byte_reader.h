// ByteReader: bounds-checked little/big-endian reads over one event's bytes.
// Every read fails as a core::Error (kBadData) instead of reading past the end;
// the reader never owns the bytes, which must outlive it.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/model/result.h"

namespace cdc::mysql {

// Evaluates a Result-returning expression; on failure returns its error from the
// enclosing function, otherwise assigns the value to `lhs` (which may declare).
#define MYSQL_CONCAT_INNER(a, b) a##b
#define MYSQL_CONCAT(a, b) MYSQL_CONCAT_INNER(a, b)
#define MYSQL_ASSIGN_OR_RETURN(lhs, expr) \
  MYSQL_ASSIGN_OR_RETURN_IMPL(MYSQL_CONCAT(result_, __LINE__), lhs, expr)
#define MYSQL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)           \
  auto tmp = (expr);                                          \
  if (!tmp) return ::cdc::core::Fail(std::move(tmp).error()); \
  lhs = std::move(*tmp)
#define MYSQL_RETURN_IF_ERROR(expr)                                     \
  do {                                                                  \
    auto status_ = (expr);                                              \
    if (!status_) return ::cdc::core::Fail(std::move(status_).error()); \
  } while (0)

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  size_t size() const { return data_.size(); }
  size_t offset() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return pos_ >= data_.size(); }
  std::string_view Rest() const { return data_.substr(pos_); }

  // The per-value reads are inline (they run for every column of every row);
  // failures are built out of line.
  core::Result<uint8_t> U8() {
    if (remaining() < 1) return core::Fail(Overrun(1));
    return static_cast<uint8_t>(data_[pos_++]);
  }
  core::Result<uint16_t> U16();  // little endian from here on
  core::Result<uint32_t> U24();
  core::Result<uint32_t> U32();
  core::Result<uint64_t> U48();
  core::Result<uint64_t> U64();
  // Unsigned little-endian integer of 1..8 bytes.
  core::Result<uint64_t> UintLe(size_t width) {
    if (width == 0 || width > 8 || remaining() < width) return core::Fail(WidthError(width));
    if (width >= 3 && remaining() >= 8) {
      // One unaligned 8-byte load, masked to the width, instead of a loop
      // (one- and two-byte lengths are cheaper through the loop).
      uint64_t v = Load64Le(data_.data() + pos_);
      pos_ += width;
      return width == 8 ? v : v & ((uint64_t{1} << (8 * width)) - 1);
    }
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) {
      v |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
    }
    pos_ += width;
    return v;
  }
  // Unsigned big-endian integer of 1..8 bytes (DECIMAL, DATETIME2, TIME2...).
  core::Result<uint64_t> UintBe(size_t width) {
    if (width == 0 || width > 8 || remaining() < width) return core::Fail(WidthError(width));
    if (remaining() >= 8) {
      // The first `width` of 8 loaded bytes are the most significant ones.
      uint64_t v = __builtin_bswap64(Load64Le(data_.data() + pos_)) >> (64 - 8 * width);
      pos_ += width;
      return v;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += width;
    return v;
  }
  // MySQL length-encoded integer (0xFB..0xFE prefixes); 0xFB/0xFF are errors.
  core::Result<uint64_t> PackedInt();
  // Exactly n bytes, as a view into the underlying data.
  core::Result<std::string_view> Bytes(size_t n) {
    if (remaining() < n) return core::Fail(Overrun(n));
    std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  // A length-encoded integer followed by that many bytes.
  core::Result<std::string_view> PackedBytes();
  // Bytes up to (not including) the next NUL, which is consumed.
  core::Result<std::string_view> NulTerminated();
  core::Status Skip(size_t n);

 private:
  static uint64_t Load64Le(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }
  static_assert(std::endian::native == std::endian::little, "Load64Le reads little-endian words");
  core::Error Overrun(size_t wanted) const;
  core::Error WidthError(size_t width) const;  // bad width (a bug) or overrun

  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace cdc::mysql
