// Datastore: contacts, events, the operation log and the counters of every
// datasource, behind one mutex. Items reaching it are already validated.
// Contact upserts may be queued: they are applied, in acceptance order, by the
// first call made at or after their due time (no timer thread needed, because
// every observation goes through this class).
#pragma once

#include <chrono>
#include <compare>
#include <deque>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "tests/emulator/clock.h"
#include "tests/emulator/specs.h"

namespace cdc::emulator {

struct DatasourceId {
  std::string project;
  std::string datasource;
  auto operator<=>(const DatasourceId&) const = default;
};

enum class EventOutcome { kStored, kDuplicate, kConflicting, kSkippedMissingContact };

struct ItemCounters {
  int64_t contacts_accepted = 0;
  int64_t contacts_rejected = 0;
  int64_t contacts_deleted = 0;
  int64_t events_accepted = 0;
  int64_t events_rejected = 0;
  int64_t events_duplicate = 0;
  int64_t events_conflicting = 0;
  int64_t events_skipped_missing_contact = 0;
  int64_t events_in_window = 0;
  int64_t events_outside_window = 0;
  int64_t unknown_attributes = 0;
};

class Datastore {
 public:
  static constexpr std::chrono::hours kAutomationWindow{1};

  Datastore(const Clock& clock, const Specs& specs) : clock_(clock), specs_(specs) {}

  // Upserts valid contact items in order: omitted attributes are kept, null clears.
  // With `delay` > 0 they are applied once `delay` has passed.
  void UpsertContacts(const DatasourceId& ds, std::vector<nlohmann::json> items,
                      std::chrono::milliseconds delay);
  // Stores valid event items in order (their `_user_data` upserted first).
  std::vector<EventOutcome> AddEvents(const DatasourceId& ds,
                                      const std::vector<const nlohmann::json*>& items,
                                      TimePoint received);
  // Idempotent; the contact's events are kept.
  void DeleteContact(const DatasourceId& ds, const std::string& user_id);
  void CountRejected(const DatasourceId& ds, int64_t contacts, int64_t events);
  void RecordRequest(const std::string& endpoint, int status);  // status 0: dropped
  // An API request from its arrival until its answer is ready to write (latency included):
  // /_emulator/stats reports the most at once, so tests can see requests overlap.
  void RequestStarted();
  void RequestFinished();

  std::optional<nlohmann::json> Contact(const DatasourceId& ds, const std::string& user_id);
  nlohmann::json ContactsJson(const DatasourceId& ds);
  nlohmann::json EventsJson(const DatasourceId& ds, const std::optional<std::string>& user_id);
  nlohmann::json OplogJson(const DatasourceId& ds, const std::optional<std::string>& user_id);
  nlohmann::json StatsJson(const DatasourceId& ds);
  ItemCounters Counters(const DatasourceId& ds);
  std::vector<std::string> CustomAttributes(const DatasourceId& ds);
  std::pair<size_t, size_t> Sizes(const DatasourceId& ds);  // contacts, events

  void Reset();

 private:
  struct StoredEvent {
    std::string event_id;
    std::string user_id;
    std::string content;  // the item without `_user_data`, compact JSON (keys sorted)
    TimePoint received;
    bool in_window = true;
  };
  struct Op {
    uint64_t seq;
    const char* op;
    std::string user_id;
    std::string event_id;
  };
  struct State {
    std::map<std::string, nlohmann::json> contacts;
    std::deque<StoredEvent> events;  // deques: growing never moves what is stored
    std::unordered_map<std::string, size_t> event_index;
    std::deque<Op> oplog;
    std::set<std::string> custom_attributes;
    ItemCounters counters;
  };
  struct Pending {
    DatasourceId ds;
    nlohmann::json item;
  };

  // All private helpers expect mu_ held.
  void ApplyDue();
  void Upsert(State& st, nlohmann::json&& item);  // moves the values into the contact
  void Log(State& st, const char* op, const std::string& user_id, const std::string& event_id);

  const Clock& clock_;
  const Specs& specs_;
  std::mutex mu_;
  std::map<DatasourceId, State> states_;
  std::multimap<TimePoint, Pending> pending_;  // equal keys keep acceptance order
  uint64_t next_seq_ = 1;
  int64_t requests_total_ = 0;
  int64_t in_flight_ = 0;       // API requests received and not yet answered
  int64_t in_flight_peak_ = 0;  // the most of them at once since the last reset
  std::map<std::string, int64_t> by_status_;
  std::map<std::string, int64_t> by_endpoint_;
};

}  // namespace cdc::emulator
