// Small parts of the emulator: ISO time, request targets, rate-limit windows,
// fault settings and decisions, credentials, specs documents, batch responses.
#include <gtest/gtest.h>

#include "tests/emulator/auth.h"
#include "tests/emulator/batch_response.h"
#include "tests/emulator/faults.h"
#include "tests/emulator/iso_time.h"
#include "tests/emulator/rate_limiter.h"
#include "tests/emulator/request_target.h"
#include "tests/emulator/specs.h"

namespace cdc::emulator {
namespace {

using nlohmann::json;

TEST(IsoTimeTest, OffsetsAreConvertedToUtc) {
  auto a = ParseIsoDateTime("2026-01-01T01:30:00+01:30");
  auto b = ParseIsoDateTime("2026-01-01T00:00:00Z");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(FormatIsoDateTime(*ParseIsoDateTime("2024-02-29T23:59:59.9999Z")),
            "2024-02-29T23:59:59.999Z");
  EXPECT_FALSE(ParseIsoDateTime("2026-01-01T00:00:00+1"));
  EXPECT_FALSE(ParseIsoDateTime("2026-01-01T24:00:00Z"));
}

TEST(BatchResponseTest, DocumentedShapeIsTheDumpOfTheDocumentedObject) {
  const json event = {{"_user_id", "u\"1"}, {"_event_id", "e1"}, {"_event_type", "purchase"}};
  const json no_id = {{"_event_id", 7}};
  std::vector<ItemResult> results = {{&event, json::object(), true},
                                     {&no_id, json{{"_user_id", {"required"}}}, true}};
  const HttpResponse r = BuildBatchResponse(results, ResponseShape::kDocumented, {"p", "d"});
  EXPECT_EQ(r.status, 202);
  const json expected = {{"entity",
                          {{"successful", 1},
                           {"failed", 1},
                           {"items",
                            {{{"status", "success"}, {"_user_id", "u\"1"}, {"_event_id", "e1"}},
                             {{"status", "error"},
                              {"_user_id", nullptr},
                              {"_event_id", 7},
                              {"errors", {{"_user_id", {"required"}}}}}}}}}};
  EXPECT_EQ(r.body, expected.dump());
  const json odd = {{"_user_id", "q\"\\\b\f\n\r\t\x01\x1f\x7f é/"}};
  std::vector<ItemResult> escaped = {{&odd, json::object(), false}};
  EXPECT_EQ(BuildBatchResponse(escaped, ResponseShape::kDocumented, {"p", "d"}).body,
            json({{"entity",
                   {{"successful", 1},
                    {"failed", 0},
                    {"items", {{{"status", "success"}, {"_user_id", odd["_user_id"]}}}}}}})
                .dump());
  const json contact = {{"_user_id", "c"}};
  std::vector<ItemResult> failed = {{&contact, json{{"_email", {"invalid"}}}, false}};
  const HttpResponse all_failed = BuildBatchResponse(failed, ResponseShape::kDocumented, {"p", "d"});
  EXPECT_EQ(all_failed.status, 422);
  EXPECT_EQ(
      all_failed.body,
      json({{"entity",
             {{"successful", 0},
              {"failed", 1},
              {"items", {{{"status", "error"}, {"_user_id", "c"}, {"errors", {{"_email", {"invalid"}}}}}}}}}})
          .dump());
}

TEST(RequestTargetTest, SegmentsArePercentDecodedOneByOne) {
  auto t = RequestTarget::Parse("/v1/x/a%2Fb%20c+d%40e?_sync&_dryRun=0&user_id=a+b%26");
  ASSERT_EQ(t.segments().size(), 3u);
  EXPECT_EQ(t.segments()[2], "a/b c+d@e");
  EXPECT_TRUE(t.Flag("_sync"));
  EXPECT_FALSE(t.Flag("_dryRun"));
  EXPECT_FALSE(t.Flag("absent"));
  EXPECT_EQ(t.Query("user_id"), "a b&");
}

TEST(RateLimiterTest, FixedWindowPerKeyResetsAtTheNextMinute) {
  ManualClock clock(*ParseIsoDateTime("2026-03-01T12:00:10Z"));
  RateLimiter limiter(clock);
  EXPECT_TRUE(limiter.Hit("ds/contacts", 2).allowed);
  auto second = limiter.Hit("ds/contacts", 2);
  EXPECT_TRUE(second.allowed);
  EXPECT_EQ(second.remaining, 0);
  auto third = limiter.Hit("ds/contacts", 2);
  EXPECT_FALSE(third.allowed);
  EXPECT_EQ(third.limit, 2);
  EXPECT_EQ(third.reset_epoch, std::chrono::duration_cast<std::chrono::seconds>(
                                   ParseIsoDateTime("2026-03-01T12:01:00Z")->time_since_epoch())
                                   .count());
  EXPECT_EQ(third.retry_after, 50);
  EXPECT_TRUE(limiter.Hit("ds/events", 2).allowed);
  clock.Advance(std::chrono::seconds(50));
  EXPECT_TRUE(limiter.Hit("ds/contacts", 2).allowed);
  EXPECT_EQ(limiter.Peek("ds/contacts", 0).limit, RateLimiter::kUnlimited);
}

TEST(FaultsTest, PatchChangesOnlyGivenKeysAndRejectsUnknownOnes) {
  FaultSettings s;
  auto p = s.Patched({{"fail_rate", 0.5}, {"response_shape", "client"}});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->fail_rate, 0.5);
  EXPECT_EQ(p->response_shape, ResponseShape::kClient);
  EXPECT_EQ(p->ToJson()["latency_ms"], 0);
  EXPECT_FALSE(s.Patched({{"fail_rate", 2}}));
  EXPECT_FALSE(s.Patched({{"latency_ms", -1}}));
  EXPECT_FALSE(s.Patched({{"no_such_fault", 1}}));
}

TEST(FaultsTest, BurstCycleLetsEveryNPassThenRejectsM) {
  FaultSettings s;
  s.burst_429_every = 3;
  s.burst_429_length = 2;
  FaultInjector f(s, 7);
  std::vector<bool> rejected;
  for (int i = 0; i < 10; ++i) rejected.push_back(f.DecideIngest().kind == FaultKind::kBurst429);
  EXPECT_EQ(rejected,
            (std::vector<bool>{false, false, false, true, true, false, false, false, true, true}));
}

TEST(FaultsTest, FailRateOneAlwaysFailsWithA5xx) {
  FaultSettings s;
  s.fail_rate = 1;
  FaultInjector f(s, 7);
  for (int i = 0; i < 50; ++i) {
    FaultDecision d = f.DecideIngest();
    ASSERT_EQ(d.kind, FaultKind::kFail);
    EXPECT_TRUE(d.status == 500 || d.status == 502 || d.status == 503);
  }
}

TEST(FaultsTest, LatencyStaysWithinJitterAndNeverNegative) {
  FaultSettings s;
  s.latency_ms = 5;
  s.latency_jitter_ms = 10;
  FaultInjector f(s, 7);
  for (int i = 0; i < 200; ++i) {
    auto ms = f.Latency().count();
    EXPECT_GE(ms, 0);
    EXPECT_LE(ms, 15);
  }
}

TEST(AuthTest, UnknownTokenIs401AndATokenOfAnotherDatasourceIs404) {
  Auth auth({{"p1", "d1", "t1"}, {"p1", "d2", "t2"}});
  DatasourceId ok{"p1", "d1"};
  EXPECT_EQ(auth.Check(ok, "Bearer t1"), AuthOutcome::kOk);
  DatasourceId other{"p1", "d2"};
  EXPECT_EQ(auth.Check(other, "Bearer t1"), AuthOutcome::kNotFound);
  DatasourceId unknown{"p1", "nope"};
  EXPECT_EQ(auth.Check(unknown, "Bearer t1"), AuthOutcome::kNotFound);
  EXPECT_EQ(auth.Check(ok, "Bearer wrong"), AuthOutcome::kUnauthorized);
  EXPECT_EQ(auth.Check(ok, ""), AuthOutcome::kUnauthorized);
  EXPECT_EQ(auth.Check(ok, "Basic t1"), AuthOutcome::kUnauthorized);
  EXPECT_EQ(auth.Check(ok, "bearer t1"), AuthOutcome::kOk);
  DatasourceId alias{"p1", "dsapi"};
  EXPECT_EQ(auth.Check(alias, "Bearer t1"), AuthOutcome::kOk);
  EXPECT_EQ(alias.datasource, "d1");
}

TEST(AuthTest, ProductTokenWritesEveryDatasourceOfItsProjectAndReadsTheProject) {
  Auth auth({{"p1", "d1", "t1"}, {"p1", "d2", "t2"}, {"p2", "d3", "t3"}}, {{"p1", "prod1"}});
  DatasourceId d1{"p1", "d1"};
  DatasourceId d2{"p1", "d2"};
  DatasourceId other_project{"p2", "d3"};
  DatasourceId missing{"p1", "nope"};
  EXPECT_EQ(auth.Check(d1, "Bearer prod1"), AuthOutcome::kOk);
  EXPECT_EQ(auth.Check(d2, "Bearer prod1"), AuthOutcome::kOk);
  EXPECT_EQ(auth.Check(other_project, "Bearer prod1"), AuthOutcome::kNotFound);
  EXPECT_EQ(auth.Check(missing, "Bearer prod1"), AuthOutcome::kNotFound);
  EXPECT_EQ(auth.CheckProject("p1", "Bearer prod1"), AuthOutcome::kOk);
  EXPECT_EQ(auth.CheckProject("p1", "Bearer t1"), AuthOutcome::kForbidden);  // no Product scope
  EXPECT_EQ(auth.CheckProject("p2", "Bearer prod1"), AuthOutcome::kNotFound);
  EXPECT_EQ(auth.CheckProject("p1", "Bearer nope"), AuthOutcome::kUnauthorized);
  EXPECT_EQ(auth.DatasourcesOf("p1"), (std::vector<std::string>{"d1", "d2"}));
  auto parsed = Auth::ParseProductToken("p1:tok:with:colons");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->project, "p1");
  EXPECT_EQ(parsed->token, "tok:with:colons");
  EXPECT_FALSE(Auth::ParseProductToken("notoken"));
}

