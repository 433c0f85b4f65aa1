#include "core/model/json_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cdc::core {

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

// True when one of the 8 bytes in `x` is a control character (< 0x20), '"'
// or '\\'. May report a clean block as dirty (a borrow), never the reverse,
// so a dirty block is simply re-checked byte by byte.
inline bool NeedsEscape8(uint64_t x) {
  const uint64_t below_space = (x - kOnes * 0x20) & ~x;
  const uint64_t quote = x ^ (kOnes * '"');
  const uint64_t backslash = x ^ (kOnes * '\\');
  const uint64_t is_quote = (quote - kOnes) & ~quote;
  const uint64_t is_backslash = (backslash - kOnes) & ~backslash;
  return ((below_space | is_quote | is_backslash) & kHighs) != 0;
}

inline bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

void AppendEscaped(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    default: {
      const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(u, sizeof u);
    }
  }
}

// Strings up to this length that need no escaping are quoted in a stack
// buffer and appended once: ids, keys and most column values are short, and
// the per-call overhead of several appends would cost more than the scan.
constexpr size_t kShortString = 62;

// The same test on 4 bytes, for short text.
inline bool NeedsEscape4(uint32_t x) {
  constexpr uint32_t kOnes4 = 0x01010101U;
  const uint32_t below_space = (x - kOnes4 * 0x20) & ~x;
  const uint32_t quote = x ^ (kOnes4 * '"');
  const uint32_t backslash = x ^ (kOnes4 * '\\');
  const uint32_t is_quote = (quote - kOnes4) & ~quote;
  const uint32_t is_backslash = (backslash - kOnes4) & ~backslash;
  return ((below_space | is_quote | is_backslash) & 0x80808080U) != 0;
}

#if defined(__SSE2__)
// The same test on 16 bytes at once (SSE2 is part of x86-64).
inline bool NeedsEscape16(__m128i v) {
  const __m128i controls = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);  // unsigned v <= 0x1F
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  return _mm_movemask_epi8(_mm_or_si128(controls, _mm_or_si128(quote, backslash))) != 0;
}
#endif

// Whole blocks, then one last block overlapping the previous one, so that
// short text (ids, keys, most values) takes one or two word tests instead of
// a loop over its bytes. Never reads outside [p, p + n).
bool HasSpecial(const char* p, size_t n) {
#if defined(__SSE2__)
  if (n >= 16) {
    for (size_t i = 0; i + 16 <= n; i += 16) {
      if (NeedsEscape16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)))) return true;
    }
    return NeedsEscape16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16)));
  }
  if (n >= 8) {  // two overlapping 8-byte halves of one register
    const __m128i head = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    const __m128i tail = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + n - 8));
    return NeedsEscape16(_mm_unpacklo_epi64(head, tail));
  }
#else
  if (n >= 8) {
    uint64_t block;
    for (size_t i = 0; i + 8 <= n; i += 8) {
      std::memcpy(&block, p + i, sizeof block);
      if (NeedsEscape8(block)) return true;
    }
    std::memcpy(&block, p + n - 8, sizeof block);
    return NeedsEscape8(block);
  }
#endif
  if (n >= 4) {
    uint32_t head, tail;
    std::memcpy(&head, p, sizeof head);
    std::memcpy(&tail, p + n - 4, sizeof tail);
    return NeedsEscape4(head) || NeedsEscape4(tail);
  }
  for (size_t i = 0; i < n; ++i) {
    if (NeedsEscape(static_cast<unsigned char>(p[i]))) return true;
  }
  return false;
}

}  // namespace

bool NeedsJsonEscape(std::string_view s) { return HasSpecial(s.data(), s.size()); }

void AppendJsonString(std::string& out, std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  if (n <= kShortString && !HasSpecial(p, n)) {
    char quoted[kShortString + 2];
    quoted[0] = '"';
    std::memcpy(quoted + 1, p, n);
    quoted[n + 1] = '"';
    out.append(quoted, n + 2);
    return;
  }
  // Longer text: skip clean runs 8 bytes at a time and copy them in one
  // append; only a block holding a special byte goes byte by byte.
  out.reserve(out.size() + n + 2);
  out.push_back('"');
  size_t run_start = 0;
  size_t i = 0;
  while (i < n) {
    while (i + 8 <= n) {
      uint64_t block;
      std::memcpy(&block, p + i, sizeof block);
      if (NeedsEscape8(block)) break;
      i += 8;
    }
    const size_t block_end = std::min(i + 8, n);
    for (; i < block_end; ++i) {
      const unsigned char c = static_cast<unsigned char>(p[i]);
      if (!NeedsEscape(c)) continue;
      out.append(p + run_start, i - run_start);
      run_start = i + 1;
      AppendEscaped(out, c);
    }
  }
  out.append(p + run_start, n - run_start);
  out.push_back('"');
}

std::string Base64Encode(std::string_view raw) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < raw.size(); i += 3) {
    const uint32_t n = (uint8_t(raw[i]) << 16) | (uint8_t(raw[i + 1]) << 8) | uint8_t(raw[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  if (i < raw.size()) {
    uint32_t n = uint8_t(raw[i]) << 16;
    if (i + 1 < raw.size()) n |= uint8_t(raw[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < raw.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

bool AppendJsonValue(std::string& out, const Value& v) {
  switch (v.kind()) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      out += "null";
      return true;
    case ValueKind::kBool:
      out += v.as_bool() ? "true" : "false";
      return true;
    case ValueKind::kInt: {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.as_int());
      // (pointer, length): the iterator overload goes through replace().
      out.append(buf, static_cast<size_t>(end - buf));
      return true;
    }
    case ValueKind::kDouble: {
      if (!std::isfinite(v.as_double())) {
        out += "null";
        return false;
      }
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.as_double());
      // (pointer, length): the iterator overload goes through replace().
      out.append(buf, static_cast<size_t>(end - buf));
      return true;
    }
    case ValueKind::kDecimal:
    case ValueKind::kJson:
      out += v.text();
      return true;
    case ValueKind::kBytes:
      out.push_back('"');
      out += Base64Encode(v.text());
      out.push_back('"');
      return true;
    case ValueKind::kString:
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kTimestamp:
    case ValueKind::kTimestampTz:
      AppendJsonString(out, v.text());
      return true;
  }
  return true;
}

}  // namespace cdc::core
