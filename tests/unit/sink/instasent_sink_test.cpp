// The Instasent sink against the real emulator binary: outcomes per status,
// 400 splitting, 429 pauses, fatal credentials, contact_sync, back-pressure.
#include "sink/instasent/instasent_sink.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "sink/ordering_lanes.h"
#include "tests/unit/sink/emulator_process.h"
#include "tests/unit/sink/sink_test_support.h"

namespace cdc::sink {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::EmulatorProcess;
using testing::MemoryDeadLetterStore;
using testing::RecordingAckListener;

InstasentSinkOptions OptionsFor(const EmulatorProcess& emulator) {
  InstasentSinkOptions o;
  o.name = "api";
  o.pipeline = "test";
  o.url = emulator.url();
  o.project = "proj_test";
  o.datasource = "ds_test";
  o.token = "test-token";
  o.batch_size = 100;
  o.linger_ms = 20;
  o.max_in_flight = 2;
  o.timeout_ms = 5000;
  o.retry.base = milliseconds(10);
  o.retry.max = milliseconds(200);
  return o;
}

core::Record Contact(const std::string& user, const std::string& json, uint64_t ticket) {
  core::Record r;
  r.kind = core::RecordKind::kContactUpsert;
  r.user_id = user;
  r.json = json;
  r.ticket = ticket;
  r.table = "public.customers";
  return r;
}

core::Record Event(const std::string& user, const std::string& id, uint64_t ticket,
                   const std::string& type = "purchase") {
  core::Record r;
  r.kind = core::RecordKind::kEvent;
  r.user_id = user;
  r.event_id = id;
  r.json = json{{"_user_id", user},
                {"_event_id", id},
                {"_event_type", type},
                {"_event_parameters", {{"amount", 10}, {"currency", "EUR"}}}}
               .dump();
  r.ticket = ticket;
  return r;
}

core::Record Delete(const std::string& user, uint64_t ticket) {
  core::Record r;
  r.kind = core::RecordKind::kContactDelete;
  r.user_id = user;
  r.ticket = ticket;
  return r;
}

std::string ContactJson(const std::string& user, const std::string& email) {
  return json{{"_user_id", user}, {"_email", email}}.dump();
}

int StatusCount(const json& stats, const std::string& status) {
  return stats["requests"]["by_status"].value(status, 0);
}

struct Harness {
  RecordingAckListener acks;
  MemoryDeadLetterStore dead;
  core::Metrics metrics;
  std::unique_ptr<core::Sink> sink;

