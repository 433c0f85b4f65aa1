#include "config/time_text.h"

#include <climits>
#include <cstring>
#include <ctime>

namespace cdc::config {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days: proleptic Gregorian,
// no time zone database and no locale involved.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Two digits at `pos`, the common width of every field but the year.
inline bool TwoDigits(std::string_view s, size_t pos, int& out) {
  if (pos + 2 > s.size()) return false;
  const unsigned tens = static_cast<unsigned char>(s[pos]) - unsigned{'0'};
  const unsigned ones = static_cast<unsigned char>(s[pos + 1]) - unsigned{'0'};
  if (tens > 9 || ones > 9) return false;
  out = static_cast<int>(tens * 10 + ones);
  return true;
}

// "00" to "99", so that formatting writes two digits per lookup.
struct DigitPairs {
  char text[200];
  constexpr DigitPairs() : text() {
    for (int i = 0; i < 100; ++i) {
      text[2 * i] = static_cast<char>('0' + i / 10);
      text[2 * i + 1] = static_cast<char>('0' + i % 10);
    }
  }
};
constexpr DigitPairs kDigitPairs;

inline void PutTwo(char* at, int64_t value) { std::memcpy(at, kDigitPairs.text + 2 * value, 2); }

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

bool ParseTimestamp(std::string_view s, int64_t& epoch_us) {
  // Consecutive rows nearly always share their date: the day number of the
  // last valid "YYYY-MM-DD" is kept per thread, so only the time is parsed.
  thread_local bool cached = false;
  thread_local char cached_date[10];
  thread_local int64_t cached_days = 0;
  int64_t days = 0;
  if (cached && s.size() >= 10 && std::memcmp(s.data(), cached_date, sizeof cached_date) == 0) {
    days = cached_days;
  } else {
    int year = 0, month = 0, day = 0;
    if (!Digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !TwoDigits(s, 5, month) || s[7] != '-' ||
        !TwoDigits(s, 8, day)) {
      return false;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31) return false;
    days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    std::memcpy(cached_date, s.data(), sizeof cached_date);
    cached_days = days;
    cached = true;
  }
  int hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  int64_t offset_s = 0;
  size_t i = 10;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != ' ') return false;
    if (!TwoDigits(s, i + 1, hour) || i + 3 >= s.size() || s[i + 3] != ':' || !TwoDigits(s, i + 4, minute)) {
      return false;
    }
    i += 6;
    if (i < s.size() && s[i] == ':') {
      if (!TwoDigits(s, i + 1, second)) return false;
      i += 3;
      if (i < s.size() && s[i] == '.') {
        ++i;
        // The weight of each fraction digit: a table, not a division per digit.
        static constexpr int64_t kWeights[6] = {100000, 10000, 1000, 100, 10, 1};
        const size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          const size_t place = i - start;
          if (place < 6) micros += (s[i] - '0') * kWeights[place];  // digits past microseconds are dropped
          ++i;
        }
        if (i == start) return false;
      }
    }
    if (hour > 24 || minute > 59 || second > 60) return false;
    if (i < s.size()) {
      if (s[i] == 'Z' && i + 1 == s.size()) {
        ++i;
      } else if (s[i] == '+' || s[i] == '-') {
        const int sign = s[i] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!TwoDigits(s, i + 1, oh)) return false;
        i += 3;
        if (i < s.size() && s[i] == ':') ++i;
        if (i < s.size()) {
          if (!TwoDigits(s, i, om)) return false;
          i += 2;
        }
        offset_s = sign * (oh * 3600 + om * 60);
      }
      if (i != s.size()) return false;
    }
  }
  const int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  epoch_us = secs * 1000000 + micros;
  return true;
}

std::string FormatEventDate(int64_t epoch_us) {
  std::string out;
  AppendEventDate(out, epoch_us);
  return out;
}

void AppendEventDate(std::string& out, int64_t epoch_us) {
  const int64_t secs = FloorDiv(epoch_us, 1000000);
  const int64_t millis = (epoch_us - secs * 1000000) / 1000;
  const int64_t days = FloorDiv(secs, 86400);
  const int64_t rem = secs - days * 86400;
  auto put = [](char* at, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      at[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  // Consecutive events nearly always fall on the same day: its "YYYY-MM-DD"
  // is kept per thread, so only the time of day is written digit by digit.
  thread_local int64_t cached_days = INT64_MIN;
  thread_local char cached_date[10];
  thread_local bool cached_in_range = false;
  if (days != cached_days) {
    int64_t y = 0;
    unsigned m = 0, d = 0;
    CivilFromDays(days, y, m, d);
    cached_days = days;
    cached_in_range = y >= 0 && y <= 9999;
    std::memcpy(cached_date, "0000-00-00", sizeof cached_date);
    if (cached_in_range) {
      put(cached_date, y, 4);
      put(cached_date + 5, m, 2);
      put(cached_date + 8, d, 2);
    }
  }
  if (!cached_in_range) {
    out += "0000-01-01T00:00:00.000Z";  // outside ISO 8601's 4-digit years
    return;
  }
  // Written into a stack buffer appended once: this runs for every event,
  // and snprintf or a temporary string would cost more than the rest.
  char text[] = "0000-00-00T00:00:00.000Z";
  std::memcpy(text, cached_date, sizeof cached_date);
  PutTwo(text + 11, rem / 3600);
  PutTwo(text + 14, rem / 60 % 60);
  PutTwo(text + 17, rem % 60);
  PutTwo(text + 20, millis / 10);
  text[22] = static_cast<char>('0' + millis % 10);
  out.append(text, sizeof text - 1);
}

std::string FormatTime(int64_t epoch_us, const std::string& format) {
  const int64_t secs = FloorDiv(epoch_us, 1000000);
  const int64_t micros = epoch_us - secs * 1000000;
  // Expand %f ourselves; strftime has no sub-second conversion.
  std::string fmt;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '%' && i + 1 < format.size()) {
      if (format[i + 1] == 'f') {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(micros));
        fmt += buf;
        ++i;
        continue;
      }
      fmt += format[i];
      fmt += format[i + 1];
      ++i;
      continue;
    }
    fmt += format[i];
  }
  std::tm tm{};
  const time_t t = static_cast<time_t>(secs);
  gmtime_r(&t, &tm);
  std::string out(fmt.size() * 4 + 64, '\0');
  const size_t n = std::strftime(out.data(), out.size(), fmt.c_str(), &tm);
  out.resize(n);
  return out;
}

core::Result<int64_t> ValueToEpochMicros(const core::Value& value) {
  using core::ValueKind;
  switch (value.kind()) {
    case ValueKind::kDate:
    case ValueKind::kTimestamp:
    case ValueKind::kTimestampTz:
    case ValueKind::kString: {
      int64_t us = 0;
      if (ParseTimestamp(value.text(), us)) return us;
      break;
    }
    case ValueKind::kInt:
      return value.as_int() * 1000000;
    default:
      break;
  }
  return core::Fail(core::Error::BadData(std::string("not a date or timestamp (") +
                                         core::ValueKindName(value.kind()) + " '" + value.ToText() + "')"));
}

}  // namespace cdc::config
