// Column values decoded without printf, gmtime or iconv on the common path:
// TIMESTAMP2 against the C library's calendar over the whole 32-bit range,
// DATETIME2/DATE text for every fractional precision, and text in ASCII-
// compatible charsets with and without bytes above 0x7F.
#include "connectors/mysql/column_value.h"

#include <gtest/gtest.h>

#include <ctime>
#include <string>

namespace cdc::mysql::testing {
namespace {

TableMap OneColumn(uint8_t type, uint16_t meta, uint32_t collation = 0) {
  TableMap map;
  map.database = "shop";
  map.table = "t";
  map.types = {type};
  map.real_types = {type};
  map.meta = {meta};
  map.nullable = {true};
  map.is_unsigned = {false};
  map.collations = {collation};
  map.enum_values = {{}};
  map.set_values = {{}};
  return map;
}

core::Value Decode(const TableMap& map, const std::string& bytes) {
  ByteReader r(bytes);
  auto v = ReadColumnValue(r, map, 0);
  EXPECT_TRUE(v.has_value()) << (v ? "" : v.error().message);
  EXPECT_TRUE(r.empty()) << "every byte of the value is consumed";
  return v ? *v : core::Value();
}

std::string BigEndian(uint64_t v, int bytes) {
  std::string out(static_cast<size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
  return out;
}

std::string GmtimeText(uint32_t seconds) {
  time_t t = seconds;
  struct tm tm_utc;
  gmtime_r(&t, &tm_utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm_utc);
  return buf;
}

TEST(ColumnValueTimestamp2, MatchesTheCLibraryCalendarAcrossTheWholeRange) {
  const TableMap map = OneColumn(kTypeTimestamp2, 0);
  // Leap days, century and year ends, and a stride over all of 1970..2106.
  for (uint32_t s : {1u, 59u, 86399u, 86400u, 951782399u, 951782400u, 951868800u, 978307199u, 1709251199u,
                     2147483647u, 2147483648u, 4102444799u, 4102444800u, 4294967295u}) {
    core::Value v = Decode(map, BigEndian(s, 4));
    EXPECT_EQ(v.kind(), core::ValueKind::kTimestampTz);
    EXPECT_EQ(v.text(), GmtimeText(s) + "Z") << s;
  }
  for (uint64_t s = 7; s <= 0xffffffffu; s += 9876543) {
    EXPECT_EQ(Decode(map, BigEndian(s, 4)).text(), GmtimeText(static_cast<uint32_t>(s)) + "Z") << s;
  }
  EXPECT_TRUE(Decode(map, BigEndian(0, 4)).is_null()) << "the zero TIMESTAMP";
}

TEST(ColumnValueTimestamp2, FractionHasTheDeclaredDigits) {
  // fsp 3: two fraction bytes holding milliseconds * 10.
  EXPECT_EQ(Decode(OneColumn(kTypeTimestamp2, 3), BigEndian(1700000000, 4) + BigEndian(1230, 2)).text(),
            "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(Decode(OneColumn(kTypeTimestamp2, 6), BigEndian(1700000000, 4) + BigEndian(7, 3)).text(),
            "2023-11-14T22:13:20.000007Z");
}

// DATETIME2: 1 sign bit, 17 bits year*13+month, 5 day, 5 hour, 6 minute, 6 second.
std::string DateTime2(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s) {
  uint64_t ym = y * 13 + mo;
  uint64_t packed = (uint64_t{1} << 39) | (ym << 22) | (uint64_t{d} << 17) | (h << 12) | (mi << 6) | s;
  return BigEndian(packed, 5);
}

TEST(ColumnValueDateTime2, TextForEveryFractionalPrecision) {
  const std::string base = DateTime2(2024, 2, 29, 23, 5, 9);
  EXPECT_EQ(Decode(OneColumn(kTypeDateTime2, 0), base).text(), "2024-02-29T23:05:09");
  EXPECT_EQ(Decode(OneColumn(kTypeDateTime2, 1), base + BigEndian(90, 1)).text(), "2024-02-29T23:05:09.9");
  EXPECT_EQ(Decode(OneColumn(kTypeDateTime2, 2), base + BigEndian(5, 1)).text(), "2024-02-29T23:05:09.05");
  EXPECT_EQ(Decode(OneColumn(kTypeDateTime2, 4), base + BigEndian(1234, 2)).text(),
            "2024-02-29T23:05:09.1234");
  EXPECT_EQ(Decode(OneColumn(kTypeDateTime2, 5), base + BigEndian(123450, 3)).text(),
            "2024-02-29T23:05:09.12345");
  EXPECT_EQ(Decode(OneColumn(kTypeDateTime2, 6), DateTime2(1, 1, 1, 0, 0, 0) + BigEndian(999999, 3)).text(),
            "0001-01-01T00:00:00.999999");
  EXPECT_EQ(Decode(OneColumn(kTypeDateTime2, 0), DateTime2(9999, 12, 31, 23, 59, 59)).kind(),
            core::ValueKind::kTimestamp);
  EXPECT_TRUE(Decode(OneColumn(kTypeDateTime2, 0), DateTime2(2024, 0, 1, 0, 0, 0)).is_null()) << "zero month";
}

TEST(ColumnValueDate, TextAndZeroDate) {
  auto date = [](unsigned y, unsigned m, unsigned d) {
    uint32_t v = (y << 9) | (m << 5) | d;
    return std::string{static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff),
                       static_cast<char>(v >> 16)};
  };
  EXPECT_EQ(Decode(OneColumn(kTypeDate, 0), date(987, 6, 5)).text(), "0987-06-05");
  EXPECT_TRUE(Decode(OneColumn(kTypeDate, 0), date(2024, 1, 0)).is_null());
}

constexpr uint32_t kLatin1 = 8;    // latin1_swedish_ci (MySQL's latin1 is cp1252)
constexpr uint32_t kUtf8mb4 = 45;  // utf8mb4_general_ci

std::string Varchar(const std::string& text) { return std::string(1, static_cast<char>(text.size())) + text; }

TEST(ColumnValueText, Latin1AsciiPassesThroughAndHighBytesAreConverted) {
  const TableMap map = OneColumn(kTypeVarchar, 64, kLatin1);
  core::Value ascii = Decode(map, Varchar("u12345678@example.com"));
  EXPECT_EQ(ascii.kind(), core::ValueKind::kString);
  EXPECT_EQ(ascii.text(), "u12345678@example.com");
  core::Value accented = Decode(map, Varchar("caf\xe9 \x80 long enough to pass eight bytes"));
  EXPECT_EQ(accented.kind(), core::ValueKind::kString);
  EXPECT_EQ(accented.text(), "caf\xc3\xa9 \xe2\x82\xac long enough to pass eight bytes")
      << "cp1252 0x80 is the euro";
}

TEST(ColumnValueText, Utf8IsCheckedPastLongAsciiRuns) {
  const TableMap map = OneColumn(kTypeVarchar, 200, kUtf8mb4);
  const std::string ascii(40, 'a');
  EXPECT_EQ(Decode(map, Varchar(ascii + "\xc3\xa9")).kind(), core::ValueKind::kString);
  core::Value bad = Decode(map, Varchar(ascii + "\xc3"));
  EXPECT_EQ(bad.kind(), core::ValueKind::kBytes) << "invalid UTF-8 after an ASCII run is bytes";
  EXPECT_EQ(Decode(map, Varchar(ascii + "\xed\xa0\x80" + ascii)).kind(), core::ValueKind::kBytes)
      << "a surrogate in the middle";
}

}  // namespace
}  // namespace cdc::mysql::testing