  explicit Harness(const InstasentSinkOptions& options)
      : sink(MakeInstasentSink(options, acks, dead, metrics)) {}
  ~Harness() { sink->Stop(); }
};

TEST(InstasentSinkTest, AcceptedRecordsAreAckedAndApplied) {
  EmulatorProcess emulator({});
  ASSERT_TRUE(emulator.ok());
  Harness h(OptionsFor(emulator));
  ASSERT_TRUE(h.sink->Start());
  ASSERT_TRUE(h.sink->Submit(Contact("a/1 b", ContactJson("a/1 b", "a@example.com"), 1)));
  ASSERT_TRUE(h.sink->Submit(Contact("c", ContactJson("c", "c@example.com"), 2)));
  ASSERT_TRUE(h.sink->Submit(Event("c", "ev-1", 3)));
  ASSERT_TRUE(h.sink->Submit(Delete("a/1 b", 4)));
  ASSERT_TRUE(h.sink->Drain(seconds(20)));

  EXPECT_EQ(h.acks.acks(), (std::map<uint64_t, int>{{1, 1}, {2, 1}, {3, 1}, {4, 1}}));
  EXPECT_TRUE(h.dead.letters().empty());
  const json contacts = emulator.Inspect("/_emulator/contacts");
  ASSERT_EQ(contacts["count"], 1);
  EXPECT_EQ(contacts["contacts"][0], json::parse(ContactJson("c", "c@example.com")));
  const json events = emulator.Inspect("/_emulator/events");
  ASSERT_EQ(events["count"], 1);
  EXPECT_EQ(events["events"][0]["_event_id"], "ev-1");
  // The delete reached the URL-decoded user id.
  const json oplog = emulator.Inspect("/_emulator/oplog?user_id=a%2F1%20b");
  ASSERT_EQ(oplog["count"], 2);
  EXPECT_EQ(oplog["ops"][1]["op"], "delete");
  EXPECT_EQ(h.metrics.Sum("instasent_cdc_sink_records_total", {{"outcome", "accepted"}}), 4);
  EXPECT_EQ(h.metrics.Sum("instasent_cdc_sink_buffered_records"), 0);
}

TEST(InstasentSinkTest, RejectedItemsAreDeadLetteredWithTheApiErrors) {
  EmulatorProcess emulator({});
  ASSERT_TRUE(emulator.ok());
  InstasentSinkOptions options = OptionsFor(emulator);
  options.max_in_flight = 1;
  options.linger_ms = 5000;  // one batch, sent by Drain
  Harness h(options);
  ASSERT_TRUE(h.sink->Start());
  ASSERT_TRUE(h.sink->Submit(Contact("u1", ContactJson("u1", "u1@example.com"), 1)));
  ASSERT_TRUE(h.sink->Submit(Contact("u2", ContactJson("u2", "not-an-email"), 2)));
  ASSERT_TRUE(h.sink->Submit(Contact("u3", ContactJson("u3", "u3@example.com"), 3)));
  ASSERT_TRUE(h.sink->Drain(seconds(20)));
  // Every item of the next batch fails: 422.
  ASSERT_TRUE(h.sink->Submit(Event("u1", "ev-bad", 4, "no_such_type")));
  ASSERT_TRUE(h.sink->Drain(seconds(20)));
  // A delete without a user id is never sent.
  ASSERT_TRUE(h.sink->Submit(Delete("", 5)));
  ASSERT_TRUE(h.sink->Drain(seconds(20)));

  EXPECT_EQ(h.acks.distinct(), 5u);
  const auto letters = h.dead.letters();
  ASSERT_EQ(letters.size(), 3u);
  EXPECT_EQ(letters[2].kind, "contact_delete");
  EXPECT_EQ(letters[2].reason, "contact delete without a _user_id");
  EXPECT_EQ(letters[2].payload, R"({"_user_id":""})");
  EXPECT_EQ(letters[0].user_id, "u2");
  EXPECT_EQ(letters[0].kind, "contact_upsert");
  EXPECT_EQ(letters[0].destination, "api");
  EXPECT_EQ(letters[0].pipeline, "test");
  EXPECT_EQ(letters[0].table, "public.customers");
  EXPECT_EQ(json::parse(letters[0].reason), json::parse(R"({"_email":["Invalid format"]})"));
  EXPECT_EQ(json::parse(letters[0].payload)["_email"], "not-an-email");
  EXPECT_EQ(letters[1].kind, "event");
  EXPECT_NE(letters[1].reason.find("_event_type"), std::string::npos) << letters[1].reason;
  const json stats = emulator.Inspect("/_emulator/stats");
  EXPECT_EQ(StatusCount(stats, "202"), 1);
  EXPECT_EQ(StatusCount(stats, "422"), 1);
  EXPECT_EQ(emulator.Inspect("/_emulator/contacts")["count"], 2);
  // Refused by the API (an item of a 202, the 422) vs never sent (the delete without an id).
  EXPECT_EQ(h.metrics.Sum("instasent_cdc_sink_records_total", {{"outcome", "rejected"}}), 2);
  EXPECT_EQ(h.metrics.Sum("instasent_cdc_sink_records_total", {{"outcome", "dead_lettered"}}), 1);
  EXPECT_EQ(h.metrics.Sum("instasent_cdc_sink_records_total", {{"outcome", "accepted"}}), 2);
  EXPECT_EQ(h.metrics.Sum("instasent_cdc_sink_batches_total"), 3);
}

TEST(InstasentSinkTest, ClientResponseShapeIsUnderstood) {
  EmulatorProcess emulator({"--response-shape", "client"});
  ASSERT_TRUE(emulator.ok());
  InstasentSinkOptions options = OptionsFor(emulator);
  options.max_in_flight = 1;
  options.linger_ms = 5000;
  Harness h(options);
  ASSERT_TRUE(h.sink->Start());
  ASSERT_TRUE(h.sink->Submit(Contact("u1", ContactJson("u1", "bad"), 1)));
  ASSERT_TRUE(h.sink->Submit(Contact("u2", ContactJson("u2", "u2@example.com"), 2)));
  ASSERT_TRUE(h.sink->Drain(seconds(20)));
  EXPECT_EQ(h.acks.distinct(), 2u);
  const auto letters = h.dead.letters();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].user_id, "u1");
  EXPECT_NE(letters[0].reason.find("Invalid format"), std::string::npos) << letters[0].reason;
}