TEST(AuthTest, CredentialIsProjectDatasourceToken) {
  auto c = Auth::ParseCredential("proj:ds:tok:with:colons");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->project, "proj");
  EXPECT_EQ(c->datasource, "ds");
  EXPECT_EQ(c->token, "tok:with:colons");
  EXPECT_FALSE(Auth::ParseCredential("proj:ds"));
  EXPECT_FALSE(Auth::ParseCredential("proj::tok"));
}

TEST(SpecsTest, DocumentDeclaresTypesAndParameters) {
  json doc = {{"attributes",
               {{{"uid", "_user_id"}, {"dataType", "string"}},
                {{"uid", "tier"}, {"dataType", "string"}, {"multivalue", 3}}}},
              {"events", {{{"uid", "signup"}}}},
              {"event_parameters", {{"signup", {{{"parameter", "source"}, {"required", true}}}}}}};
  auto specs = Specs::FromJson(doc);
  ASSERT_TRUE(specs);
  EXPECT_EQ(specs->FindAttribute("tier")->multivalue, 3);
  EXPECT_TRUE(specs->HasEventType("signup"));
  EXPECT_FALSE(specs->HasEventType("purchase"));
  ASSERT_NE(specs->EventParameters("signup"), nullptr);
  EXPECT_TRUE(specs->EventParameters("signup")->at(0).required);
  EXPECT_FALSE(Specs::FromJson({{"attributes", json::array()}}));
  auto defaults = Specs::Defaults();
  EXPECT_EQ(defaults.EventsJson().size(), 5u);
  EXPECT_NE(defaults.FindAttribute("_phone_mobile"), nullptr);
}

}  // namespace
}  // namespace cdc::emulator
