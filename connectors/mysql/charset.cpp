#include "connectors/mysql/charset.h"

#include <iconv.h>
#include <mysql.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace cdc::mysql {
namespace {

// iconv source encodings for charsets whose Connector/C name iconv does not take.
std::string IconvName(const std::string& charset) {
  if (charset == "latin1") return "CP1252";  // MySQL's latin1 is Windows-1252
  if (charset == "ucs2") return "UCS-2BE";
  if (charset == "utf16") return "UTF-16BE";
  if (charset == "utf16le") return "UTF-16LE";
  if (charset == "utf32") return "UTF-32BE";
  if (charset == "latin2") return "ISO-8859-2";
  if (charset == "latin5") return "ISO-8859-9";
  if (charset == "latin7") return "ISO-8859-13";
  if (charset == "greek") return "ISO-8859-7";
  if (charset == "hebrew") return "ISO-8859-8";
  if (charset == "cp1250" || charset == "cp1251" || charset == "cp1256" || charset == "cp1257" ||
      charset == "cp850" || charset == "cp852" || charset == "cp866") {
    return "CP" + charset.substr(2);
  }
  if (charset == "koi8r") return "KOI8-R";
  if (charset == "koi8u") return "KOI8-U";
  if (charset == "sjis") return "SHIFT_JIS";
  if (charset == "ujis") return "EUC-JP";
  if (charset == "euckr") return "EUC-KR";
  if (charset == "gb2312") return "GB2312";
  if (charset == "gbk") return "GBK";
  if (charset == "gb18030") return "GB18030";
  if (charset == "big5") return "BIG5";
  if (charset == "cp932") return "CP932";
  if (charset == "eucjpms") return "EUC-JP-MS";
  if (charset == "tis620") return "TIS-620";
  return charset;
}

struct IconvCloser {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};
using IconvHandle = std::unique_ptr<void, IconvCloser>;

// One converter per source charset and thread; iconv_t is not thread-safe.
iconv_t Converter(const std::string& charset) {
  thread_local std::unordered_map<std::string, IconvHandle> cache;
  auto it = cache.find(charset);
  if (it == cache.end()) {
    iconv_t cd = iconv_open("UTF-8", IconvName(charset).c_str());
    IconvHandle handle(cd == reinterpret_cast<iconv_t>(-1) ? nullptr : static_cast<void*>(cd));
    it = cache.emplace(charset, std::move(handle)).first;
  }
  return static_cast<iconv_t>(it->second.get());
}

bool ToUtf8(std::string_view raw, const std::string& charset, std::string& out) {
  iconv_t cd = Converter(charset);
  if (cd == nullptr) return false;
  iconv(cd, nullptr, nullptr, nullptr, nullptr);
  out.assign(raw.size() * 4 + 8, '\0');
  char* in = const_cast<char*>(raw.data());
  size_t in_left = raw.size();
  char* dst = out.data();
  size_t out_left = out.size();
  if (iconv(cd, &in, &in_left, &dst, &out_left) == static_cast<size_t>(-1)) return false;
  out.resize(out.size() - out_left);
  return true;
}

bool IsUtf8Charset(const std::string& cs) {
  return cs == "utf8mb4" || cs == "utf8mb3" || cs == "utf8" || cs == "ascii";
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    // Eight ASCII bytes at a time: most text is ASCII.
    while (i + 8 <= s.size()) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, sizeof(word));
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else
      return false;
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

std::string CharsetName(uint32_t collation_id) {
  if (collation_id == 0) return "";
  const MARIADB_CHARSET_INFO* cs = mariadb_get_charset_by_nr(collation_id);
  if (cs == nullptr || cs->csname == nullptr) return "";
  return cs->csname;
}

namespace {

// What TextValue does with a collation, decided once per id instead of per
// value (the name lookup and comparisons cost more than the value itself).
enum class TextClass : uint8_t { kUnknown, kUtf8, kBinary, kAsciiSuperset, kOther };

// Single-byte code pages whose bytes below 0x80 are ASCII: text without a high
// byte is already UTF-8 and needs no iconv call.
bool IsAsciiSuperset(const std::string& cs) {
  return cs == "latin1" || cs == "latin2" || cs == "latin5" || cs == "latin7" || cs == "greek" ||
         cs == "hebrew" || cs == "koi8r" || cs == "koi8u" || cs == "cp1250" || cs == "cp1251" ||
         cs == "cp1256" || cs == "cp1257" || cs == "cp850" || cs == "cp852" || cs == "cp866";
}

TextClass ClassOf(uint32_t collation_id, std::string& charset) {
  charset = CharsetName(collation_id);
  if (charset.empty()) return TextClass::kUnknown;
  if (IsUtf8Charset(charset)) return TextClass::kUtf8;
  if (charset == "binary") return TextClass::kBinary;
  if (IsAsciiSuperset(charset)) return TextClass::kAsciiSuperset;
  return TextClass::kOther;
}

struct CollationInfo {
  bool known = false;
  TextClass text_class = TextClass::kUnknown;
  std::string charset;
};

// Per thread, so no lock: collation ids are small (< 2048 on MariaDB 11).
const CollationInfo& Collation(uint32_t collation_id) {
  constexpr uint32_t kCached = 65536;
  thread_local std::vector<CollationInfo> cache(256);
  thread_local CollationInfo uncached;
  if (collation_id >= kCached) {
    uncached.text_class = ClassOf(collation_id, uncached.charset);
    return uncached;
  }
  if (collation_id >= cache.size()) cache.resize(collation_id + 1);
  CollationInfo& info = cache[collation_id];
  if (!info.known) {
    info.text_class = ClassOf(collation_id, info.charset);
    info.known = true;
  }
  return info;
}

// Eight bytes at a time (single-byte charsets are the MariaDB default, so
// this runs for most text values).
bool IsAscii(std::string_view s) {
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, sizeof(word));
    any |= word;
  }
  for (; i < s.size(); ++i) any |= static_cast<unsigned char>(s[i]);
  return (any & 0x8080808080808080ull) == 0;
}

}  // namespace

void SetTextValue(std::string_view raw, uint32_t collation_id, core::Value& out) {
  using core::ValueKind;
  if (collation_id == kBinaryCollation) return out.SetText(ValueKind::kBytes, raw);
  const CollationInfo& info = Collation(collation_id);
  switch (info.text_class) {
    case TextClass::kUnknown:
    case TextClass::kUtf8:
      return out.SetText(IsValidUtf8(raw) ? ValueKind::kString : ValueKind::kBytes, raw);
    case TextClass::kBinary:
      return out.SetText(ValueKind::kBytes, raw);
    case TextClass::kAsciiSuperset:
      if (IsAscii(raw)) return out.SetText(ValueKind::kString, raw);
      break;
    case TextClass::kOther:
      break;
  }
  std::string utf8;  // a conversion to UTF-8: rare
  if (ToUtf8(raw, info.charset, utf8)) return out.SetText(ValueKind::kString, utf8);
  out.SetText(ValueKind::kBytes, raw);
}

core::Value TextValue(std::string_view raw, uint32_t collation_id) {
  core::Value value;
  SetTextValue(raw, collation_id, value);
  return value;
}

}  // namespace cdc::mysql
