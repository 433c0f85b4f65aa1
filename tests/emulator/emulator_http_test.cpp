// HTTP-level behaviour of the real `instasent-emulator` binary: faults, rate limits,
// queued upserts, dropped connections, the client response shape, URL-encoded ids.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/emulator/testing/emulator_process.h"
#include "tests/emulator/testing/http_client.h"

namespace cdc::emulator::testing {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

const std::string kBase = "/v1/project/proj_test/datasource/ds_test";

json Contact(const std::string& id) { return {{"_user_id", id}, {"_email", id + "@example.com"}}; }

std::string Batch(int n, const std::string& prefix) {
  json batch = json::array();
  for (int i = 0; i < n; ++i) batch.push_back(Contact(prefix + std::to_string(i)));
  return batch.dump();
}

// Throughput is only meaningful for an optimised build without sanitizers (the test
// binary is built with the same flags as the emulator).
bool MeasurableBuild() {
#if !defined(__OPTIMIZE__) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return false;
#else
  return true;
#endif
}

class EmulatorHttpTest : public ::testing::Test {
 protected:
  void Start(const std::vector<std::string>& args = {}) {
    emulator_ = std::make_unique<EmulatorProcess>(args);
    ASSERT_TRUE(emulator_->ok()) << emulator_->error();
    client_ = std::make_unique<HttpClient>(emulator_->BaseUrl());
    inspect_ = std::make_unique<HttpClient>(emulator_->BaseUrl(), "");
  }
  json Inspect(const std::string& path) {
    HttpResult r = inspect_->Get("/_emulator/" + path);
    EXPECT_EQ(r.status, 200) << path;
    return json::parse(r.body, nullptr, false);
  }
  void SetFaults(const json& faults) {
    HttpResult r = inspect_->Post("/_emulator/faults", faults.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // Polls `condition` until true or 5 s have passed.
  template <class F>
  bool Eventually(F condition) {
    const auto deadline = SteadyClock::now() + std::chrono::seconds(5);
    while (SteadyClock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // poll interval
    }
    return condition();
  }

  std::unique_ptr<EmulatorProcess> emulator_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<HttpClient> inspect_;
};

TEST_F(EmulatorHttpTest, SigtermExitsWithStatusZero) {
  ASSERT_NO_FATAL_FAILURE(Start());
  EXPECT_EQ(client_->Get(kBase + "/stream").status, 200);
  EXPECT_EQ(emulator_->Stop(), 0);
}

TEST_F(EmulatorHttpTest, FailRateOneAnswers5xxWithMessageAndAppliesNothing) {
  ASSERT_NO_FATAL_FAILURE(Start({"--fail-rate", "1"}));
  for (int i = 0; i < 10; ++i) {
    HttpResult r = client_->Post(kBase + "/stream/contacts", Batch(3, "f" + std::to_string(i)));
    EXPECT_TRUE(r.status == 500 || r.status == 502 || r.status == 503) << r.status;
    EXPECT_TRUE(json::parse(r.body, nullptr, false).contains("message")) << r.body;
  }
  EXPECT_EQ(client_->Request("DELETE", kBase + "/stream/contacts/x").status / 100, 5);
  EXPECT_EQ(Inspect("contacts")["count"], 0);
  json stats = Inspect("stats");
  EXPECT_EQ(stats["items"]["contacts_accepted"], 0);
  EXPECT_EQ(stats["items"]["contacts_deleted"], 0);
  // Reads are not ingest requests: never failed.
  EXPECT_EQ(client_->Get(kBase + "/stream").status, 200);
}

TEST_F(EmulatorHttpTest, BurstOf429CarriesRateLimitHeadersRetryAfterAndEmptyBody) {
  ASSERT_NO_FATAL_FAILURE(Start({"--burst-429-every", "2", "--burst-429-length", "1"}));
  std::vector<long> statuses;
  for (int i = 0; i < 6; ++i) {
    HttpResult r = client_->Post(kBase + "/stream/contacts", Batch(1, "b" + std::to_string(i)));
    statuses.push_back(r.status);
    ASSERT_TRUE(r.headers.count("x-ratelimit-limit"));
    ASSERT_TRUE(r.headers.count("x-ratelimit-remaining"));
    ASSERT_TRUE(r.headers.count("x-ratelimit-reset"));
    EXPECT_GT(std::stoll(r.headers["x-ratelimit-reset"]), 1700000000);
    if (r.status == 429) {
      EXPECT_EQ(r.body, "");
      EXPECT_EQ(r.headers["retry-after"], "1");
      EXPECT_EQ(r.headers["x-ratelimit-remaining"], "0");
    }
  }
  EXPECT_EQ(statuses, (std::vector<long>{202, 202, 429, 202, 202, 429}));
  EXPECT_EQ(Inspect("contacts")["count"], 4);
}

TEST_F(EmulatorHttpTest, RateLimitRejectsRequestsOverTheWindowPerEndpoint) {
  ASSERT_NO_FATAL_FAILURE(Start({"--rate-limit", "2"}));
  // A minute boundary between the requests would open a new window: then try again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    inspect_->Post("/_emulator/reset", "");
    HttpResult a = client_->Post(kBase + "/stream/contacts", Batch(1, "r"));
    HttpResult b = client_->Post(kBase + "/stream/contacts", Batch(1, "r"));
    HttpResult c = client_->Post(kBase + "/stream/contacts", Batch(1, "r"));
    HttpResult other = client_->Post(kBase + "/stream/events", "[]");
    if (a.headers["x-ratelimit-reset"] != c.headers["x-ratelimit-reset"]) continue;
    EXPECT_EQ(a.status, 202);
    EXPECT_EQ(a.headers["x-ratelimit-limit"], "2");
    EXPECT_EQ(a.headers["x-ratelimit-remaining"], "1");
    EXPECT_EQ(b.status, 202);
    EXPECT_EQ(b.headers["x-ratelimit-remaining"], "0");
    EXPECT_EQ(c.status, 429);
    EXPECT_EQ(c.body, "");
    const long retry = std::stol(c.headers["retry-after"]);
    EXPECT_GE(retry, 1);
    EXPECT_LE(retry, 60);
    EXPECT_EQ(other.status, 400);  // its own window: reaches validation
    EXPECT_EQ(Inspect("stats")["requests"]["by_status"]["429"], 1);
    return;
  }
  FAIL() << "three attempts crossed a minute boundary";
}

TEST_F(EmulatorHttpTest, QueuedContactUpsertAppliesLaterAndEventsMeanwhileAreSkipped) {
  ASSERT_NO_FATAL_FAILURE(Start({"--queue-contacts-ms", "400"}));
  HttpResult r = client_->Post(kBase + "/stream/contacts", json::array({Contact("q1")}).dump());
  ASSERT_EQ(r.status, 202);
  json event = json::array(
      {{{"_user_id", "q1"}, {"_event_id", "q1-e1"}, {"_event_type", "viewed_product"}}});
  HttpResult e = client_->Post(kBase + "/stream/events", event.dump());
  ASSERT_EQ(e.status, 202);
  EXPECT_EQ(json::parse(e.body)["entity"]["items"][0]["status"], "success");
  EXPECT_EQ(inspect_->Get("/_emulator/contacts/q1").status, 404);
  EXPECT_TRUE(Eventually([&] { return inspect_->Get("/_emulator/contacts/q1").status == 200; }));
  json stats = Inspect("stats")["items"];
  EXPECT_EQ(stats["events_skipped_missing_contact"], 1);
  EXPECT_EQ(stats["events_accepted"], 0);
}

TEST_F(EmulatorHttpTest, SyncContactUpsertAppliesAtOnceDespiteTheQueue) {
  ASSERT_NO_FATAL_FAILURE(Start());
  SetFaults({{"queue_contacts_ms", 60000}});
  ASSERT_EQ(
      client_->Post(kBase + "/stream/contacts?_sync", json::array({Contact("s1")}).dump()).status,
      202);
  ASSERT_EQ(
      client_->Post(kBase + "/stream/contacts?_sync=1", json::array({Contact("s2")}).dump()).status,
      202);
  ASSERT_EQ(client_->Post(kBase + "/stream/contacts", json::array({Contact("s3")}).dump()).status,
            202);
  json contacts = Inspect("contacts");
  EXPECT_EQ(contacts["count"], 2);
  EXPECT_EQ(contacts["contacts"][0]["_user_id"], "s1");
  EXPECT_EQ(contacts["contacts"][1]["_user_id"], "s2");
  json event = json::array(
      {{{"_user_id", "s1"}, {"_event_id", "s1-e1"}, {"_event_type", "viewed_product"}}});
  ASSERT_EQ(client_->Post(kBase + "/stream/events?_sync", event.dump()).status, 202);
  EXPECT_EQ(Inspect("events")["count"], 1);
}

TEST_F(EmulatorHttpTest, DropRateOneClosesTheConnectionWithoutAResponse) {
  ASSERT_NO_FATAL_FAILURE(Start({"--drop-rate", "1", "--seed", "3"}));
  for (int i = 0; i < 20; ++i) {
    HttpResult r = client_->Post(kBase + "/stream/contacts",
                                 json::array({Contact("d" + std::to_string(i))}).dump());
    EXPECT_EQ(r.code, CURLE_GOT_NOTHING) << curl_easy_strerror(r.code);
    EXPECT_EQ(r.status, 0);
  }
  json stats = Inspect("stats");
  EXPECT_EQ(stats["requests"]["by_status"]["dropped"], 20);
  // Half applied, half not: the client cannot know which.
  const int applied = Inspect("contacts")["count"].get<int>();
  EXPECT_GT(applied, 0);
  EXPECT_LT(applied, 20);
  EXPECT_EQ(stats["items"]["contacts_accepted"], applied);
}

TEST_F(EmulatorHttpTest, ClientShapeListsAcceptedItemsAndErrorsByPosition) {
  ASSERT_NO_FATAL_FAILURE(Start({"--response-shape", "client"}));
  json batch = json::array({Contact("c1"), {{"_user_id", "c2"}, {"_email", "bad"}}, Contact("c3")});
  HttpResult r = client_->Post(kBase + "/stream/contacts", batch.dump());
  ASSERT_EQ(r.status, 202);
  json body = json::parse(r.body);
  EXPECT_EQ(body["success"], false);
  EXPECT_EQ(body["entitiesSuccess"], 2);
  EXPECT_EQ(body["projectId"], "proj_test");
  EXPECT_EQ(body["datasourceId"], "ds_test");
  EXPECT_TRUE(body["streamId"].is_string());
  ASSERT_EQ(body["errors"].size(), 1u);
  EXPECT_EQ(body["errors"][0]["position"], 1);
  EXPECT_EQ(body["errors"][0]["errors"], (json{{"_email", {"Invalid format"}}}));
  ASSERT_EQ(body["accepted"].size(), 2u);
  EXPECT_EQ(body["accepted"][0]["position"], 0);
  EXPECT_EQ(body["accepted"][1]["item"], Contact("c3"));
  HttpResult one = client_->Post(kBase + "/stream/contacts", json::array({Contact("c4")}).dump());
  EXPECT_EQ(json::parse(one.body)["entitiesSuccess"], 1);
  EXPECT_EQ(json::parse(one.body)["success"], true);
  HttpResult none = client_->Post(kBase + "/stream/contacts", R"([{"_user_id":""}])");
  EXPECT_EQ(none.status, 422);
  EXPECT_EQ(json::parse(none.body)["entitiesSuccess"], 0);
}

TEST_F(EmulatorHttpTest, DeleteDecodesUrlEncodedUserIds) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string id = "a/b c+d@x.es";
  json contact = {{"_user_id", id}, {"_first_name", "Slash"}};
  ASSERT_EQ(client_->Post(kBase + "/stream/contacts", json::array({contact}).dump()).status, 202);
  EXPECT_EQ(inspect_->Get("/_emulator/contacts/a%2Fb%20c%2Bd%40x.es").status, 200);
  HttpResult r = client_->Request("DELETE", kBase + "/stream/contacts/a%2Fb%20c%2Bd%40x.es");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(Inspect("contacts")["count"], 0);
  json ops = Inspect("oplog")["ops"];
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[1]["op"], "delete");
  EXPECT_EQ(ops[1]["user_id"], id);
  // Unknown ids are deleted idempotently too.
  EXPECT_EQ(client_->Request("DELETE", kBase + "/stream/contacts/nobody").status, 204);
}

