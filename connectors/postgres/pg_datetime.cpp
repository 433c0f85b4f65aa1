#include "connectors/postgres/pg_datetime.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

namespace cdc::pg {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

core::Error Bad(const char* type, std::string_view text) {
  return core::Error::BadData(std::string("not a PostgreSQL ") + type + " value: '" +
                              std::string(text.substr(0, 64)) + "'");
}

// A cursor over ISO date/time text; every Read* returns false on mismatch.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool ReadDigits(size_t min_len, size_t max_len, int64_t& out) {
    size_t n = 0;
    int64_t v = 0;
    while (pos_ + n < s_.size() && n < max_len && s_[pos_ + n] >= '0' && s_[pos_ + n] <= '9') {
      v = v * 10 + (s_[pos_ + n] - '0');
      ++n;
    }
    if (n < min_len) return false;
    pos_ += n;
    out = v;
    return true;
  }
  bool Accept(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::optional<char> Peek() const {
    if (pos_ < s_.size()) return s_[pos_];
    return std::nullopt;
  }
  bool done() const { return pos_ == s_.size(); }
  std::string_view rest() const { return s_.substr(pos_); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool IsSpecial(std::string_view text) { return text == "infinity" || text == "-infinity"; }

bool IsBc(std::string_view text) {
  return text.size() > 3 && text.substr(text.size() - 3) == " BC";
}

struct Ymd {
  int64_t y = 0, m = 0, d = 0;
};

bool ReadDate(Scanner& in, Ymd& out) {
  // Years have at least 4 digits and may have more (up to 294276 / 5874897).
  return in.ReadDigits(4, 7, out.y) && in.Accept('-') && in.ReadDigits(2, 2, out.m) &&
         in.Accept('-') && in.ReadDigits(2, 2, out.d) && out.m >= 1 && out.m <= 12 && out.d >= 1 &&
         out.d <= 31;
}

struct Hms {
  int64_t h = 0, m = 0, s = 0;
  std::string_view fraction;  // digits after '.', possibly empty
};

bool ReadTime(Scanner& in, Hms& out) {
  if (!(in.ReadDigits(2, 2, out.h) && in.Accept(':') && in.ReadDigits(2, 2, out.m) &&
        in.Accept(':') && in.ReadDigits(2, 2, out.s))) {
    return false;
  }
  if (out.h > 24 || out.m > 59 || out.s > 60) return false;
  if (in.Accept('.')) {
    std::string_view rest = in.rest();
    int64_t ignored = 0;
    if (!in.ReadDigits(1, 9, ignored)) return false;
    out.fraction = rest.substr(0, rest.size() - in.rest().size());
  }
  return true;
}

// "+HH", "+HH:MM", "+HH:MM:SS" (and '-') → seconds east of UTC.
bool ReadOffset(Scanner& in, int64_t& seconds) {
  int sign = 0;
  if (in.Accept('+')) {
    sign = 1;
  } else if (in.Accept('-')) {
    sign = -1;
  } else {
    return false;
  }
  int64_t h = 0, m = 0, s = 0;
  if (!in.ReadDigits(2, 2, h)) return false;
  if (in.Accept(':')) {
    if (!in.ReadDigits(2, 2, m)) return false;
    if (in.Accept(':') && !in.ReadDigits(2, 2, s)) return false;
  }
  seconds = sign * (h * 3600 + m * 60 + s);
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Ymd CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  Ymd out;
  out.d = doy - (153 * mp + 2) / 5 + 1;
  out.m = mp < 10 ? mp + 3 : mp - 9;
  out.y = yoe + era * 400 + (out.m <= 2);
  return out;
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t DaysInMonth(int64_t y, int64_t m) {
  static constexpr int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') <= 9; }

bool AllDigits(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!IsDigit(p[i])) return false;
  }
  return true;
}

int TwoDigits(const char* p) { return (p[0] - '0') * 10 + (p[1] - '0'); }

// Our sessions print timestamptz in UTC: "2026-11-23 01:34:50.123456+00".
// When the text has exactly that layout and normal fields (4-digit year, valid
// day, no 24:00 or leap second), its canonical form is the text itself with
// 'T' and 'Z': no date arithmetic and no snprintf, which made this the
// hottest conversion of the decoder. Anything else takes the general path.
bool CanonicalUtcTimestampTz(std::string_view text, std::string& out) {
  constexpr size_t kSeconds = 19;  // "YYYY-MM-DD HH:MM:SS"
  if (text.size() < kSeconds + 3 || text.substr(text.size() - 3) != "+00") return false;
  const size_t end = text.size() - 3;
  const char* t = text.data();
  if (t[4] != '-' || t[7] != '-' || t[10] != ' ' || t[13] != ':' || t[16] != ':') return false;
  if (!AllDigits(t, 4) || !AllDigits(t + 5, 2) || !AllDigits(t + 8, 2) || !AllDigits(t + 11, 2) ||
      !AllDigits(t + 14, 2) || !AllDigits(t + 17, 2)) {
    return false;
  }
  if (end != kSeconds) {
    const size_t fraction = end - kSeconds - 1;
    if (t[kSeconds] != '.' || fraction < 1 || fraction > 9 || !AllDigits(t + kSeconds + 1, fraction)) return false;
  }
  const int y = TwoDigits(t) * 100 + TwoDigits(t + 2), mo = TwoDigits(t + 5), d = TwoDigits(t + 8);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) || TwoDigits(t + 11) > 23 ||
      TwoDigits(t + 14) > 59 || TwoDigits(t + 17) > 59) {
    return false;
  }
  // One copy: the '+' of "+00" becomes the 'Z'.
  out.assign(t, end + 1);
  out[10] = 'T';
  out[end] = 'Z';
  return true;
}

