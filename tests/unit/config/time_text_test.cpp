#include "config/time_text.h"

#include <gtest/gtest.h>

namespace cdc::config {
namespace {

int64_t Parse(const std::string& text) {
  int64_t us = 0;
  EXPECT_TRUE(ParseTimestamp(text, us)) << text;
  return us;
}

TEST(TimeText, ParsesCanonicalFormsAndOffsets) {
  EXPECT_EQ(Parse("1970-01-01"), 0);
  EXPECT_EQ(Parse("2024-03-05T10:20:30.123456Z"), 1709634030123456);
  EXPECT_EQ(Parse("2024-03-05 10:20:30.5"), 1709634030500000);
  EXPECT_EQ(Parse("2024-03-05T12:20:30+02:00"), 1709634030000000);
  EXPECT_EQ(Parse("2024-03-05T07:20:30-0300"), 1709634030000000);
  EXPECT_EQ(Parse("2024-03-05T10:20"), 1709634000000000);
  EXPECT_EQ(Parse("1969-12-31T23:59:59.5Z"), -500000);
}

TEST(TimeText, FractionsOfEveryLengthKeepMicrosecondsAndDropTheRest) {
  const int64_t base = 1709634030000000;  // 2024-03-05T10:20:30Z
  EXPECT_EQ(Parse("2024-03-05T10:20:30.1Z"), base + 100000);
  EXPECT_EQ(Parse("2024-03-05T10:20:30.12Z"), base + 120000);
  EXPECT_EQ(Parse("2024-03-05T10:20:30.123Z"), base + 123000);
  EXPECT_EQ(Parse("2024-03-05T10:20:30.1234Z"), base + 123400);
  EXPECT_EQ(Parse("2024-03-05T10:20:30.12345Z"), base + 123450);
  EXPECT_EQ(Parse("2024-03-05T10:20:30.123456Z"), base + 123456);
  EXPECT_EQ(Parse("2024-03-05T10:20:30.1234567Z"), base + 123456);
  EXPECT_EQ(Parse("2024-03-05T10:20:30.999999999+01:00"), base - 3600LL * 1000000 + 999999);
  EXPECT_EQ(Parse("2024-03-05T10:20:30.000001"), base + 1);
}

TEST(TimeText, RejectsMalformedText) {
  int64_t us = 0;
  for (const char* bad : {"", "2024-3-5", "2024-13-01", "2024-03-05T", "2024-03-05X10:00",
                          "2024-03-05T10:20:30Zjunk", "yesterday", "2024-03-05T10:20:30."}) {
    EXPECT_FALSE(ParseTimestamp(bad, us)) << bad;
  }
}

TEST(TimeText, TimestampsAlternatingBetweenDatesKeepTheirOwnDay) {
  // The day of the last date parsed is cached per thread: a new date must never reuse it.
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(Parse("2024-03-05T10:20:30.123456Z"), 1709634030123456);
    EXPECT_EQ(Parse("2024-03-06T10:20:30.123456Z"), 1709634030123456 + 86400LL * 1000000);
    EXPECT_EQ(Parse("1969-12-31T23:59:59.5Z"), -500000);
  }
}

TEST(TimeText, MalformedTimeAfterTheSameDateIsStillRejected) {
  int64_t us = 0;
  ASSERT_TRUE(ParseTimestamp("2024-03-05T10:20:30", us));
  for (const char* bad : {"2024-03-05T", "2024-03-05X10:00", "2024-03-05T10:2x", "2024-03-05T10:20:30Zjunk"}) {
    EXPECT_FALSE(ParseTimestamp(bad, us)) << bad;
  }
  EXPECT_FALSE(ParseTimestamp(std::string("2024-03-05", 9), us));
}

TEST(TimeText, FormatsEventDatesWithMilliseconds) {
  EXPECT_EQ(FormatEventDate(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatEventDate(1709634030123456), "2024-03-05T10:20:30.123Z");
  EXPECT_EQ(FormatEventDate(-500000), "1969-12-31T23:59:59.500Z");
  EXPECT_EQ(FormatEventDate(Parse("2000-02-29T23:59:59.999999Z")), "2000-02-29T23:59:59.999Z");
}

TEST(TimeText, EventDatesAlternatingBetweenDaysKeepTheirOwnDate) {
  // The day part is cached per thread: switching days must never reuse a stale one.
  const int64_t day = 86400LL * 1000000;
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(FormatEventDate(1709634030123456), "2024-03-05T10:20:30.123Z");
    EXPECT_EQ(FormatEventDate(1709634030123456 + day), "2024-03-06T10:20:30.123Z");
    EXPECT_EQ(FormatEventDate(-1), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(FormatEventDate(8100LL * 366 * day), "0000-01-01T00:00:00.000Z");
    EXPECT_EQ(FormatEventDate(1709634030123456 + 5), "2024-03-05T10:20:30.123Z");
  }
}

TEST(TimeText, AppendEventDateWritesAfterExistingText) {
  std::string out = "\"_event_date\":\"";
  AppendEventDate(out, 1709634030123456);
  EXPECT_EQ(out, "\"_event_date\":\"2024-03-05T10:20:30.123Z");
  out += "|";
  AppendEventDate(out, 8100LL * 366 * 86400 * 1000000);  // beyond year 9999
  EXPECT_EQ(out, "\"_event_date\":\"2024-03-05T10:20:30.123Z|0000-01-01T00:00:00.000Z");
}

TEST(TimeText, ValueKindsConvertToEpoch) {
  EXPECT_EQ(*ValueToEpochMicros(core::Value::Date("2024-03-05")), 1709596800000000);
  EXPECT_EQ(*ValueToEpochMicros(core::Value::Int(1709596800)), 1709596800000000);
  EXPECT_EQ(ValueToEpochMicros(core::Value::Bool(true)).error().kind, core::ErrorKind::kBadData);
  EXPECT_EQ(ValueToEpochMicros(core::Value::Time("10:00:00")).error().kind, core::ErrorKind::kBadData);
}

}  // namespace
}  // namespace cdc::config
