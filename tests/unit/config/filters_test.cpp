#include "config/filters.h"

#include <gtest/gtest.h>

namespace cdc::config {
namespace {

using core::Value;

Filter Make(const std::string& name, std::vector<FilterArg> args = {}) {
  auto f = MakeFilter(name, args, name);
  EXPECT_TRUE(f) << name << ": " << (f ? "" : f.error());
  return f ? *f : Filter{};
}

FilterArg Quoted(std::string text) { return FilterArg{true, std::move(text)}; }
FilterArg Bare(std::string text) { return FilterArg{false, std::move(text)}; }

Value Apply(const Filter& f, const Value& in) {
  Value out;
  auto st = ApplyFilter(f, in, out);
  EXPECT_TRUE(st) << (st ? "" : st.error().message);
  return out;
}

core::Error ApplyError(const Filter& f, const Value& in) {
  Value out;
  auto st = ApplyFilter(f, in, out);
  EXPECT_FALSE(st);
  return st ? core::Error{} : st.error();
}

TEST(Filters, LowerUpperTrim) {
  EXPECT_EQ(Apply(Make("lower"), Value::String("AbC")), Value::String("abc"));
  EXPECT_EQ(Apply(Make("upper"), Value::String("AbC")), Value::String("ABC"));
  EXPECT_EQ(Apply(Make("trim"), Value::String(" \t a b \n")), Value::String("a b"));
}

TEST(Filters, E164NormalisesAPhoneWithTheRegion) {
  const Filter f = Make("e164", {Quoted("ES")});
  EXPECT_EQ(Apply(f, Value::String("612 34 56 78")), Value::String("+34612345678"));
  EXPECT_EQ(Apply(f, Value::String("+34 612-345-678")), Value::String("+34612345678"));
}

TEST(Filters, E164RejectsAnUnparsablePhoneAsBadData) {
  auto f = MakeFilter("e164", {Quoted("ES")}, "e164('ES')");
  ASSERT_TRUE(f);
  const core::Error e = ApplyError(*f, Value::String("call me"));
  EXPECT_EQ(e.kind, core::ErrorKind::kBadData);
  EXPECT_EQ(e.message, "e164('ES') cannot make a valid phone number of 'call me'");
  EXPECT_EQ(ApplyError(*f, Value::String("12")).kind, core::ErrorKind::kBadData);
}

TEST(Filters, Sha256IsHexOfTheText) {
  const Filter f = Make("sha256");
  EXPECT_EQ(Apply(f, Value::String("abc")),
            Value::String("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  EXPECT_EQ(Apply(f, Value::String("")),
            Value::String("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  // Numbers hash their text: sha256("42").
  EXPECT_EQ(Apply(f, Value::Int(42)),
            Value::String("73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049"));
}

TEST(Filters, DefaultReplacesOnlyNull) {
  const Filter text = Make("default", {Quoted("none")});
  EXPECT_EQ(Apply(text, Value::Null()), Value::String("none"));
  EXPECT_EQ(Apply(text, Value::String("set")), Value::String("set"));
  EXPECT_TRUE(Apply(text, Value::Absent()).is_absent());
  EXPECT_EQ(Apply(Make("default", {Bare("0")}), Value::Null()), Value::Int(0));
  EXPECT_EQ(Apply(Make("default", {Bare("1.5")}), Value::Null()), Value::Decimal("1.5"));
  EXPECT_EQ(Apply(Make("default", {Bare("true")}), Value::Null()), Value::Bool(true));
  EXPECT_FALSE(MakeFilter("default", {Bare("abc")}, "default(abc)"));
}

TEST(Filters, OtherFiltersPassNullAndAbsentThrough) {
  for (const char* name : {"lower", "upper", "trim", "sha256", "string", "int", "float", "number", "email"}) {
    EXPECT_TRUE(Apply(Make(name), Value::Null()).is_null()) << name;
    EXPECT_TRUE(Apply(Make(name), Value::Absent()).is_absent()) << name;
  }
  EXPECT_TRUE(Apply(Make("e164", {Quoted("ES")}), Value::Null()).is_null());
  EXPECT_TRUE(Apply(Make("date", {Quoted("%Y")}), Value::Null()).is_null());
}

TEST(Filters, DateFormatsDatesAndTimestampsInUtc) {
  const Filter ymd = Make("date", {Quoted("%Y-%m-%d")});
  EXPECT_EQ(Apply(ymd, Value::TimestampTz("2024-03-05T23:20:30.123456Z")), Value::String("2024-03-05"));
  EXPECT_EQ(Apply(ymd, Value::Date("2024-02-29")), Value::String("2024-02-29"));
  const Filter full = Make("date", {Quoted("%d/%m/%Y %H:%M:%S.%f")});
  EXPECT_EQ(Apply(full, Value::Timestamp("2024-03-05T10:20:30.5")),
            Value::String("05/03/2024 10:20:30.500000"));
  // An ISO string with an offset is converted to UTC first.
  EXPECT_EQ(Apply(Make("date", {Quoted("%H:%M")}), Value::String("2024-03-05T10:20:00+02:00")),
            Value::String("08:20"));
  EXPECT_EQ(ApplyError(ymd, Value::String("yesterday")).kind, core::ErrorKind::kBadData);
  EXPECT_EQ(ApplyError(ymd, Value::Int(5)).kind, core::ErrorKind::kBadData);
}

TEST(Filters, StringConversionWritesText) {
  EXPECT_EQ(Apply(Make("string"), Value::Int(42)), Value::String("42"));
  EXPECT_EQ(Apply(Make("string"), Value::Bool(false)), Value::String("false"));
  EXPECT_EQ(Apply(Make("string"), Value::Decimal("1.50")), Value::String("1.50"));
}

TEST(Filters, IntConversion) {
  const Filter f = Make("int");
  EXPECT_EQ(Apply(f, Value::String(" 42 ")), Value::Int(42));
  EXPECT_EQ(Apply(f, Value::Decimal("-12.000")), Value::Int(-12));
  EXPECT_EQ(Apply(f, Value::Double(3.0)), Value::Int(3));
  EXPECT_EQ(Apply(f, Value::Bool(true)), Value::Int(1));
  EXPECT_EQ(ApplyError(f, Value::String("12.5")).kind, core::ErrorKind::kBadData);
  EXPECT_EQ(ApplyError(f, Value::String("99999999999999999999")).kind, core::ErrorKind::kBadData);
  EXPECT_EQ(ApplyError(f, Value::Double(2.5)).kind, core::ErrorKind::kBadData);
}

TEST(Filters, FloatAndNumberConversion) {
  EXPECT_EQ(Apply(Make("float"), Value::String("1.5")), Value::Double(1.5));
  EXPECT_EQ(Apply(Make("float"), Value::Int(2)), Value::Double(2.0));
  EXPECT_EQ(Apply(Make("number"), Value::String(" 12.50 ")), Value::Decimal("12.50"));
  EXPECT_EQ(Apply(Make("number"), Value::Int(7)), Value::Int(7));
  EXPECT_EQ(Apply(Make("number"), Value::String("+3")), Value::Double(3.0));
  EXPECT_EQ(ApplyError(Make("number"), Value::String("12 EUR")).kind, core::ErrorKind::kBadData);
  EXPECT_EQ(ApplyError(Make("float"), Value::String("nan")).kind, core::ErrorKind::kBadData);
}

TEST(Filters, EmailTrimsLowersAndValidates) {
  const Filter f = Make("email");
  EXPECT_EQ(Apply(f, Value::String("  John.Doe@Example.COM ")), Value::String("john.doe@example.com"));
  EXPECT_EQ(ApplyError(f, Value::String("not-an-email")).kind, core::ErrorKind::kBadData);
  EXPECT_EQ(ApplyError(f, Value::String("a@b")).kind, core::ErrorKind::kBadData);
  EXPECT_EQ(ApplyError(f, Value::String("a b@c.d")).kind, core::ErrorKind::kBadData);
}

TEST(Filters, UnknownFilterNameIsRejected) {
  auto f = MakeFilter("md5", {}, "md5");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().rfind("unknown filter 'md5'", 0), 0u);
}

}  // namespace
}  // namespace cdc::config