std::string FormatTime(int64_t h, int64_t m, int64_t s, std::string_view fraction) {
  char buf[64];  // sized for any int64 so the compiler can prove no truncation
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(h),
                static_cast<long long>(m), static_cast<long long>(s));
  std::string out = buf;
  if (!fraction.empty()) {
    out.push_back('.');
    out.append(fraction);
  }
  return out;
}

std::string FormatDate(const Ymd& d) {
  char buf[72];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(d.y),
                static_cast<long long>(d.m), static_cast<long long>(d.d));
  return buf;
}

// Days from 1970-01-01 to PostgreSQL's epoch 2000-01-01.
constexpr int64_t kPgEpochDays = 10957;
constexpr int64_t kMicrosPerDay = kSecondsPerDay * 1000000;

// Writes `v` (>= 0) with at least `width` digits; returns the end.
char* PutPadded(char* p, int64_t v, int width) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  while (n < width) digits[n++] = '0';
  while (n > 0) *p++ = digits[--n];
  return p;
}

// Two digits of 0..99: the per-row fields, one table lookup each.
char* Put2(char* p, int64_t v) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  std::memcpy(p, kPairs + 2 * v, 2);
  return p + 2;
}

// "YYYY-MM-DD" as the server prints it: BC years as their positive number
// (the caller appends " BC").
char* PutDate(char* p, const Ymd& d) {
  const int64_t year = d.y > 0 ? d.y : 1 - d.y;
  if (year <= 9999) {
    p = Put2(Put2(p, year / 100), year % 100);
  } else {
    p = PutPadded(p, year, 4);
  }
  *p++ = '-';
  p = Put2(p, d.m);
  *p++ = '-';
  return Put2(p, d.d);
}

// Consecutive rows mostly share their day: the civil date is kept per thread.
Ymd CachedCivilFromDays(int64_t days) {
  thread_local int64_t last_days = std::numeric_limits<int64_t>::min();
  thread_local Ymd last;
  if (days != last_days) {
    last = CivilFromDays(days);
    last_days = days;
  }
  return last;
}

}  // namespace

core::Result<core::Value> DateFromText(std::string_view text) {
  if (IsSpecial(text) || IsBc(text)) return core::Value::String(std::string(text));
  Scanner in(text);
  Ymd d;
  if (!ReadDate(in, d) || !in.done()) return core::Fail(Bad("date", text));
  return core::Value::Date(std::string(text));
}

core::Result<core::Value> TimeFromText(std::string_view text) {
  Scanner in(text);
  Hms t;
  if (!ReadTime(in, t) || !in.done()) return core::Fail(Bad("time", text));
  return core::Value::Time(std::string(text));
}

core::Result<core::Value> TimeTzFromText(std::string_view text) {
  Scanner in(text);
  Hms t;
  int64_t offset = 0;
  if (!ReadTime(in, t) || !ReadOffset(in, offset) || !in.done()) {
    return core::Fail(Bad("timetz", text));
  }
  int64_t secs = t.h * 3600 + t.m * 60 + t.s - offset;
  secs = ((secs % kSecondsPerDay) + kSecondsPerDay) % kSecondsPerDay;
  return core::Value::Time(FormatTime(secs / 3600, secs / 60 % 60, secs % 60, t.fraction));
}