TEST(InstasentSinkTest, BadRequestIsSplitUntilTheOffendingItemIsAlone) {
  EmulatorProcess emulator({});
  ASSERT_TRUE(emulator.ok());
  InstasentSinkOptions options = OptionsFor(emulator);
  options.max_in_flight = 1;
  options.linger_ms = 5000;
  Harness h(options);
  ASSERT_TRUE(h.sink->Start());
  for (uint64_t i = 0; i < 8; ++i) {
    const std::string user = "u" + std::to_string(i);
    // An item that is not an object makes the API refuse the whole request.
    const std::string item = i == 5 ? "\"not an object\"" : ContactJson(user, user + "@example.com");
    ASSERT_TRUE(h.sink->Submit(Contact(user, item, i)));
  }
  ASSERT_TRUE(h.sink->Drain(seconds(20)));

  EXPECT_EQ(h.acks.distinct(), 8u);
  const auto letters = h.dead.letters();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].user_id, "u5");
  EXPECT_EQ(letters[0].payload, "\"not an object\"");
  EXPECT_EQ(letters[0].reason.rfind("HTTP 400: ", 0), 0u) << letters[0].reason;
  const json stats = emulator.Inspect("/_emulator/stats");
  // [0..7] → 400; [0..3] ok; [4..7] → 400; [4,5] → 400; [4] ok; [5] → 400; [6,7] ok.
  EXPECT_EQ(StatusCount(stats, "400"), 4);
  EXPECT_EQ(StatusCount(stats, "202"), 3);
  const json contacts = emulator.Inspect("/_emulator/contacts");
  ASSERT_EQ(contacts["count"], 7);
  // Order kept: every contact applied in submission order.
  const json oplog = emulator.Inspect("/_emulator/oplog");
  std::vector<std::string> users;
  for (const auto& op : oplog["ops"]) users.push_back(op["user_id"]);
  EXPECT_EQ(users, (std::vector<std::string>{"u0", "u1", "u2", "u3", "u4", "u6", "u7"}));
}

TEST(InstasentSinkTest, WrongTokenIsAStickyConfigErrorAndNothingIsAcked) {
  EmulatorProcess emulator({});
  ASSERT_TRUE(emulator.ok());
  InstasentSinkOptions options = OptionsFor(emulator);
  options.token = "wrong-token";
  Harness h(options);
  auto started = h.sink->Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(started.error().message.find("401"), std::string::npos);
  EXPECT_EQ(started.error().message.find("wrong-token"), std::string::npos);
  ASSERT_TRUE(h.sink->Failure().has_value());
  EXPECT_EQ(h.sink->Failure()->kind, core::ErrorKind::kConfig);
  auto submitted = h.sink->Submit(Contact("u1", ContactJson("u1", "u1@example.com"), 1));
  ASSERT_FALSE(submitted);
  EXPECT_EQ(submitted.error().kind, core::ErrorKind::kConfig);
  EXPECT_EQ(h.sink->Pending(), 0u);  // refused, so not pending either
  EXPECT_EQ(h.acks.distinct(), 0u);
  EXPECT_EQ(emulator.Inspect("/_emulator/contacts")["count"], 0);
}

TEST(InstasentSinkTest, UnknownDatasourceIsAConfigError) {
  EmulatorProcess emulator({});
  ASSERT_TRUE(emulator.ok());
  InstasentSinkOptions options = OptionsFor(emulator);
  options.datasource = "ds_other";
  Harness h(options);
  auto started = h.sink->Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(started.error().message.find("404"), std::string::npos);
}

