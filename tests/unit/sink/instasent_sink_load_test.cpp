// The Instasent sink under load against the real emulator with faults on
// (5xx, 429 bursts, latency, dropped connections): more than 20,000 records
// for more than 1,000 users, then the emulator's state is compared with the
// state computed here from the submitted records.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "sink/instasent/instasent_sink.h"
#include "tests/unit/sink/emulator_process.h"
#include "tests/unit/sink/sink_test_support.h"

namespace cdc::sink {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

struct InvalidItem {
  std::string user;
  std::string payload;
  std::string reason_part;  // what the dead letter's reason must mention
};

// Records in submission order and what the API must end up holding.
struct Workload {
  std::vector<core::Record> records;
  std::map<std::string, json> contacts;                 // user → final attributes
  std::set<std::string> events;                         // valid event ids
  std::map<std::string, std::vector<std::string>> ops;  // user → "upsert"|"delete"|"event:ID"
  std::vector<InvalidItem> invalid;
  size_t deletes = 0;
};

std::string UserName(int i) {
  char buf[32];
  // A few ids need URL encoding in DELETE paths.
  std::snprintf(buf, sizeof buf, i % 97 == 0 ? "user %04d/x" : "user-%04d", i);
  return buf;
}

std::string NowIso() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  Workload Make(int users, size_t min_records) {
    std::vector<int> order(users);
    for (int i = 0; i < users; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng_);
    for (int i : order) Upsert(UserName(i), /*first=*/true);
    bool contacts_block = false;
    while (w_.records.size() < min_records) {
      const int block = std::uniform_int_distribution<int>(150, 600)(rng_);
      for (int n = 0; n < block; ++n) {
        const std::string user = UserName(std::uniform_int_distribution<int>(0, users - 1)(rng_));
        contacts_block ? ContactOp(user) : EventOp(user);
      }
      contacts_block = !contacts_block;
    }
    return std::move(w_);
  }

 private:
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }

  core::Record& Add(core::RecordKind kind, const std::string& user, std::string item) {
    core::Record r;
    r.kind = kind;
    r.user_id = user;
    r.json = std::move(item);
    r.ticket = w_.records.size() + 1;
    r.table = "public.load";
    w_.records.push_back(std::move(r));
    return w_.records.back();
  }

  void ContactOp(const std::string& user) {
    const double r = Uniform();
    if (r < 0.02 && w_.contacts.count(user)) {
      Add(core::RecordKind::kContactDelete, user, "");
      w_.contacts.erase(user);
      w_.ops[user].push_back("delete");
      ++w_.deletes;
    } else if (r < 0.05) {
      const json item = {{"_user_id", user}, {"_email", "bad-" + std::to_string(++serial_)}};
      w_.invalid.push_back({user, item.dump(), "Invalid format"});
      Add(core::RecordKind::kContactUpsert, user, item.dump());
    } else if (r < 0.052) {
      // Not an object: the whole request is refused with 400 and split.
      const std::string item = "[" + std::to_string(++serial_) + "]";
      w_.invalid.push_back({user, item, "HTTP 400"});
      Add(core::RecordKind::kContactUpsert, user, item);
    } else {
      Upsert(user, false);
    }
  }

  void Upsert(const std::string& user, bool first) {
    json item = {{"_user_id", user}};
    if (first || Uniform() < 0.3) item["_email"] = "u" + std::to_string(++serial_) + "@example.com";
    static const char* kFields[] = {"_first_name", "_last_name", "plan", "_city", "vip"};
    for (const char* field : kFields) {
      const double r = Uniform();
      if (r < 0.5) {
        item[field] =
            std::string(field) == "vip" ? json(Uniform() < 0.5) : json("v" + std::to_string(++serial_));
      } else if (r < 0.7) {
        item[field] = nullptr;  // clears
      }
    }
    json& contact = w_.contacts[user];
    if (contact.is_null()) contact = json::object();
    for (auto& [key, value] : item.items()) {
      if (value.is_null()) {
        contact.erase(key);
      } else {
        contact[key] = value;
      }
    }
    Add(core::RecordKind::kContactUpsert, user, item.dump());
    w_.ops[user].push_back("upsert");
  }

  void EventOp(const std::string& user) {
    if (!w_.contacts.count(user)) return;  // the API would skip it
    const std::string id = "ev-" + std::to_string(++serial_);
    json item = {{"_user_id", user},
                 {"_event_id", id},
                 {"_event_type", "purchase"},
                 {"_event_date", NowIso()},
                 {"_event_parameters", {{"amount", serial_ % 500}, {"currency", "EUR"}}}};
    const double r = Uniform();
    if (r < 0.015) {
      item["_event_date"] = "yesterday";
      w_.invalid.push_back({user, item.dump(), "_event_date"});
    } else if (r < 0.03) {
      item["_event_parameters"].erase("currency");
      w_.invalid.push_back({user, item.dump(), "currency"});
    } else {
      w_.events.insert(id);
      w_.ops[user].push_back("event:" + id);
    }
    core::Record& record = Add(core::RecordKind::kEvent, user, item.dump());
    record.event_id = id;
  }

  std::mt19937 rng_;
  Workload w_;
  uint64_t serial_ = 0;
};

