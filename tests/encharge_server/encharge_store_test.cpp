// The Encharge test server's rules, without sockets.
#include "tests/encharge_server/encharge_store.h"

#include <gtest/gtest.h>

namespace cdc::encharge_server {
namespace {

using nlohmann::json;

class EnchargeStoreTest : public ::testing::Test {
 protected:
  Reply Post(const json& body, const std::string& token = "t") {
    return store_.Handle("POST", "/v1/", token, body.dump());
  }
  json Get(const std::string& path) { return json::parse(store_.Handle("GET", path, "", "").body); }

  EnchargeStore store_{"t"};
};

TEST_F(EnchargeStoreTest, WrongOrMissingTokenIs401AndStoresNothing) {
  EXPECT_EQ(Post({{"name", "identify"}, {"user", {{"userId", "1"}}}}, "x").status, 401);
  EXPECT_EQ(Post({{"name", "identify"}, {"user", {{"userId", "1"}}}}, "").status, 401);
  EXPECT_TRUE(Get("/_test/people")["people"].empty());
}

TEST_F(EnchargeStoreTest, BodyWithoutNameOrIdentityIs400) {
  EXPECT_EQ(Post({{"user", {{"userId", "1"}}}}).status, 400);
  EXPECT_EQ(Post({{"name", "identify"}, {"user", {{"firstName", "A"}}}}).status, 400);
  EXPECT_EQ(Post({{"name", "x"}, {"user", {{"userId", "1"}}}, {"timestamp", "yesterday"}}).status, 400);
  EXPECT_EQ(store_.Handle("POST", "/v1/", "t", "[1]").status, 400);
}

TEST_F(EnchargeStoreTest, IdentifyMergesFieldsAndNullClears) {
  ASSERT_EQ(
      Post({{"name", "identify"}, {"user", {{"userId", "1"}, {"email", "a@x.io"}, {"plan", "free"}}}}).status,
      200);
  ASSERT_EQ(Post({{"name", "identify"}, {"user", {{"userId", "1"}, {"firstName", "A"}, {"email", nullptr}}}})
                .status,
            200);
  EXPECT_EQ(Get("/_test/people")["people"], json::parse(R"([{"userId":"1","plan":"free","firstName":"A"}])"));
}

TEST_F(EnchargeStoreTest, AliasRenamesThePersonKeepingItsFields) {
  ASSERT_EQ(Post({{"name", "identify"}, {"user", {{"userId", "1"}, {"plan", "pro"}}}}).status, 200);
  ASSERT_EQ(Post({{"type", "alias"}, {"previousUserId", "1"}, {"user", {{"userId", "9"}}}}).status, 200);
  EXPECT_EQ(Get("/_test/people")["people"], json::parse(R"([{"userId":"9","plan":"pro"}])"));
  EXPECT_EQ(Post({{"type", "alias"}, {"user", {{"userId", "9"}}}}).status, 400);
}

TEST_F(EnchargeStoreTest, EventIsStoredWithItsIdentityAndProperties) {
  ASSERT_EQ(Post({{"name", "purchase"},
                  {"user", {{"userId", "1"}}},
                  {"properties", {{"amount", 5}}},
                  {"timestamp", "2026-01-02T03:04:05.000Z"}})
                .status,
            200);
  EXPECT_EQ(Get("/_test/events")["events"],
            json::parse(R"([{"name":"purchase","user":{"userId":"1"},"properties":{"amount":5},
                             "timestamp":"2026-01-02T03:04:05.000Z"}])"));
}

TEST_F(EnchargeStoreTest, FaultAnswers503WithoutApplyingThenRecovers) {
  ASSERT_EQ(store_.Handle("POST", "/_test/faults", "", R"({"fail_next":2})").status, 200);
  const json body = {{"name", "identify"}, {"user", {{"userId", "1"}}}};
  EXPECT_EQ(Post(body).status, 503);
  EXPECT_EQ(Post(body).status, 503);
  EXPECT_TRUE(Get("/_test/people")["people"].empty());
  EXPECT_EQ(Post(body).status, 200);
  EXPECT_EQ(Get("/_test/stats")["by_status"], json::parse(R"({"200":1,"503":2})"));
}

}  // namespace
}  // namespace cdc::encharge_server