TEST(InstasentSinkTest, RateLimitBurstPausesForRetryAfterBeforeRetrying) {
  // Every second ingest request is answered 429 with Retry-After: 1.
  EmulatorProcess emulator({"--burst-429-every", "1", "--burst-429-length", "1"});
  ASSERT_TRUE(emulator.ok());
  InstasentSinkOptions options = OptionsFor(emulator);
  options.max_in_flight = 1;
  options.batch_size = 1;
  options.linger_ms = 0;
  Harness h(options);
  ASSERT_TRUE(h.sink->Start());
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < 3; ++i) {
    const std::string user = "u" + std::to_string(i);
    ASSERT_TRUE(h.sink->Submit(Contact(user, ContactJson(user, user + "@example.com"), i)));
  }
  ASSERT_TRUE(h.sink->Drain(seconds(30)));
  const auto elapsed = std::chrono::steady_clock::now() - start;

  EXPECT_EQ(h.acks.distinct(), 3u);
  const json stats = emulator.Inspect("/_emulator/stats");
  // Requests 2 and 4 got 429; each retry waited the second it was told to.
  EXPECT_EQ(StatusCount(stats, "429"), 2);
  EXPECT_EQ(StatusCount(stats, "202"), 3);
  EXPECT_GE(elapsed, milliseconds(2000));
  EXPECT_EQ(h.metrics.Sum("instasent_cdc_sink_rate_limited_total"), 2);
  EXPECT_EQ(emulator.Inspect("/_emulator/contacts")["count"], 3);
}

// Three users on three lanes send at once into a window of two requests: the
// answer that uses the window up pauses the endpoint, the one request over it
// gets a 429, and nothing is sent again before the window resets.
TEST(InstasentSinkTest, RateLimitWindowIsWaitedOutNotHammered) {
  EmulatorProcess emulator({"--rate-limit", "2"});
  ASSERT_TRUE(emulator.ok());
  // Start early enough in a minute that the three requests share a window
  // (waiting for a wall-clock minute, not for another thread).
  const int64_t now_s =
      std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (now_s % 60 > 50) {
    std::this_thread::sleep_until(std::chrono::system_clock::time_point(seconds(now_s / 60 * 60 + 60)));
  }
  InstasentSinkOptions options = OptionsFor(emulator);
  options.max_in_flight = 3;
  options.batch_size = 1;
  options.linger_ms = 10000;  // all three leave together at Flush
  Harness h(options);
  ASSERT_TRUE(h.sink->Start());
  const int64_t window_end =
      (std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch()).count() / 60 +
       1) *
      60;
  OrderingLanes lanes(3, 1);
  std::map<size_t, std::string> user_of_lane;
  for (int i = 0; user_of_lane.size() < 3; ++i) {
    const std::string user = "u" + std::to_string(i);
    user_of_lane.emplace(lanes.LaneOf(user), user);
  }
  uint64_t ticket = 0;
  for (const auto& [lane, user] : user_of_lane) {
    ASSERT_TRUE(h.sink->Submit(Contact(user, ContactJson(user, user + "@example.com"), ++ticket)));
  }
  h.sink->Flush();
  ASSERT_TRUE(h.acks.WaitFor(2, seconds(10)));
  EXPECT_EQ(h.acks.distinct(), 2u);  // the third waits for the next window
  ASSERT_TRUE(h.sink->Drain(seconds(90)));
  const int64_t done_at =
      std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GE(done_at, window_end);
  const json stats = emulator.Inspect("/_emulator/stats");
  EXPECT_EQ(StatusCount(stats, "429"), 1);  // nothing sent again before the reset
  EXPECT_EQ(StatusCount(stats, "202"), 3);
  EXPECT_EQ(h.metrics.Sum("instasent_cdc_sink_rate_limited_total"), 1);
}

