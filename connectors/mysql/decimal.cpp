#include "connectors/mysql/decimal.h"

#include <string>

namespace cdc::mysql {
namespace {

constexpr int kDigitsPerGroup = 9;
constexpr size_t kDigitBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

uint32_t BeUint(const unsigned char* p, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

constexpr uint32_t kPow10[10] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

// "00".."99": two digits per division.
constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// Zero-padded to `width`; a value wider than that (corrupt data) keeps all its
// digits, so the length check below catches it. Written by hand: snprintf per
// group dominated the cost of every DECIMAL value.
char* PutPadded(char* out, uint32_t v, int width) {
  int n = width;
  if (v >= kPow10[width]) {
    n = 10;
    while (n > width && v < kPow10[n - 1]) --n;
  }
  int i = n;
  for (; i >= 2; i -= 2) {
    const uint32_t pair = v % 100;
    v /= 100;
    out[i - 2] = kDigitPairs[2 * pair];
    out[i - 1] = kDigitPairs[2 * pair + 1];
  }
  if (i == 1) out[0] = static_cast<char>('0' + v % 10);
  return out + n;
}

}  // namespace

size_t DecimalBinarySize(int precision, int scale) {
  int intg = precision - scale;
  return (intg / kDigitsPerGroup) * 4 + kDigitBytes[intg % kDigitsPerGroup] + (scale / kDigitsPerGroup) * 4 +
         kDigitBytes[scale % kDigitsPerGroup];
}

core::Result<std::string> ReadDecimal(ByteReader& reader, int precision, int scale) {
  char buffer[kDecimalTextCapacity];
  MYSQL_ASSIGN_OR_RETURN(std::string_view text, ReadDecimalText(reader, precision, scale, buffer));
  return std::string(text);
}

core::Result<std::string_view> ReadDecimalText(ByteReader& reader, int precision, int scale,
                                               char (&text)[kDecimalTextCapacity]) {
  if (precision <= 0 || precision > 65 || scale < 0 || scale > 30 || scale > precision) {
    return core::Fail(core::Error::BadData("invalid DECIMAL(" + std::to_string(precision) + "," +
                                           std::to_string(scale) + ")"));
  }
  const size_t size = DecimalBinarySize(precision, scale);
  MYSQL_ASSIGN_OR_RETURN(std::string_view raw, reader.Bytes(size));
  unsigned char buf[40] = {};
  if (size > sizeof(buf)) return core::Fail(core::Error::BadData("DECIMAL too wide"));
  for (size_t i = 0; i < size; ++i) buf[i] = static_cast<unsigned char>(raw[i]);
  const bool negative = (buf[0] & 0x80) == 0;
  buf[0] ^= 0x80;
  if (negative) {
    for (size_t i = 0; i < size; ++i) buf[i] = static_cast<unsigned char>(~buf[i]);
  }

  const int intg = precision - scale;
  const int intg0 = intg / kDigitsPerGroup, intg0x = intg % kDigitsPerGroup;
  const int frac0 = scale / kDigitsPerGroup, frac0x = scale % kDigitsPerGroup;
  const unsigned char* p = buf;

  // `text` has room for a sign and a "0" (DECIMAL(M,M) has no integer
  // digits), at most 8 integer and 4 fraction groups of up to 10 digits each
  // and a point.
  char* const digits = text + 2;
  char* end = digits;
  if (intg0x > 0) {
    end = PutPadded(end, BeUint(p, kDigitBytes[intg0x]), intg0x);
    p += kDigitBytes[intg0x];
  }
  for (int i = 0; i < intg0; ++i, p += 4) end = PutPadded(end, BeUint(p, 4), kDigitsPerGroup);
  // The integer part without its leading zeros ("0" when all are), right
  // behind the sign.
  char* first = digits;
  while (first < end && *first == '0') ++first;
  if (first == end) *--first = '0';
  if (negative) *--first = '-';
  if (scale > 0) {
    *end++ = '.';
    for (int i = 0; i < frac0; ++i, p += 4) end = PutPadded(end, BeUint(p, 4), kDigitsPerGroup);
    if (frac0x > 0) end = PutPadded(end, BeUint(p, kDigitBytes[frac0x]), frac0x);
  }
  const size_t length = static_cast<size_t>(end - first);
  // A group wider than its digit count means corrupt data (e.g. 10^9 in 4 bytes).
  if (length > static_cast<size_t>(precision) + 2 + (negative ? 1 : 0)) {
    return core::Fail(core::Error::BadData("corrupt DECIMAL value"));
  }
  if (negative) {
    // MySQL never stores negative zero, but be safe.
    bool zero = true;
    for (const char* c = first + 1; c < end && zero; ++c) zero = *c == '0' || *c == '.';
    if (zero) ++first;
  }
  return std::string_view(first, static_cast<size_t>(end - first));
}

}  // namespace cdc::mysql