TEST_F(EmulatorHttpTest, LatencyDelaysApiResponsesButNotInspection) {
  ASSERT_NO_FATAL_FAILURE(Start({"--latency-ms", "800"}));
  auto t0 = SteadyClock::now();
  EXPECT_EQ(client_->Get(kBase + "/stream").status, 200);
  EXPECT_GE(SteadyClock::now() - t0, std::chrono::milliseconds(800));
  t0 = SteadyClock::now();
  Inspect("stats");
  EXPECT_LT(SteadyClock::now() - t0, std::chrono::milliseconds(800));
}

TEST_F(EmulatorHttpTest, StatsCountTheMostApiRequestsAnsweredAtOnce) {
  ASSERT_NO_FATAL_FAILURE(Start({"--latency-ms", "1000"}));
  EXPECT_EQ(client_->Get(kBase + "/stream").status, 200);
  EXPECT_EQ(Inspect("stats")["requests"]["in_flight_peak"], 1);
  // Three clients at once: each request is held for the 1 s of latency.
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 3; ++i) {
    clients.emplace_back([&] {
      if (HttpClient(emulator_->BaseUrl()).Get(kBase + "/stream").status == 200) ++answered;
    });
  }
  for (auto& c : clients) c.join();
  ASSERT_EQ(answered, 3);
  EXPECT_EQ(Inspect("stats")["requests"]["in_flight_peak"], 3);
  ASSERT_EQ(inspect_->Post("/_emulator/reset", "").status, 200);
  EXPECT_EQ(Inspect("stats")["requests"]["in_flight_peak"], 0);
}