TEST(InstasentSinkTest, ContactSyncAutoKeepsAnEventBehindAQueuedContact) {
  for (ContactSync mode : {ContactSync::kAuto, ContactSync::kNever}) {
    EmulatorProcess emulator({"--queue-contacts-ms", "3000"});
    ASSERT_TRUE(emulator.ok());
    InstasentSinkOptions options = OptionsFor(emulator);
    options.max_in_flight = 1;
    options.linger_ms = 5000;
    options.contact_sync = mode;
    Harness h(options);
    ASSERT_TRUE(h.sink->Start());
    ASSERT_TRUE(h.sink->Submit(Contact("u1", ContactJson("u1", "u1@example.com"), 1)));
    ASSERT_TRUE(h.sink->Submit(Event("u1", "ev-1", 2)));
    ASSERT_TRUE(h.sink->Drain(seconds(20)));
    const json items = emulator.Inspect("/_emulator/stats")["items"];
    if (mode == ContactSync::kAuto) {
      EXPECT_EQ(items["events_accepted"], 1) << items.dump();
      EXPECT_EQ(emulator.Inspect("/_emulator/events")["count"], 1);
    } else {
      // Without ?_sync the contact is still queued when the event arrives.
      EXPECT_EQ(items["events_skipped_missing_contact"], 1) << items.dump();
    }
  }
}

TEST(InstasentSinkTest, QueuedUpsertsOfOneUserGoAsOneItemAndAckEveryTicket) {
  EmulatorProcess emulator({});
  ASSERT_TRUE(emulator.ok());
  InstasentSinkOptions options = OptionsFor(emulator);
  options.max_in_flight = 1;
  options.linger_ms = 10000;  // everything is queued when Flush sends it
  Harness h(options);
  ASSERT_TRUE(h.sink->Start());
  ASSERT_TRUE(h.sink->Submit(Contact("a", json{{"_user_id", "a"}, {"_email", "a@x.es"}, {"plan", "free"}}.dump(), 1)));
  ASSERT_TRUE(h.sink->Submit(Contact("b", ContactJson("b", "b@x.es"), 2)));
  ASSERT_TRUE(h.sink->Submit(Contact("a", json{{"_user_id", "a"}, {"plan", "pro"}}.dump(), 3)));
  ASSERT_TRUE(h.sink->Submit(Event("b", "ev-1", 4)));
  ASSERT_TRUE(h.sink->Submit(Contact("a", json{{"_user_id", "a"}, {"_email", "new@x.es"}}.dump(), 5)));
  EXPECT_EQ(h.sink->Pending(), 5u);
  h.sink->Flush();
  ASSERT_TRUE(h.sink->Drain(seconds(20)));

  EXPECT_EQ(h.acks.acks(), (std::map<uint64_t, int>{{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}}));
  EXPECT_EQ(h.metrics.Sum("instasent_cdc_sink_records_total", {{"outcome", "accepted"}}), 5);
  const json oplog = emulator.Inspect("/_emulator/oplog?user_id=a");
  EXPECT_EQ(oplog["count"], 1) << oplog.dump();  // one upsert instead of three
  const json stats = emulator.Inspect("/_emulator/stats");
  EXPECT_EQ(StatusCount(stats, "202") + StatusCount(stats, "200"), 3) << stats.dump();  // probe, contacts, events
  const json contacts = emulator.Inspect("/_emulator/contacts");
  ASSERT_EQ(contacts["count"], 2);
  for (const json& contact : contacts["contacts"]) {
    if (contact["_user_id"] == "a") {
      EXPECT_EQ(contact, (json{{"_user_id", "a"}, {"_email", "new@x.es"}, {"plan", "pro"}}));
    }
  }
}