// The emulator's oplog for one user must be the submitted sequence, where a
// request applied and then lost on the wire may show up again right after
// itself (its events then as duplicates).
::testing::AssertionResult MatchesWithReplays(const std::vector<std::string>& expected,
                                              const std::vector<std::string>& oplog) {
  auto same = [](const std::string& replayed, const std::string& original) {
    return replayed == original ||
           (original.rfind("event:", 0) == 0 && replayed == "dup:" + original.substr(6));
  };
  size_t i = 0;
  for (size_t j = 0; j < oplog.size();) {
    if (i < expected.size() && oplog[j] == expected[i]) {
      ++i;
      ++j;
      continue;
    }
    size_t replay = 0;
    for (size_t len = std::min<size_t>(i, 100); len > 0 && !replay; --len) {
      if (j + len > oplog.size()) continue;
      bool match = true;
      for (size_t k = 0; k < len && match; ++k) match = same(oplog[j + k], expected[i - len + k]);
      if (match) replay = len;
    }
    if (!replay) {
      return ::testing::AssertionFailure()
             << "op " << j << " '" << oplog[j] << "' is out of order (expected '"
             << (i < expected.size() ? expected[i] : "<end>") << "')";
    }
    j += replay;
  }
  if (i != expected.size()) {
    return ::testing::AssertionFailure() << "only " << i << " of " << expected.size() << " ops applied";
  }
  return ::testing::AssertionSuccess();
}

// Consecutive upserts of a user may reach the API merged into one (the sink
// coalesces queued upserts while it is behind): compare runs, not counts.
std::vector<std::string> CollapseUpserts(const std::vector<std::string>& ops) {
  std::vector<std::string> out;
  for (const std::string& op : ops) {
    if (op == "upsert" && !out.empty() && out.back() == "upsert") continue;
    out.push_back(op);
  }
  return out;
}

