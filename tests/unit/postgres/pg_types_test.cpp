// Text → Value per type OID, with the exact Values DESIGN.md "Value forms" asks for.
#include "connectors/postgres/pg_types.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/model/json_writer.h"

namespace cdc::pg {
namespace {

using core::Value;
using core::ValueKind;
using namespace std::string_literals;

class PgTypesTest : public ::testing::Test {
 protected:
  Value Convert(uint32_t type_oid, std::string_view text) {
    auto v = TextToValue(type_oid, text, types_, &warnings_);
    EXPECT_TRUE(v) << type_oid << " '" << text << "': " << v.error().message;
    return v ? *v : Value();
  }
  core::Error Reject(uint32_t type_oid, std::string_view text) {
    auto v = TextToValue(type_oid, text, types_, &warnings_);
    EXPECT_FALSE(v) << type_oid << " '" << text << "' was accepted";
    return v ? core::Error{} : v.error();
  }

  TypeResolver types_;
  ConversionWarnings warnings_;
};

TEST_F(PgTypesTest, BoolIsTOrF) {
  EXPECT_EQ(Convert(oid::kBool, "t"), Value::Bool(true));
  EXPECT_EQ(Convert(oid::kBool, "f"), Value::Bool(false));
  EXPECT_EQ(Reject(oid::kBool, "true").kind, core::ErrorKind::kBadData);
}

TEST_F(PgTypesTest, IntegersBecomeInt) {
  EXPECT_EQ(Convert(oid::kInt2, "-32768"), Value::Int(-32768));
  EXPECT_EQ(Convert(oid::kInt4, "2147483647"), Value::Int(2147483647));
  EXPECT_EQ(Convert(oid::kInt8, "-9223372036854775808"), Value::Int(INT64_MIN));
  EXPECT_EQ(Convert(oid::kInt8, "980191243"), Value::Int(980191243));
  EXPECT_EQ(Convert(oid::kOid, "4294967295"), Value::Int(4294967295LL));
  Reject(oid::kInt4, "");
  Reject(oid::kInt4, "12a");
  Reject(oid::kInt8, "9223372036854775808");
}

TEST_F(PgTypesTest, NumericKeepsExactText) {
  EXPECT_EQ(Convert(oid::kNumeric, "123456789012345678901234567890.123456789"),
            Value::Decimal("123456789012345678901234567890.123456789"));
  EXPECT_EQ(Convert(oid::kNumeric, "-12.50"), Value::Decimal("-12.50"));
  EXPECT_EQ(Convert(oid::kNumeric, "0.99"), Value::Decimal("0.99"));
  EXPECT_EQ(Convert(oid::kNumeric, "18446744073709551615"), Value::Decimal("18446744073709551615"));
  EXPECT_EQ(warnings_.numeric_not_finite, 0u);
  Reject(oid::kNumeric, "1e5");
  Reject(oid::kNumeric, "1.");
  Reject(oid::kNumeric, "abc");
}

TEST_F(PgTypesTest, NumericNaNAndInfinityBecomeNullWithACountedWarning) {
  EXPECT_EQ(Convert(oid::kNumeric, "NaN"), Value::Null());
  EXPECT_EQ(Convert(oid::kNumeric, "Infinity"), Value::Null());
  EXPECT_EQ(Convert(oid::kNumeric, "-Infinity"), Value::Null());
  EXPECT_EQ(warnings_.numeric_not_finite, 3u);
}

TEST_F(PgTypesTest, FloatsBecomeDoubleIncludingNonFinite) {
  EXPECT_EQ(Convert(oid::kFloat8, "3.14159"), Value::Double(3.14159));
  EXPECT_EQ(Convert(oid::kFloat4, "-1.5e+30"), Value::Double(-1.5e30));
  EXPECT_EQ(Convert(oid::kFloat8, "1e-07"), Value::Double(1e-7));
  Value nan = Convert(oid::kFloat8, "NaN");
  EXPECT_EQ(nan.kind(), ValueKind::kDouble);
  EXPECT_TRUE(std::isnan(nan.as_double()));
  Value inf = Convert(oid::kFloat4, "Infinity");
  EXPECT_EQ(inf.kind(), ValueKind::kDouble);
  EXPECT_EQ(inf.as_double(), HUGE_VAL);
  EXPECT_EQ(Convert(oid::kFloat8, "-Infinity").as_double(), -HUGE_VAL);
  // The JSON writer renders them as null and reports it.
  std::string json;
  EXPECT_FALSE(core::AppendJsonValue(json, nan));
  EXPECT_EQ(json, "null");
  Reject(oid::kFloat8, "inf");
  Reject(oid::kFloat8, "1.0x");
}

TEST_F(PgTypesTest, TextLikeTypesBecomeString) {
  EXPECT_EQ(Convert(oid::kText, "Zo\xc3\xab"), Value::String("Zo\xc3\xab"));
  EXPECT_EQ(Convert(oid::kVarchar, "+46 31 123 45 67"), Value::String("+46 31 123 45 67"));
  EXPECT_EQ(Convert(oid::kBpchar, "ab  "), Value::String("ab  "));
  EXPECT_EQ(Convert(oid::kName, "pg_class"), Value::String("pg_class"));
  EXPECT_EQ(Convert(oid::kChar, "x"), Value::String("x"));
  EXPECT_EQ(Convert(oid::kText, ""), Value::String(""));
  EXPECT_EQ(Convert(oid::kUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
            Value::String("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
  // citext and other extension types have per-database OIDs: unknown → string.
  EXPECT_EQ(Convert(91234, "MiXeD"), Value::String("MiXeD"));
}

TEST_F(PgTypesTest, DateIsIsoAndInfinityStaysText) {
  EXPECT_EQ(Convert(oid::kDate, "2026-01-15"), Value::Date("2026-01-15"));
  EXPECT_EQ(Convert(oid::kDate, "infinity"), Value::String("infinity"));
  EXPECT_EQ(Convert(oid::kDate, "-infinity"), Value::String("-infinity"));
  EXPECT_EQ(Convert(oid::kDate, "0044-03-15 BC"), Value::String("0044-03-15 BC"));
  EXPECT_EQ(Reject(oid::kDate, "01/15/2026").kind, core::ErrorKind::kBadData);
  Reject(oid::kDate, "2026-13-01");
}

TEST_F(PgTypesTest, TimeAndTimeTz) {
  EXPECT_EQ(Convert(oid::kTime, "10:30:00"), Value::Time("10:30:00"));
  EXPECT_EQ(Convert(oid::kTime, "23:59:59.999999"), Value::Time("23:59:59.999999"));
  EXPECT_EQ(Convert(oid::kTime, "24:00:00"), Value::Time("24:00:00"));
  // timetz is shifted to UTC, wrapping around midnight.
  EXPECT_EQ(Convert(oid::kTimeTz, "10:30:00+02"), Value::Time("08:30:00"));
  EXPECT_EQ(Convert(oid::kTimeTz, "01:00:00.5+05:30"), Value::Time("19:30:00.5"));
  EXPECT_EQ(Convert(oid::kTimeTz, "23:00:00-03"), Value::Time("02:00:00"));
  Reject(oid::kTime, "10:30");
  Reject(oid::kTimeTz, "10:30:00");
}

TEST_F(PgTypesTest, TimestampGetsATAndKeepsTheFraction) {
  EXPECT_EQ(Convert(oid::kTimestamp, "2026-01-15 10:30:00"),
            Value::Timestamp("2026-01-15T10:30:00"));
  EXPECT_EQ(Convert(oid::kTimestamp, "2026-01-15 10:30:00.123456"),
            Value::Timestamp("2026-01-15T10:30:00.123456"));
  EXPECT_EQ(Convert(oid::kTimestamp, "2026-01-15 10:30:00.5"),
            Value::Timestamp("2026-01-15T10:30:00.5"));
  EXPECT_EQ(Convert(oid::kTimestamp, "infinity"), Value::String("infinity"));
  EXPECT_EQ(Convert(oid::kTimestamp, "2000-01-01 00:00:00 BC"),
            Value::String("2000-01-01 00:00:00 BC"));
  Reject(oid::kTimestamp, "2026-01-15T10:30:00");
}

TEST_F(PgTypesTest, TimestampTzIsNormalisedToUtcZ) {
  EXPECT_EQ(Convert(oid::kTimestampTz, "2026-11-22 11:28:31.855136+00"),
            Value::TimestampTz("2026-11-22T11:28:31.855136Z"));
  EXPECT_EQ(Convert(oid::kTimestampTz, "2026-01-15 10:30:00+02"),
            Value::TimestampTz("2026-01-15T08:30:00Z"));
  EXPECT_EQ(Convert(oid::kTimestampTz, "2026-01-15 01:30:00.25+05:30"),
            Value::TimestampTz("2026-01-14T20:00:00.25Z"));
  EXPECT_EQ(Convert(oid::kTimestampTz, "2025-12-31 22:00:00-03"),
            Value::TimestampTz("2026-01-01T01:00:00Z"));
  EXPECT_EQ(Convert(oid::kTimestampTz, "2024-02-28 23:00:00-02"),
            Value::TimestampTz("2024-02-29T01:00:00Z"));
  // Historical zones print seconds in the offset (Europe/Amsterdam 1900: +00:19:32).
  EXPECT_EQ(Convert(oid::kTimestampTz, "1900-01-01 00:00:00+00:19:32"),
            Value::TimestampTz("1899-12-31T23:40:28Z"));
  EXPECT_EQ(Convert(oid::kTimestampTz, "-infinity"), Value::String("-infinity"));
  Reject(oid::kTimestampTz, "2026-01-15 10:30:00");
}

// UTC text (what our sessions print) is rewritten in place, without date
// arithmetic; it must give exactly what the arithmetic gives.
TEST_F(PgTypesTest, TimestampTzInUtcKeepsItsDigitsAndOnlyNormalTextSkipsTheArithmetic) {
  EXPECT_EQ(Convert(oid::kTimestampTz, "2024-02-29 23:59:59.999999+00"),
            Value::TimestampTz("2024-02-29T23:59:59.999999Z"));
  EXPECT_EQ(Convert(oid::kTimestampTz, "2026-11-23 01:34:50+00:00"), Value::TimestampTz("2026-11-23T01:34:50Z"));
  EXPECT_EQ(Convert(oid::kTimestampTz, "0001-01-01 00:00:00-00"), Value::TimestampTz("0001-01-01T00:00:00Z"));
  // Not in normal form: still normalised by the arithmetic.
  EXPECT_EQ(Convert(oid::kTimestampTz, "2023-02-29 00:00:00+00"), Value::TimestampTz("2023-03-01T00:00:00Z"));
  EXPECT_EQ(Convert(oid::kTimestampTz, "2026-12-31 24:00:00+00"), Value::TimestampTz("2027-01-01T00:00:00Z"));
  EXPECT_EQ(Convert(oid::kTimestampTz, "12026-01-15 10:30:00+00"), Value::TimestampTz("12026-01-15T10:30:00Z"));
}

TEST_F(PgTypesTest, IntervalIsTheServerText) {
  EXPECT_EQ(Convert(oid::kInterval, "1 year 2 mons 3 days 04:05:06"),
            Value::String("1 year 2 mons 3 days 04:05:06"));
}

TEST_F(PgTypesTest, JsonAndJsonbAreKeptAsIs) {
  EXPECT_EQ(Convert(oid::kJsonb, R"({"a": [1, 2.50, null]})"),
            Value::Json(R"({"a": [1, 2.50, null]})"));
  EXPECT_EQ(Convert(oid::kJson, "  [true]"), Value::Json("  [true]"));
}

TEST_F(PgTypesTest, ByteaHexAndEscapeFormsBecomeRawBytes) {
  EXPECT_EQ(Convert(oid::kBytea, "\\x00ff10"), Value::Bytes("\x00\xff\x10"s));
  EXPECT_EQ(Convert(oid::kBytea, "\\x"), Value::Bytes(""));
  EXPECT_EQ(Convert(oid::kBytea, "ab\\\\c\\000"), Value::Bytes("ab\\c\0"s));
  Reject(oid::kBytea, "\\x0");
  Reject(oid::kBytea, "\\xzz");
}

TEST_F(PgTypesTest, IntArrayWithNullBecomesJsonArray) {
  EXPECT_EQ(Convert(1007, "{1,2,NULL}"), Value::Json("[1,2,null]"));
  EXPECT_EQ(Convert(1007, "{}"), Value::Json("[]"));
  EXPECT_EQ(Convert(1016, "{-9223372036854775808}"), Value::Json("[-9223372036854775808]"));
}

TEST_F(PgTypesTest, TextArrayUnquotesAndEscapes) {
  EXPECT_EQ(Convert(1009, R"({a,"b c","say \"hi\"","back\\slash","NULL",NULL,""})"),
            Value::Json(R"(["a","b c","say \"hi\"","back\\slash","NULL",null,""])"));
  EXPECT_EQ(Convert(1015, R"({"a,b","{x}"})"), Value::Json(R"(["a,b","{x}"])"));
}

TEST_F(PgTypesTest, NestedArraysBecomeNestedJson) {
  EXPECT_EQ(Convert(1007, "{{1,2},{3,NULL}}"), Value::Json("[[1,2],[3,null]]"));
  EXPECT_EQ(Convert(1231, "{{1.50,-2},{NaN,3}}"), Value::Json("[[1.50,-2],[null,3]]"));
  EXPECT_EQ(warnings_.numeric_not_finite, 1u);
}

TEST_F(PgTypesTest, ArrayLowerBoundDecorationIsDropped) {
  EXPECT_EQ(Convert(1007, "[0:2]={7,8,9}"), Value::Json("[7,8,9]"));
}

TEST_F(PgTypesTest, ArrayElementsUseTheirTypesForm) {
  EXPECT_EQ(Convert(1000, "{t,f}"), Value::Json("[true,false]"));
  EXPECT_EQ(Convert(1185, R"({"2026-01-15 10:30:00+02","2026-01-15 10:30:00+00"})"),
            Value::Json(R"(["2026-01-15T08:30:00Z","2026-01-15T10:30:00Z"])"));
  EXPECT_EQ(Convert(1182, "{2026-01-15,infinity}"), Value::Json(R"(["2026-01-15","infinity"])"));
  EXPECT_EQ(Convert(3807, R"({"{\"a\": 1}","[2]"})"), Value::Json(R"([{"a": 1},[2]])"));
  EXPECT_EQ(Convert(1001, R"({"\\x0102"})"), Value::Json(R"(["AQI="])"));
  EXPECT_EQ(Convert(1022, "{1.5,NaN}"), Value::Json("[1.5,null]"));
  EXPECT_EQ(Convert(2951, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"),
            Value::Json(R"(["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])"));
}

TEST_F(PgTypesTest, MalformedArraysAreBadData) {
  EXPECT_EQ(Reject(1007, "{1,2").kind, core::ErrorKind::kBadData);
  Reject(1007, "1,2}");
  Reject(1007, "{1,x}");
  Reject(1009, R"({"unterminated})");
  Reject(1007, "{1,,2}");
  Reject(1007, "{{{{{{{1}}}}}}}");
}

TEST_F(PgTypesTest, UserTypesResolveThroughTheResolver) {
  types_.Register(50001, {UserTypeKind::kEnum, 0, "public.ticket_state"});
  types_.Register(50002, {UserTypeKind::kDomain, oid::kInt4, "public.positive_int"});
  types_.Register(50003, {UserTypeKind::kArray, 50001, "public._ticket_state"});
  types_.Register(50004, {UserTypeKind::kDomain, 50002, "public.small_positive"});
  types_.Register(50005, {UserTypeKind::kComposite, 0, "public.address"});
  types_.Register(50006, {UserTypeKind::kArray, 50002, "public._positive_int"});
  EXPECT_EQ(Convert(50001, "open"), Value::String("open"));
  EXPECT_EQ(Convert(50002, "42"), Value::Int(42));
  EXPECT_EQ(Convert(50004, "7"), Value::Int(7));
  EXPECT_EQ(Convert(50003, "{open,closed}"), Value::Json(R"(["open","closed"])"));
  EXPECT_EQ(Convert(50005, R"(("Main St",5))"), Value::String(R"(("Main St",5))"));
  EXPECT_EQ(Convert(50006, "{1,NULL}"), Value::Json("[1,null]"));
  Reject(50002, "forty");
}

TEST_F(PgTypesTest, DomainCycleIsABugNotAHang) {
  types_.Register(60001, {UserTypeKind::kDomain, 60002, "a"});
  types_.Register(60002, {UserTypeKind::kDomain, 60001, "b"});
  EXPECT_EQ(Reject(60001, "1").kind, core::ErrorKind::kBug);
}

TEST_F(PgTypesTest, TypeNamesForSchemas) {
  types_.Register(50001, {UserTypeKind::kEnum, 0, "public.ticket_state"});
  EXPECT_EQ(TypeName(oid::kInt4, types_), "int4");
  EXPECT_EQ(TypeName(oid::kVarchar, types_), "varchar");
  EXPECT_EQ(TypeName(oid::kTimestampTz, types_), "timestamptz");
  EXPECT_EQ(TypeName(1007, types_), "_int4");
  EXPECT_EQ(TypeName(50001, types_), "public.ticket_state");
  EXPECT_EQ(TypeName(77777, types_), "oid:77777");
  types_.NoteName(77777, "public.citext");
  EXPECT_EQ(TypeName(77777, types_), "public.citext");
  // A Type message never overrides what was registered from pg_type.
  types_.NoteName(50001, "other");
  EXPECT_EQ(TypeName(50001, types_), "public.ticket_state");
  EXPECT_EQ(BuiltinArrayElement(1007), oid::kInt4);
  EXPECT_EQ(BuiltinArrayElement(oid::kInt4), 0u);
}

}  // namespace
}  // namespace cdc::pg