TEST_F(EmulatorHttpTest, FaultsCanBeReadAndChangedAtRunTime) {
  ASSERT_NO_FATAL_FAILURE(Start({"--fail-rate", "0.25"}));
  json faults = Inspect("faults");
  EXPECT_EQ(faults["fail_rate"], 0.25);
  EXPECT_EQ(faults["response_shape"], "documented");
  SetFaults({{"fail_rate", 0}, {"response_shape", "client"}, {"rate_limit", 5}});
  faults = Inspect("faults");
  EXPECT_EQ(faults["fail_rate"], 0);
  EXPECT_EQ(faults["rate_limit"], 5);
  EXPECT_EQ(faults["response_shape"], "client");
  EXPECT_EQ(inspect_->Post("/_emulator/faults", R"({"nope":1})").status, 400);
  HttpResult r = client_->Post(kBase + "/stream/contacts", json::array({Contact("x")}).dump());
  EXPECT_EQ(json::parse(r.body)["entitiesSuccess"], 1);
  EXPECT_EQ(r.headers["x-ratelimit-limit"], "5");
}

TEST_F(EmulatorHttpTest, InspectionSelectsTheDatasourceByQuery) {
  ASSERT_NO_FATAL_FAILURE(Start({"--credential", "p1:d1:t1", "--credential", "p1:d2:t2"}));
  HttpClient d2(emulator_->BaseUrl(), "t2");
  ASSERT_EQ(
      d2.Post("/v1/project/p1/datasource/d2/stream/contacts", json::array({Contact("z")}).dump())
          .status,
      202);
  EXPECT_EQ(Inspect("contacts")["count"], 0);  // default: the first credential
  EXPECT_EQ(Inspect("contacts?project=p1&datasource=d2")["count"], 1);
  EXPECT_EQ(d2.Get("/v1/project/p1/datasource/d1/stream").status, 404);
}