TEST(InstasentSinkTest, RejectedMergedUpsertIsResentOneByOneAndOnlyTheBadOneDeadLettered) {
  EmulatorProcess emulator({});
  ASSERT_TRUE(emulator.ok());
  InstasentSinkOptions options = OptionsFor(emulator);
  options.max_in_flight = 1;
  options.linger_ms = 10000;
  Harness h(options);
  ASSERT_TRUE(h.sink->Start());
  ASSERT_TRUE(h.sink->Submit(Contact("a", json{{"_user_id", "a"}, {"plan", "free"}}.dump(), 1)));
  const std::string bad = json{{"_user_id", "a"}, {"_email", "not-an-email"}}.dump();
  ASSERT_TRUE(h.sink->Submit(Contact("a", bad, 2)));
  ASSERT_TRUE(h.sink->Submit(Contact("a", json{{"_user_id", "a"}, {"city", "Bilbao"}}.dump(), 3)));
  h.sink->Flush();
  ASSERT_TRUE(h.sink->Drain(seconds(20)));

  EXPECT_EQ(h.acks.acks(), (std::map<uint64_t, int>{{1, 1}, {2, 1}, {3, 1}}));
  ASSERT_EQ(h.dead.letters().size(), 1u);
  EXPECT_EQ(h.dead.letters()[0].payload, bad);
  EXPECT_EQ(h.metrics.Sum("instasent_cdc_sink_records_total", {{"outcome", "accepted"}}), 2);
  EXPECT_EQ(h.metrics.Sum("instasent_cdc_sink_records_total", {{"outcome", "rejected"}}), 1);
  const json contacts = emulator.Inspect("/_emulator/contacts");
  ASSERT_EQ(contacts["count"], 1);
  EXPECT_EQ(contacts["contacts"][0], (json{{"_user_id", "a"}, {"plan", "free"}, {"city", "Bilbao"}}));
}

TEST(InstasentSinkTest, DeletesOfDistinctUsersGoSideBySideAndLaterRecordsWaitForThem) {
  EmulatorProcess emulator({"--latency-ms", "200"});
  ASSERT_TRUE(emulator.ok());
  InstasentSinkOptions options = OptionsFor(emulator);
  options.max_in_flight = 1;
  options.deletes_per_lane = 8;
  Harness h(options);
  ASSERT_TRUE(h.sink->Start());
  uint64_t ticket = 0;
  for (int i = 0; i < 16; ++i) {
    const std::string user = "d" + std::to_string(i);
    ASSERT_TRUE(h.sink->Submit(Contact(user, ContactJson(user, user + "@example.com"), ++ticket)));
  }
  ASSERT_TRUE(h.sink->Drain(seconds(20)));
  EXPECT_EQ(emulator.Inspect("/_emulator/stats")["requests"]["in_flight_peak"], 1);
  for (int i = 0; i < 16; ++i) ASSERT_TRUE(h.sink->Submit(Delete("d" + std::to_string(i), ++ticket)));
  // d3 comes back after its delete: the upsert must not overtake it.
  ASSERT_TRUE(h.sink->Submit(Contact("d3", ContactJson("d3", "back@example.com"), ++ticket)));
  ASSERT_TRUE(h.sink->Drain(seconds(20)));

  EXPECT_EQ(h.acks.distinct(), 33u);
  // The emulator held each request 200 ms: it saw several deletes in flight at
  // once from the one lane, never more than deletes_per_lane.
  const int64_t peak = emulator.Inspect("/_emulator/stats")["requests"]["in_flight_peak"];
  EXPECT_GE(peak, 4);
  EXPECT_LE(peak, 8);
  const json contacts = emulator.Inspect("/_emulator/contacts");
  ASSERT_EQ(contacts["count"], 1);
  EXPECT_EQ(contacts["contacts"][0], json::parse(ContactJson("d3", "back@example.com")));
  EXPECT_EQ(StatusCount(emulator.Inspect("/_emulator/stats"), "204"), 16);
}

