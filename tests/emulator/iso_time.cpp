#include "tests/emulator/iso_time.h"

#include <chrono>
#include <cstdio>

namespace cdc::emulator {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

std::optional<std::chrono::sys_days> ParseDate(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() < 10 || !Digits(s, 0, 4, y) || s[4] != '-' || !Digits(s, 5, 2, m) || s[7] != '-' ||
      !Digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd);
}

}  // namespace

bool IsIsoDate(std::string_view text) { return text.size() == 10 && ParseDate(text).has_value(); }

std::optional<TimePoint> ParseIsoDateTime(std::string_view s) {
  auto date = ParseDate(s);
  if (!date || s.size() < 20 || (s[10] != 'T' && s[10] != 't')) return std::nullopt;
  int hh = 0, mm = 0, ss = 0;
  if (!Digits(s, 11, 2, hh) || s[13] != ':' || !Digits(s, 14, 2, mm) || s[16] != ':' ||
      !Digits(s, 17, 2, ss) || hh > 23 || mm > 59 || ss > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;  // naive timestamps carry no zone
  int offset_minutes = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '+' ? 1 : -1;
    int oh = 0, om = 0;
    if (!Digits(s, pos + 1, 2, oh)) return std::nullopt;
    size_t next = pos + 3;
    if (next < s.size() && s[next] == ':') ++next;
    if (!Digits(s, next, 2, om) || oh > 23 || om > 59) return std::nullopt;
    offset_minutes = sign * (oh * 60 + om);
    pos = next + 2;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  auto local = std::chrono::time_point_cast<milliseconds>(*date) + hours(hh) + minutes(mm) +
               seconds(ss) + milliseconds(millis);
  return TimePoint(local - minutes(offset_minutes));
}

std::string FormatIsoDateTime(TimePoint t) {
  auto ms = std::chrono::floor<milliseconds>(t);
  auto day = std::chrono::floor<days>(ms);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss<milliseconds> tod{ms - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()),
                static_cast<int>(tod.subseconds().count()));
  return buf;
}

}  // namespace cdc::emulator