TEST_F(EmulatorHttpTest, ResetClearsDataAndCountersButKeepsFaults) {
  ASSERT_NO_FATAL_FAILURE(Start({"--latency-ms", "1"}));
  client_->Post(kBase + "/stream/contacts", Batch(5, "r"));
  ASSERT_EQ(inspect_->Post("/_emulator/reset", "").status, 200);
  EXPECT_EQ(Inspect("contacts")["count"], 0);
  EXPECT_EQ(Inspect("stats")["requests"]["total"], 0);
  EXPECT_EQ(Inspect("faults")["latency_ms"], 1);
}

TEST_F(EmulatorHttpTest, SpecsRoutesServeTheSpecsFileAndCreatedAttributes) {
  const std::string path = ::testing::TempDir() + "/emulator_specs_test.json";
  json doc = {{"attributes",
               {{{"uid", "_user_id"}, {"dataType", "string"}},
                {{"uid", "_email"}, {"dataType", "string"}}}},
              {"events", {{{"uid", "signup"}, {"name", "Signup"}}}},
              {"event_parameters", {{"signup", {{{"parameter", "source"}, {"required", true}}}}}}};
  std::ofstream(path) << doc.dump();
  ASSERT_NO_FATAL_FAILURE(Start({"--specs", path}));
  json events = json::parse(client_->Get(kBase + "/stream/specs/events").body);
  ASSERT_EQ(events["specs"].size(), 1u);
  EXPECT_EQ(events["specs"][0]["uid"], "signup");
  json params = json::parse(client_->Get(kBase + "/stream/specs/event-parameters/signup").body);
  EXPECT_EQ(params["specs"][0]["parameter"], "source");
  EXPECT_EQ(client_->Get(kBase + "/stream/specs/event-parameters/purchase").status, 404);
  ASSERT_EQ(
      client_->Post(kBase + "/stream/contacts", R"([{"_user_id":"u","loyalty":"gold"}])").status,
      202);
  json attrs = json::parse(client_->Get(kBase + "/stream/specs/attributes").body)["specs"];
  ASSERT_EQ(attrs.size(), 3u);
  EXPECT_EQ(attrs[2]["uid"], "loyalty");
  EXPECT_EQ(attrs[2]["custom"], true);
  HttpResult missing = client_->Post(
      kBase + "/stream/events", R"([{"_user_id":"u","_event_id":"s1","_event_type":"signup"}])");
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(json::parse(missing.body)["entity"]["items"][0]["errors"],
            (json{{"_event_parameters.source", {"Required"}}}));
  EXPECT_EQ(Inspect("stats")["items"]["unknown_attributes"], 1);
}

