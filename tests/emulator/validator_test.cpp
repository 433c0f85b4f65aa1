// Per-item validation of contacts and events against the default specs.
#include "tests/emulator/validator.h"

#include <gtest/gtest.h>

namespace cdc::emulator {
namespace {

using nlohmann::json;

class ValidatorTest : public ::testing::Test {
 protected:
  static json Purchase(json extra = json::object()) {
    json e = {
        {"_user_id", "u1"},
        {"_event_id", "e1"},
        {"_event_type", "purchase"},
        {"_event_date", "2026-03-01T12:00:00.000Z"},
        {"_event_parameters", {{"currency", "EUR"}, {"amount", 49.90}, {"product_sku", "SKU-42"}}}};
    e.update(extra);
    return e;
  }
  Specs specs_ = Specs::Defaults();
  Validator v_{specs_};
};

TEST_F(ValidatorTest, QuickstartContactIsValid) {
  json c = {{"_user_id", "USER-1"},
            {"_email", "ada@example.com"},
            {"_first_name", "Ada"},
            {"_phone_mobile", "+34600000000"}};
  EXPECT_EQ(v_.ValidateContact(c), json::object());
}

TEST_F(ValidatorTest, InvalidEmailGivesInvalidFormat) {
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"_email", "not-an-email"}}),
            (json{{"_email", {"Invalid format"}}}));
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"_email", "a@b"}}).size(), 1u);
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"_email", nullptr}}), json::object());
}

TEST_F(ValidatorTest, PhoneMustBePlusAndEightToFifteenDigits) {
  EXPECT_TRUE(Validator::IsValidE164("+34600000000"));
  EXPECT_TRUE(Validator::IsValidE164("+12345678"));
  EXPECT_FALSE(Validator::IsValidE164("+1234567"));
  EXPECT_FALSE(Validator::IsValidE164("+1234567890123456"));
  EXPECT_FALSE(Validator::IsValidE164("34600000000"));
  EXPECT_FALSE(Validator::IsValidE164("+34 600 000 000"));
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"_phone_mobile", "600000000"}}),
            (json{{"_phone_mobile", {"Invalid format"}}}));
}

TEST_F(ValidatorTest, UserIdMustBeANonEmptyStringOfAtMost255Chars) {
  EXPECT_EQ(v_.ValidateContact({{"_email", "a@example.com"}}), (json{{"_user_id", {"Required"}}}));
  EXPECT_EQ(v_.ValidateContact({{"_user_id", ""}}), (json{{"_user_id", {"Required"}}}));
  EXPECT_EQ(v_.ValidateContact({{"_user_id", 42}}), (json{{"_user_id", {"Invalid type"}}}));
  EXPECT_EQ(v_.ValidateContact({{"_user_id", std::string(256, 'x')}}),
            (json{{"_user_id", {"Too long"}}}));
  EXPECT_EQ(v_.ValidateContact({{"_user_id", std::string(255, 'x')}}), json::object());
}

TEST_F(ValidatorTest, DateAndBoolAttributesFollowTheirTypes) {
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"signup_date", "2024-02-29"}}), json::object());
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"signup_date", "2023-02-29"}}),
            (json{{"signup_date", {"Invalid format"}}}));
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"signup_date", "2024-02-01T00:00:00Z"}}).size(),
            1u);
  for (json ok : {json(true), json(false), json("1"), json("0"), json(nullptr)}) {
    EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"vip", ok}}), json::object()) << ok;
  }
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"vip", "yes"}}),
            (json{{"vip", {"Invalid format"}}}));
}

TEST_F(ValidatorTest, UnknownReservedAttributeIsRejectedUnknownCustomAccepted) {
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"_nope", "x"}}),
            (json{{"_nope", {"Unknown attribute"}}}));
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"brand_new", "x"}}), json::object());
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"brand_new", {{"a", 1}}}}),
            (json{{"brand_new", {"Invalid type"}}}));
}

TEST_F(ValidatorTest, MultiValueAttributeAcceptsArraysUpToItsLimit) {
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"interests", {"a", "b"}}}), json::object());
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"interests", {"a", "b", "c", "d", "e", "f"}}}),
            (json{{"interests", {"Too many values"}}}));
  EXPECT_EQ(v_.ValidateContact({{"_user_id", "u"}, {"plan", {"a"}}}),
            (json{{"plan", {"Invalid type"}}}));
}

TEST_F(ValidatorTest, QuickstartPurchaseEventIsValid) {
  EXPECT_EQ(v_.ValidateEvent(Purchase()), json::object());
}

TEST_F(ValidatorTest, EventNeedsIdsAndAKnownType) {
  json e = Purchase();
  e.erase("_event_id");
  e["_event_type"] = "teleported";
  json errors = v_.ValidateEvent(e);
  EXPECT_EQ(errors["_event_id"], json({"Required"}));
  EXPECT_EQ(errors["_event_type"], json({"Unknown event type"}));
  EXPECT_EQ(v_.ValidateEvent(Purchase({{"_coupon", "x"}})), (json{{"_coupon", {"Unknown field"}}}));
}

TEST_F(ValidatorTest, EventDateNeedsAZoneOrOffset) {
  for (const char* ok : {"2026-03-01T12:00:00Z", "2026-03-01T12:00:00.123456Z",
                         "2026-03-01T12:00:00+02:00", "2026-03-01T12:00:00-0530"}) {
    EXPECT_EQ(v_.ValidateEvent(Purchase({{"_event_date", ok}})), json::object()) << ok;
  }
  for (json bad : {json("2026-03-01T12:00:00"), json("2026-03-01"), json(1767225600),
                   json("2026-13-01T12:00:00Z"), json("yesterday")}) {
    EXPECT_EQ(v_.ValidateEvent(Purchase({{"_event_date", bad}})),
              (json{{"_event_date", {"Invalid format"}}}))
        << bad;
  }
}

TEST_F(ValidatorTest, RequiredEventParametersMustBePresentAndNotNull) {
  json e = Purchase();
  e["_event_parameters"].erase("currency");
  e["_event_parameters"]["amount"] = nullptr;
  EXPECT_EQ(v_.ValidateEvent(e), (json{{"_event_parameters.amount", {"Required"}},
                                       {"_event_parameters.currency", {"Required"}}}));
  EXPECT_EQ(v_.ValidateEvent(Purchase({{"_event_parameters", "x"}})).count("_event_parameters"),
            1u);
}

TEST_F(ValidatorTest, InvalidUserDataMakesTheEventInvalid) {
  EXPECT_EQ(v_.ValidateEvent(Purchase({{"_user_data", {{"_email", "bad"}}}})),
            (json{{"_user_data._email", {"Invalid format"}}}));
  EXPECT_EQ(v_.ValidateEvent(Purchase({{"_user_data", "x"}})),
            (json{{"_user_data", {"Invalid type"}}}));
  EXPECT_EQ(v_.ValidateEvent(Purchase({{"_user_data", {{"_user_id", "other"}}}})).size(), 1u);
  EXPECT_EQ(v_.ValidateEvent(Purchase({{"_user_data", {{"_first_name", "Ada"}}}})), json::object());
}

}  // namespace
}  // namespace cdc::emulator