core::Result<core::Value> TimestampFromText(std::string_view text) {
  if (IsSpecial(text) || IsBc(text)) return core::Value::String(std::string(text));
  Scanner in(text);
  Ymd d;
  Hms t;
  if (!ReadDate(in, d) || !in.Accept(' ') || !ReadTime(in, t) || !in.done()) {
    return core::Fail(Bad("timestamp", text));
  }
  std::string out(text);
  out[text.find(' ')] = 'T';  // the date part has no space
  return core::Value::Timestamp(std::move(out));
}

core::Result<core::Value> TimestampTzFromText(std::string_view text) {
  if (std::string out; CanonicalUtcTimestampTz(text, out)) return core::Value::TimestampTz(std::move(out));
  if (IsSpecial(text) || IsBc(text)) return core::Value::String(std::string(text));
  Scanner in(text);
  Ymd d;
  Hms t;
  int64_t offset = 0;
  if (!ReadDate(in, d) || !in.Accept(' ') || !ReadTime(in, t) || !ReadOffset(in, offset) ||
      !in.done()) {
    return core::Fail(Bad("timestamptz", text));
  }
  // Whole seconds since the Unix epoch in UTC; the fraction is untouched by
  // offsets (they are whole seconds) and is kept exactly as printed.
  int64_t secs =
      DaysFromCivil(d.y, d.m, d.d) * kSecondsPerDay + t.h * 3600 + t.m * 60 + t.s - offset;
  int64_t days =
      secs >= 0 ? secs / kSecondsPerDay : -((-secs + kSecondsPerDay - 1) / kSecondsPerDay);
  int64_t sod = secs - days * kSecondsPerDay;
  Ymd utc = CivilFromDays(days);
  // Shifting 0001-01-01 00:30+01 lands in 1 BC, which ISO text cannot carry here.
  if (utc.y < 1) return core::Value::String(std::string(text));
  return core::Value::TimestampTz(
      FormatDate(utc) + "T" + FormatTime(sod / 3600, sod / 60 % 60, sod % 60, t.fraction) + "Z");
}

}  // namespace cdc::pg

namespace cdc::pg {

core::Result<core::Value> DateFromBinary(int32_t days) {
  if (days == std::numeric_limits<int32_t>::min()) return core::Value::String("-infinity");
  if (days == std::numeric_limits<int32_t>::max()) return core::Value::String("infinity");
  const Ymd d = CachedCivilFromDays(days + kPgEpochDays);
  char buf[48];
  char* end = PutDate(buf, d);
  if (d.y < 1) return DateFromText(std::string(buf, end) + " BC");  // kept as the server prints it
  return core::Value::Date(std::string(buf, end));
}

core::Result<core::Value> TimestampFromBinary(int64_t micros, bool with_zone) {
  if (micros == std::numeric_limits<int64_t>::min()) return core::Value::String("-infinity");
  if (micros == std::numeric_limits<int64_t>::max()) return core::Value::String("infinity");
  int64_t days = micros / kMicrosPerDay;
  int64_t in_day = micros % kMicrosPerDay;
  if (in_day < 0) {
    in_day += kMicrosPerDay;
    --days;
  }
  const Ymd d = CachedCivilFromDays(days + kPgEpochDays);
  const int64_t secs = in_day / 1000000, fraction = in_day % 1000000;
  char buf[80];
  char* p = PutDate(buf, d);
  *p++ = d.y >= 1 ? 'T' : ' ';
  p = Put2(p, secs / 3600);
  *p++ = ':';
  p = Put2(p, secs / 60 % 60);
  *p++ = ':';
  p = Put2(p, secs % 60);
  if (fraction != 0) {  // printed like the server: six digits, trailing zeros dropped
    *p++ = '.';
    char* digits = p;
    p = Put2(Put2(Put2(p, fraction / 10000), fraction / 100 % 100), fraction % 100);
    while (p > digits && p[-1] == '0') --p;
  }
  if (d.y >= 1) {
    if (with_zone) *p++ = 'Z';
    std::string text(buf, p);
    return with_zone ? core::Value::TimestampTz(std::move(text)) : core::Value::Timestamp(std::move(text));
  }
  // BC: the server's text, through the text conversion (which keeps it as printed).
  std::string text(buf, p);
  if (with_zone) text += "+00";
  text += " BC";
  return with_zone ? TimestampTzFromText(text) : TimestampFromText(text);
}

}  // namespace cdc::pg