TEST_F(EmulatorHttpTest, ContactReadAndStatsRoutesReflectTheStore) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_EQ(
      client_->Post(kBase + "/stream/contacts?_sync", json::array({Contact("u1")}).dump()).status,
      202);
  HttpResult r = client_->Get(kBase + "/stream/contacts/u1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["entity"], Contact("u1"));
  EXPECT_EQ(client_->Get(kBase + "/stream/contacts/u2").status, 404);
  json stats = json::parse(client_->Get(kBase + "/stats").body);
  EXPECT_EQ(stats["contacts"], 1);
  EXPECT_EQ(stats["events"], 0);
  EXPECT_EQ(stats["items"]["contacts_accepted"], 1);
  json stream = json::parse(client_->Get(kBase + "/stream").body);
  EXPECT_EQ(stream["stream"]["contacts"], 1);
  EXPECT_EQ(client_->Get(kBase + "/stream/nothing-here").status, 404);
  EXPECT_EQ(client_->Request("PUT", kBase + "/stream/contacts").status, 404);
}

TEST_F(EmulatorHttpTest, DryRunValidatesAndAnswersButStoresNothing) {
  ASSERT_NO_FATAL_FAILURE(Start());
  json batch = json::array({Contact("d1"), {{"_user_id", "d2"}, {"_email", "bad"}}});
  HttpResult r = client_->Post(kBase + "/stream/contacts?_sync&_dryRun", batch.dump());
  ASSERT_EQ(r.status, 202);
  EXPECT_EQ(json::parse(r.body)["entity"]["successful"], 1);
  EXPECT_EQ(json::parse(r.body)["entity"]["failed"], 1);
  EXPECT_EQ(Inspect("contacts")["count"], 0);
  EXPECT_EQ(Inspect("stats")["items"]["contacts_rejected"], 0);
  EXPECT_EQ(Inspect("stats")["requests"]["by_endpoint"]["contacts"], 1);
}