TEST(InstasentSinkTest, FailedDeletesOfABatchAreRetriedAloneUntilDone) {
  EmulatorProcess emulator({"--fail-rate", "0.5", "--seed", "7"});
  ASSERT_TRUE(emulator.ok());
  InstasentSinkOptions options = OptionsFor(emulator);
  options.max_in_flight = 1;
  options.retry.max = milliseconds(20);
  Harness h(options);
  ASSERT_TRUE(h.sink->Start());
  for (uint64_t i = 0; i < 20; ++i) ASSERT_TRUE(h.sink->Submit(Delete("gone" + std::to_string(i), i)));
  ASSERT_TRUE(h.sink->Drain(seconds(30)));

  // Each delete acknowledged once, and applied once: none is sent again
  // after its own success when another of its batch failed.
  EXPECT_EQ(h.acks.distinct(), 20u);
  for (const auto& [ticket, count] : h.acks.acks()) EXPECT_EQ(count, 1) << ticket;
  EXPECT_GT(h.metrics.Sum("instasent_cdc_sink_retries_total"), 0);
  EXPECT_EQ(StatusCount(emulator.Inspect("/_emulator/stats"), "204"), 20);
  EXPECT_EQ(emulator.Inspect("/_emulator/stats")["items"]["contacts_deleted"], 20);
  EXPECT_EQ(h.metrics.Sum("instasent_cdc_sink_records_total", {{"outcome", "accepted"}}), 20);
}

TEST(InstasentSinkTest, LingerSendsWithoutFlush) {
  EmulatorProcess emulator({});
  ASSERT_TRUE(emulator.ok());
  InstasentSinkOptions options = OptionsFor(emulator);
  options.linger_ms = 50;
  Harness h(options);
  ASSERT_TRUE(h.sink->Start());
  ASSERT_TRUE(h.sink->Submit(Contact("u1", ContactJson("u1", "u1@example.com"), 1)));
  EXPECT_TRUE(h.acks.WaitFor(1, seconds(10)));
  EXPECT_TRUE(h.sink->Drain(seconds(5)));
}

TEST(InstasentSinkTest, SubmitBlocksWhileTheBufferIsFull) {
  EmulatorProcess emulator({"--latency-ms", "100"});
  ASSERT_TRUE(emulator.ok());
  InstasentSinkOptions options = OptionsFor(emulator);
  options.max_in_flight = 1;
  options.batch_size = 2;
  options.linger_ms = 0;
  options.max_buffered = 3;
  Harness h(options);
  ASSERT_TRUE(h.sink->Start());
  size_t most = 0;
  for (uint64_t i = 0; i < 12; ++i) {
    const std::string user = "u" + std::to_string(i);
    ASSERT_TRUE(h.sink->Submit(Contact(user, ContactJson(user, user + "@example.com"), i)));
    most = std::max(most, h.sink->Pending());
  }
  EXPECT_LE(most, 3u);
  ASSERT_TRUE(h.sink->Drain(seconds(30)));
  EXPECT_EQ(h.acks.distinct(), 12u);
  EXPECT_EQ(emulator.Inspect("/_emulator/contacts")["count"], 12);
}

TEST(InstasentSinkTest, ServerErrorsAreRetriedWithoutLimitAndStopLeavesThemUnacked) {
  EmulatorProcess emulator({"--fail-rate", "1"});
  ASSERT_TRUE(emulator.ok());
  InstasentSinkOptions options = OptionsFor(emulator);
  options.retry.max = milliseconds(20);
  Harness h(options);
  ASSERT_TRUE(h.sink->Start());
  ASSERT_TRUE(h.sink->Submit(Contact("u1", ContactJson("u1", "u1@example.com"), 1)));
  h.sink->Flush();
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (h.metrics.Sum("instasent_cdc_sink_retries_total") < 10 &&
         std::chrono::steady_clock::now() < deadline) {
    h.acks.WaitFor(1, milliseconds(20));
  }
  EXPECT_GE(h.metrics.Sum("instasent_cdc_sink_retries_total"), 10);
  EXPECT_EQ(h.acks.distinct(), 0u);
  EXPECT_FALSE(h.sink->Failure().has_value());
  // The API recovers: the same record goes through.
  emulator.SetFaults({{"fail_rate", 0.0}});
  ASSERT_TRUE(h.sink->Drain(seconds(20)));
  EXPECT_EQ(h.acks.acks(), (std::map<uint64_t, int>{{1, 1}}));

  emulator.SetFaults({{"fail_rate", 1.0}});
  ASSERT_TRUE(h.sink->Submit(Contact("u2", ContactJson("u2", "u2@example.com"), 2)));
  h.sink->Stop();
  EXPECT_EQ(h.acks.distinct(), 1u);
}

}  // namespace
}  // namespace cdc::sink
