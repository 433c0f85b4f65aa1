#include "tests/emulator/datastore.h"

#include <algorithm>

#include "tests/emulator/iso_time.h"

namespace cdc::emulator {

using nlohmann::json;

void Datastore::ApplyDue() {
  if (pending_.empty()) return;
  const TimePoint now = clock_.Now();
  auto end = pending_.upper_bound(now);
  for (auto it = pending_.begin(); it != end; ++it) {
    Upsert(states_[it->second.ds], std::move(it->second.item));
  }
  pending_.erase(pending_.begin(), end);
}

void Datastore::Log(State& st, const char* op, const std::string& user_id,
                    const std::string& event_id) {
  st.oplog.push_back({next_seq_++, op, user_id, event_id});
}

void Datastore::Upsert(State& st, json&& item) {
  const std::string user_id = item.at("_user_id").get<std::string>();
  json& contact = st.contacts[user_id];
  if (contact.is_null()) contact = json::object();
  for (auto& [key, value] : item.items()) {
    if (value.is_null()) {
      contact.erase(key);
      continue;
    }
    if (specs_.FindAttribute(key) == nullptr && st.custom_attributes.insert(key).second) {
      ++st.counters.unknown_attributes;
    }
    contact[key] = std::move(value);
  }
  contact["_user_id"] = user_id;
  Log(st, "upsert", user_id, "");
}

void Datastore::UpsertContacts(const DatasourceId& ds, std::vector<json> items,
                               std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  ApplyDue();
  State& st = states_[ds];
  st.counters.contacts_accepted += static_cast<int64_t>(items.size());
  if (delay.count() > 0) {
    const TimePoint due = clock_.Now() + delay;
    for (auto& item : items) pending_.emplace(due, Pending{ds, std::move(item)});
    return;
  }
  for (auto& item : items) Upsert(st, std::move(item));
}

std::vector<EventOutcome> Datastore::AddEvents(const DatasourceId& ds,
                                               const std::vector<const json*>& items,
                                               TimePoint received) {
  std::lock_guard lock(mu_);
  ApplyDue();
  State& st = states_[ds];
  std::vector<EventOutcome> outcomes;
  outcomes.reserve(items.size());
  for (const json* item : items) {
    const std::string& user_id = (*item)["_user_id"].get_ref<const std::string&>();
    const std::string& event_id = (*item)["_event_id"].get_ref<const std::string&>();
    auto user_data = item->find("_user_data");
    if (user_data != item->end() && user_data->is_object()) {
      json contact = *user_data;
      contact["_user_id"] = user_id;
      Upsert(st, std::move(contact));
    }
    std::string dumped;
    if (user_data == item->end()) {
      dumped = item->dump();  // the common case: no copy of the item
    } else {
      json content = *item;
      content.erase("_user_data");
      dumped = content.dump();
    }
    auto known = st.event_index.find(event_id);
    if (known != st.event_index.end()) {
      const bool same = st.events[known->second].content == dumped;
      ++st.counters.events_duplicate;
      if (!same) ++st.counters.events_conflicting;
      Log(st, "event_duplicate", user_id, event_id);
      outcomes.push_back(same ? EventOutcome::kDuplicate : EventOutcome::kConflicting);
      continue;
    }
    if (!st.contacts.contains(user_id)) {
      ++st.counters.events_skipped_missing_contact;
      Log(st, "event_skipped", user_id, event_id);
      outcomes.push_back(EventOutcome::kSkippedMissingContact);
      continue;
    }
    bool in_window = true;
    auto date = item->find("_event_date");
    if (date != item->end() && date->is_string()) {
      if (auto when = ParseIsoDateTime(date->get_ref<const std::string&>())) {
        auto diff = *when > received ? *when - received : received - *when;
        in_window = diff <= kAutomationWindow;
      }
    }
    ++st.counters.events_accepted;
    ++(in_window ? st.counters.events_in_window : st.counters.events_outside_window);
    st.event_index.emplace(event_id, st.events.size());
    st.events.push_back({event_id, user_id, std::move(dumped), received, in_window});
    Log(st, "event", user_id, event_id);
    outcomes.push_back(EventOutcome::kStored);
  }
  return outcomes;
}

void Datastore::DeleteContact(const DatasourceId& ds, const std::string& user_id) {
  std::lock_guard lock(mu_);
  ApplyDue();
  State& st = states_[ds];
  st.contacts.erase(user_id);
  ++st.counters.contacts_deleted;
  Log(st, "delete", user_id, "");
}

void Datastore::CountRejected(const DatasourceId& ds, int64_t contacts, int64_t events) {
  std::lock_guard lock(mu_);
  State& st = states_[ds];
  st.counters.contacts_rejected += contacts;
  st.counters.events_rejected += events;
}

void Datastore::RequestStarted() {
  std::lock_guard lock(mu_);
  in_flight_peak_ = std::max(in_flight_peak_, ++in_flight_);
}

void Datastore::RequestFinished() {
  std::lock_guard lock(mu_);
  --in_flight_;
}

void Datastore::RecordRequest(const std::string& endpoint, int status) {
  std::lock_guard lock(mu_);
  ++requests_total_;
  ++by_status_[status == 0 ? "dropped" : std::to_string(status)];
  ++by_endpoint_[endpoint];
}

std::optional<json> Datastore::Contact(const DatasourceId& ds, const std::string& user_id) {
  std::lock_guard lock(mu_);
  ApplyDue();
  const State& st = states_[ds];
  auto it = st.contacts.find(user_id);
  if (it == st.contacts.end()) return std::nullopt;
  return it->second;
}

json Datastore::ContactsJson(const DatasourceId& ds) {
  std::lock_guard lock(mu_);
  ApplyDue();
  const State& st = states_[ds];
  json list = json::array();
  for (const auto& [id, contact] : st.contacts) list.push_back(contact);
  return {{"count", st.contacts.size()}, {"contacts", std::move(list)}};
}

json Datastore::EventsJson(const DatasourceId& ds, const std::optional<std::string>& user_id) {
  std::lock_guard lock(mu_);
  ApplyDue();
  const State& st = states_[ds];
  json list = json::array();
  for (const auto& e : st.events) {
    if (user_id && e.user_id != *user_id) continue;
    json content = json::parse(e.content);
    json out = {{"_event_id", e.event_id},
                {"_user_id", e.user_id},
                {"_event_type", content.value("_event_type", "")},
                {"_event_date", content.contains("_event_date") ? content["_event_date"] : json()},
                {"_event_parameters", content.value("_event_parameters", json::object())},
                {"received_at", FormatIsoDateTime(e.received)},
                {"in_window", e.in_window}};
    if (out["_event_parameters"].is_null()) out["_event_parameters"] = json::object();
    list.push_back(std::move(out));
  }
  return {{"count", list.size()}, {"events", std::move(list)}};
}

json Datastore::OplogJson(const DatasourceId& ds, const std::optional<std::string>& user_id) {
  std::lock_guard lock(mu_);
  ApplyDue();
  const State& st = states_[ds];
  json list = json::array();
  for (const auto& op : st.oplog) {
    if (user_id && op.user_id != *user_id) continue;
    json out = {{"seq", op.seq}, {"op", op.op}, {"user_id", op.user_id}, {"event_id", nullptr}};
    if (!op.event_id.empty()) out["event_id"] = op.event_id;
    list.push_back(std::move(out));
  }
  return {{"count", list.size()}, {"ops", std::move(list)}};
}

ItemCounters Datastore::Counters(const DatasourceId& ds) {
  std::lock_guard lock(mu_);
  ApplyDue();
  return states_[ds].counters;
}

json Datastore::StatsJson(const DatasourceId& ds) {
  ItemCounters c = Counters(ds);
  std::lock_guard lock(mu_);
  return {{"requests",
           {{"total", requests_total_},
            {"in_flight_peak", in_flight_peak_},
            {"by_status", by_status_},
            {"by_endpoint", by_endpoint_}}},
          {"items",
           {{"contacts_accepted", c.contacts_accepted},
            {"contacts_rejected", c.contacts_rejected},
            {"contacts_deleted", c.contacts_deleted},
            {"events_accepted", c.events_accepted},
            {"events_rejected", c.events_rejected},
            {"events_duplicate", c.events_duplicate},
            {"events_conflicting", c.events_conflicting},
            {"events_skipped_missing_contact", c.events_skipped_missing_contact},
            {"events_in_window", c.events_in_window},
            {"events_outside_window", c.events_outside_window},
            {"unknown_attributes", c.unknown_attributes}}}};
}

std::vector<std::string> Datastore::CustomAttributes(const DatasourceId& ds) {
  std::lock_guard lock(mu_);
  ApplyDue();
  const auto& set = states_[ds].custom_attributes;
  return {set.begin(), set.end()};
}

std::pair<size_t, size_t> Datastore::Sizes(const DatasourceId& ds) {
  std::lock_guard lock(mu_);
  ApplyDue();
  const State& st = states_[ds];
  return {st.contacts.size(), st.events.size()};
}

void Datastore::Reset() {
  std::lock_guard lock(mu_);
  states_.clear();
  pending_.clear();
  next_seq_ = 1;
  requests_total_ = 0;
  in_flight_peak_ = in_flight_;
  by_status_.clear();
  by_endpoint_.clear();
}

}  // namespace cdc::emulator