TEST_F(EmulatorHttpTest, EventsReportWindowDuplicatesAndUserDataOverHttp) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const auto now = std::chrono::system_clock::now();
  auto iso = [](std::chrono::system_clock::time_point t) {
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", std::gmtime(&secs));
    return std::string(buf);
  };
  json batch =
      json::array({{{"_user_id", "n1"},
                    {"_event_id", "now"},
                    {"_event_type", "viewed_product"},
                    {"_event_date", iso(now)},
                    {"_user_data", {{"_first_name", "Nia"}}}},
                   {{"_user_id", "n1"},
                    {"_event_id", "old"},
                    {"_event_type", "viewed_product"},
                    {"_event_date", iso(now - std::chrono::hours(2))}},
                   {{"_user_id", "n1"}, {"_event_id", "now"}, {"_event_type", "appointment"}},
                   {{"_user_id", "n2"},
                    {"_event_id", "bad-user-data"},
                    {"_event_type", "viewed_product"},
                    {"_user_data", {{"_email", "nope"}}}}});
  HttpResult r = client_->Post(kBase + "/stream/events", batch.dump());
  ASSERT_EQ(r.status, 202);
  json items = json::parse(r.body)["entity"]["items"];
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0]["status"], "success");
  EXPECT_EQ(items[1]["status"], "success");
  EXPECT_EQ(items[2]["status"], "success");  // a duplicate id still answers success
  EXPECT_EQ(items[3]["status"], "error");
  EXPECT_EQ(items[3]["errors"], (json{{"_user_data._email", {"Invalid format"}}}));
  EXPECT_EQ(items[3]["_event_id"], "bad-user-data");
  json stats = Inspect("stats")["items"];
  EXPECT_EQ(stats["events_accepted"], 2);
  EXPECT_EQ(stats["events_in_window"], 1);
  EXPECT_EQ(stats["events_outside_window"], 1);
  EXPECT_EQ(stats["events_duplicate"], 1);
  EXPECT_EQ(stats["events_conflicting"], 1);
  EXPECT_EQ(stats["events_rejected"], 1);
  EXPECT_EQ(inspect_->Get("/_emulator/contacts/n2").status, 404);
  json events = Inspect("events?user_id=n1")["events"];
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["_event_type"], "viewed_product");  // the first content is kept
  EXPECT_EQ(events[0]["in_window"], true);
  EXPECT_EQ(events[1]["in_window"], false);
  json contact = json::parse(inspect_->Get("/_emulator/contacts/n1").body);
  EXPECT_EQ(contact, (json{{"_user_id", "n1"}, {"_first_name", "Nia"}}));
}

