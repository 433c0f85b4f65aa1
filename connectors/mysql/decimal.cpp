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

// Zero-padded to `width`; a value wider than that (corrupt data) keeps all its
// digits, so the length check below catches it. Written by hand: snprintf per
// group dominated the cost of every DECIMAL value.
char* PutPadded(char* out, uint32_t v, int width) {
  int digits = 1;
  for (uint32_t rest = v / 10; rest != 0; rest /= 10) ++digits;
  const int n = digits > width ? digits : width;
  for (int i = n - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return out + n;
}

}  // namespace

size_t DecimalBinarySize(int precision, int scale) {
  int intg = precision - scale;
  return (intg / kDigitsPerGroup) * 4 + kDigitBytes[intg % kDigitsPerGroup] + (scale / kDigitsPerGroup) * 4 +
         kDigitBytes[scale % kDigitsPerGroup];
}

core::Result<std::string> ReadDecimal(ByteReader& reader, int precision, int scale) {
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

  // At most 8 integer and 4 fraction groups of up to 10 digits each.
  char text[160];
  char* end = text;
  if (intg0x > 0) {
    end = PutPadded(end, BeUint(p, kDigitBytes[intg0x]), intg0x);
    p += kDigitBytes[intg0x];
  }
  for (int i = 0; i < intg0; ++i, p += 4) end = PutPadded(end, BeUint(p, 4), kDigitsPerGroup);
  const char* first = text;
  while (first < end && *first == '0') ++first;
  std::string out;
  out.reserve(static_cast<size_t>(end - first) + static_cast<size_t>(scale) + 4);
  if (negative) out += '-';
  if (first == end) {
    out += '0';
  } else {
    out.append(first, static_cast<size_t>(end - first));
  }
  if (scale > 0) {
    char* frac = text;
    for (int i = 0; i < frac0; ++i, p += 4) frac = PutPadded(frac, BeUint(p, 4), kDigitsPerGroup);
    if (frac0x > 0) frac = PutPadded(frac, BeUint(p, kDigitBytes[frac0x]), frac0x);
    out += '.';
    out.append(text, static_cast<size_t>(frac - text));
  }
  // A group wider than its digit count means corrupt data (e.g. 10^9 in 4 bytes).
  if (out.size() > static_cast<size_t>(precision) + 2 + (negative ? 1 : 0)) {
    return core::Fail(core::Error::BadData("corrupt DECIMAL value"));
  }
  if (out == "-0" || (negative && out.find_first_not_of("-0.") == std::string::npos)) {
    out.erase(0, 1);  // MySQL never stores negative zero, but be safe
  }
  return out;
}

}  // namespace cdc::mysql