// With `coalesce`, an invalid upsert merged with a later one that replaces
// its bad value is accepted as that later state, without a dead letter; the
// exact dead-letter set is checked without coalescing.
void RunFaultyLoad(bool coalesce) {
  Workload w = Generator(20261122).Make(1200, 21000);
  ASSERT_GE(w.records.size(), 20000u);
  ASSERT_GE(w.ops.size(), 1000u);

  testing::EmulatorProcess emulator({"--fail-rate", "0.1", "--drop-rate", "0.05", "--burst-429-every", "40",
                                     "--burst-429-length", "2", "--latency-ms", "3", "--latency-jitter-ms",
                                     "3", "--seed", "7"});
  ASSERT_TRUE(emulator.ok());
  testing::RecordingAckListener acks;
  testing::MemoryDeadLetterStore dead;
  core::Metrics metrics;
  InstasentSinkOptions options;
  options.name = "load";
  options.pipeline = "load";
  options.url = emulator.url();
  options.project = "proj_test";
  options.datasource = "ds_test";
  options.token = "test-token";
  options.linger_ms = 10;
  options.max_in_flight = 4;
  options.timeout_ms = 10000;
  options.retry.base = milliseconds(20);
  options.retry.max = milliseconds(500);
  options.coalesce_upserts = coalesce;
  auto sink = MakeInstasentSink(options, acks, dead, metrics);
  ASSERT_TRUE(sink->Start());

  const auto start = std::chrono::steady_clock::now();
  for (const core::Record& record : w.records) ASSERT_TRUE(sink->Submit(record));
  ASSERT_TRUE(sink->Drain(seconds(600))) << sink->Pending() << " records still pending";
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sink->Stop();
  ASSERT_FALSE(sink->Failure().has_value());

  // Every ticket acknowledged exactly once.
  const auto acked = acks.acks();
  ASSERT_EQ(acked.size(), w.records.size());
  for (const auto& [ticket, times] : acked) ASSERT_EQ(times, 1) << "ticket " << ticket;

  // Final contacts equal the expected state.
  const json contacts = emulator.Inspect("/_emulator/contacts");
  ASSERT_EQ(contacts["count"].get<size_t>(), w.contacts.size());
  for (const json& contact : contacts["contacts"]) {
    const std::string user = contact["_user_id"];
    ASSERT_TRUE(w.contacts.count(user)) << "unexpected contact " << user;
    EXPECT_EQ(contact, w.contacts[user]) << user;
  }

  // Every valid event stored exactly once; retried drops are duplicates, never conflicts.
  const json events = emulator.Inspect("/_emulator/events");
  std::multiset<std::string> stored;
  for (const json& e : events["events"]) stored.insert(e["_event_id"].get<std::string>());
  EXPECT_EQ(stored.size(), w.events.size());
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()), w.events);
  const json stats = emulator.Inspect("/_emulator/stats");
  EXPECT_EQ(stats["items"]["events_conflicting"], 0);
  EXPECT_EQ(stats["items"]["events_skipped_missing_contact"], 0);

  // Per-user order of application equals submission order.
  const json oplog = emulator.Inspect("/_emulator/oplog");
  std::map<std::string, std::vector<std::string>> applied;
  int duplicates = 0;
  for (const json& op : oplog["ops"]) {
    const std::string kind = op["op"];
    std::string token = kind;
    if (kind == "event") token = "event:" + op["event_id"].get<std::string>();
    if (kind == "event_duplicate") {
      token = "dup:" + op["event_id"].get<std::string>();
      ++duplicates;
    }
    if (kind == "event_skipped") token = "skipped:" + op["event_id"].get<std::string>();
    applied[op["user_id"].get<std::string>()].push_back(token);
  }
  for (const auto& [user, expected] : w.ops) {
    EXPECT_TRUE(MatchesWithReplays(CollapseUpserts(expected), CollapseUpserts(applied[user]))) << "user " << user;
  }
  EXPECT_EQ(stats["items"]["events_duplicate"], duplicates);

  // Every invalid item is in the dead-letter store with its reason; with
  // coalescing, every dead letter is one of them as submitted (never a merge).
  const auto letters = dead.letters();
  std::map<std::string, const core::DeadLetter*> by_payload;
  for (const auto& letter : letters) by_payload[letter.payload] = &letter;
  std::set<std::string> invalid_payloads;
  for (const InvalidItem& item : w.invalid) {
    invalid_payloads.insert(item.payload);
    auto it = by_payload.find(item.payload);
    if (coalesce && it == by_payload.end()) continue;
    ASSERT_NE(it, by_payload.end()) << "not dead-lettered: " << item.payload;
    EXPECT_EQ(it->second->user_id, item.user);
    EXPECT_NE(it->second->reason.find(item.reason_part), std::string::npos)
        << item.payload << " → " << it->second->reason;
  }
  for (const auto& letter : letters) EXPECT_TRUE(invalid_payloads.count(letter.payload)) << letter.payload;
  if (!coalesce) {
    EXPECT_EQ(letters.size(), w.invalid.size());
  }

  // The faults really happened and were absorbed.
  EXPECT_GT(metrics.Sum("instasent_cdc_sink_retries_total"), 0);
  EXPECT_GT(metrics.Sum("instasent_cdc_sink_rate_limited_total"), 0);
  EXPECT_GT(metrics.Sum("instasent_cdc_sink_requests_total", {{"status_class", "5xx"}}), 0);
  // Dropped connections ("dropped" at the emulator). libcurl itself resends a
  // request once when a reused connection dies before any answer, so the sink
  // does not see every drop as an error; the duplicates above show them.
  EXPECT_GT(stats["requests"]["by_status"].value("dropped", 0), 0) << stats.dump();
  EXPECT_EQ(metrics.Sum("instasent_cdc_sink_records_total", {{"outcome", "dead_lettered"}}),
            static_cast<double>(letters.size()));
  EXPECT_EQ(metrics.Sum("instasent_cdc_sink_records_total"), static_cast<double>(w.records.size()));
  std::printf(
      "load: %zu records (%zu users, %zu events, %zu deletes, %zu invalid) in %.1f s, "
      "%.0f requests, %.0f retries, %.0f 429s, %d duplicate events\n",
      w.records.size(), w.ops.size(), w.events.size(), w.deletes, w.invalid.size(), elapsed_s,
      metrics.Sum("instasent_cdc_sink_requests_total"), metrics.Sum("instasent_cdc_sink_retries_total"),
      metrics.Sum("instasent_cdc_sink_rate_limited_total"), duplicates);
}

TEST(InstasentSinkLoadTest, FaultyApiEndsWithExactlyTheSubmittedState) { RunFaultyLoad(/*coalesce=*/false); }

TEST(InstasentSinkLoadTest, FaultyApiWithCoalescingEndsWithTheSubmittedStateAndEveryTicketAcked) {
  RunFaultyLoad(/*coalesce=*/true);
}

}  // namespace
}  // namespace cdc::sink