TEST_F(EmulatorHttpTest, ConcurrentConnectionsLoseNoItems) {
  ASSERT_NO_FATAL_FAILURE(Start());
  constexpr int kThreads = 4;
  constexpr int kRequests = 100;
  std::vector<std::thread> threads;
  std::vector<int> accepted(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client(emulator_->BaseUrl());
      for (int i = 0; i < kRequests; ++i) {
        const std::string prefix = "t" + std::to_string(t) + "-" + std::to_string(i) + "-";
        if (client.Post(kBase + "/stream/contacts", Batch(10, prefix)).status == 202) {
          ++accepted[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(accepted[t], kRequests);
  EXPECT_EQ(Inspect("contacts")["count"], kThreads * kRequests * 10);
  json stats = Inspect("stats");
  EXPECT_EQ(stats["requests"]["total"], kThreads * kRequests);
  EXPECT_EQ(Inspect("oplog")["count"], kThreads * kRequests * 10);
}

// The requirement is 600 batches/s on loopback. Wall-clock rate on a loaded shared
// machine measures the neighbours too, so the assertion is on the server's own CPU
// time per request (its capacity on one core); the wall rate is printed.
TEST_F(EmulatorHttpTest, ServesSixHundredHundredItemBatchesPerSecondOnOneKeepAliveConnection) {
  if (!MeasurableBuild()) GTEST_SKIP() << "unoptimised or sanitized build";
  ASSERT_NO_FATAL_FAILURE(Start());
  constexpr int kRequests = 1500;
  std::vector<std::string> bodies;
  for (int i = 0; i < 10; ++i) bodies.push_back(Batch(100, "p" + std::to_string(i) + "-"));
  const double cpu0 = emulator_->CpuSeconds();
  const auto t0 = SteadyClock::now();
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_EQ(client_->Post(kBase + "/stream/contacts", bodies[i % 10]).status, 202);
  }
  const double wall = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  const double cpu = emulator_->CpuSeconds() - cpu0;
  const double capacity = kRequests / std::max(cpu, 0.01);
  std::printf(
      "emulator: %.0f requests/s wall, %.3f ms server CPU per request (%.0f requests/s "
      "per core), 100 contacts each, one keep-alive connection\n",
      kRequests / wall, 1000 * cpu / kRequests, capacity);
  EXPECT_EQ(client_->connects(), 1);
  EXPECT_GE(capacity, 600.0);
  EXPECT_EQ(Inspect("stats")["items"]["contacts_accepted"], kRequests * 100);
}

TEST_F(EmulatorHttpTest, ServesSixHundredHundredEventBatchesPerSecondOnOneKeepAliveConnection) {
  if (!MeasurableBuild()) GTEST_SKIP() << "unoptimised or sanitized build";
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_EQ(
      client_->Post(kBase + "/stream/contacts", json::array({Contact("buyer")}).dump()).status,
      202);
  constexpr int kRequests = 1000;
  std::vector<std::string> bodies;
  for (int r = 0; r < kRequests; ++r) {
    json batch = json::array();
    for (int i = 0; i < 100; ++i) {
      batch.push_back({{"_user_id", "buyer"},
                       {"_event_id", "o-" + std::to_string(r) + "-" + std::to_string(i)},
                       {"_event_type", "purchase"},
                       {"_event_date", "2026-03-01T12:00:00.000Z"},
                       {"_event_parameters", {{"amount", 10.5}, {"currency", "EUR"}}}});
    }
    bodies.push_back(batch.dump());
  }
  const double cpu0 = emulator_->CpuSeconds();
  const auto t0 = SteadyClock::now();
  for (const auto& body : bodies) {
    ASSERT_EQ(client_->Post(kBase + "/stream/events", body).status, 202);
  }
  const double wall = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  const double cpu = emulator_->CpuSeconds() - cpu0;
  const double capacity = kRequests / std::max(cpu, 0.01);
  std::printf(
      "emulator: %.0f event batches/s wall, %.3f ms server CPU per batch (%.0f/s per "
      "core), 100 events each\n",
      kRequests / wall, 1000 * cpu / kRequests, capacity);
  EXPECT_GE(capacity, 600.0);
  EXPECT_EQ(Inspect("stats")["items"]["events_accepted"], kRequests * 100);
}

}  // namespace
}  // namespace cdc::emulator::testing
