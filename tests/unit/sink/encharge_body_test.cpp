// Record (Instasent-shaped item) → Encharge Ingest API bodies.
#include "sink/encharge/encharge_body.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cdc::sink {
namespace {

using nlohmann::json;

core::Record Upsert(const std::string& uid, const std::string& item) {
  core::Record r;
  r.kind = core::RecordKind::kContactUpsert;
  r.user_id = uid;
  r.json = item;
  return r;
}

std::vector<json> Bodies(const core::Record& record, const EnchargeBodyOptions& options = {}) {
  auto bodies = EnchargeBodies(record, options);
  EXPECT_TRUE(bodies.has_value()) << (bodies ? "" : bodies.error().message);
  std::vector<json> out;
  if (bodies) {
    for (const auto& b : *bodies) out.push_back(json::parse(b));
  }
  return out;
}

TEST(EnchargeBodyTest, ReservedNamesMapToEnchargeFieldsOthersKeepTheirNames) {
  EXPECT_EQ(EnchargeFieldName("_email"), "email");
  EXPECT_EQ(EnchargeFieldName("_first_name"), "firstName");
  EXPECT_EQ(EnchargeFieldName("_last_name"), "lastName");
  EXPECT_EQ(EnchargeFieldName("_phone_mobile"), "phone");
  EXPECT_EQ(EnchargeFieldName("_country"), "country");
  EXPECT_EQ(EnchargeFieldName("plan"), "plan");
  EXPECT_EQ(EnchargeFieldName("_gender"), "_gender");
}

TEST(EnchargeBodyTest, ContactUpsertBecomesIdentifyWithCustomFieldsAndNulls) {
  auto bodies = Bodies(
      Upsert("42", R"({"_user_id":"42","_email":"a@b.io","_first_name":"Ana","_phone_mobile":"+34600000000",
               "plan":"pro","score":12.5,"vip":true,"notes":null})"));
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0],
            json::parse(R"({"name":"identify","user":{"userId":"42","email":"a@b.io","firstName":"Ana",
      "phone":"+34600000000","plan":"pro","score":12.5,"vip":true,"notes":null}})"));
}

TEST(EnchargeBodyTest, UserIdChangeSendsAliasBeforeIdentify) {
  core::Record r = Upsert("new-7", R"({"_user_id":"new-7","plan":"pro"})");
  r.previous_user_id = "old-7";
  auto bodies = Bodies(r);
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[0], json::parse(R"({"type":"alias","previousUserId":"old-7","user":{"userId":"new-7"}})"));
  EXPECT_EQ(bodies[1], json::parse(R"({"name":"identify","user":{"userId":"new-7","plan":"pro"}})"));
}

TEST(EnchargeBodyTest, EventCarriesTypeUserPropertiesEventIdAndTimestamp) {
  core::Record r;
  r.kind = core::RecordKind::kEvent;
  r.user_id = "42";
  r.event_id = "order-9";
  r.json = R"({"_user_id":"42","_event_id":"order-9","_event_type":"purchase",
               "_event_date":"2026-03-01T10:00:00.000Z","_event_parameters":{"amount":49.5,"currency":"EUR"},
               "_user_data":{"_email":"a@b.io"}})";
  auto bodies = Bodies(r);
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0], json::parse(R"({"name":"purchase","user":{"userId":"42","email":"a@b.io"},
      "properties":{"amount":49.5,"currency":"EUR","eventId":"order-9"},"timestamp":"2026-03-01T10:00:00.000Z"})"));
}

TEST(EnchargeBodyTest, EventWithoutDateHasNoTimestamp) {
  core::Record r;
  r.kind = core::RecordKind::kEvent;
  r.user_id = "1";
  r.json = R"({"_user_id":"1","_event_id":"e","_event_type":"login","_event_parameters":{}})";
  r.event_id = "e";
  auto bodies = Bodies(r);
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_FALSE(bodies[0].contains("timestamp"));
  EXPECT_EQ(bodies[0]["properties"], json::parse(R"({"eventId":"e"})"));
}

TEST(EnchargeBodyTest, ContactDeleteIsSkippedUnlessADeleteEventIsConfigured) {
  core::Record r;
  r.kind = core::RecordKind::kContactDelete;
  r.user_id = "42";
  EXPECT_TRUE(Bodies(r).empty());
  auto bodies = Bodies(r, {"contact_deleted"});
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0], json::parse(R"({"name":"contact_deleted","user":{"userId":"42"}})"));
}

TEST(EnchargeBodyTest, DeleteHalfOfAUserIdChangeIsNeverSent) {
  core::Record r;
  r.kind = core::RecordKind::kContactDelete;
  r.user_id = "old";
  r.renamed = true;
  EXPECT_TRUE(Bodies(r, {"contact_deleted"}).empty());
}

TEST(EnchargeBodyTest, AnEnchargeBodyFromTheDeadLetterStoreIsSentAsItIs) {
  const std::string body = R"({"name":"identify","user":{"userId":"1","plan":"x"}})";
  auto bodies = EnchargeBodies(Upsert("1", body), {});
  ASSERT_TRUE(bodies.has_value());
  ASSERT_EQ(bodies->size(), 1u);
  EXPECT_EQ((*bodies)[0], body);
}

TEST(EnchargeBodyTest, ItemThatIsNotAnObjectIsBadData) {
  auto bodies = EnchargeBodies(Upsert("1", "[1,2]"), {});
  ASSERT_FALSE(bodies.has_value());
  EXPECT_EQ(bodies.error().kind, core::ErrorKind::kBadData);
}

}  // namespace
}  // namespace cdc::sink
