// Datastore semantics: merge, event de-duplication and conflicts, skipped events,
// `_user_data`, window counting with an injected clock, queued upserts, oplog.
#include "tests/emulator/datastore.h"

#include <gtest/gtest.h>

#include "tests/emulator/iso_time.h"

namespace cdc::emulator {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

class DatastoreTest : public ::testing::Test {
 protected:
  DatastoreTest() : clock_(*ParseIsoDateTime("2026-03-01T12:00:00.000Z")), store_(clock_, specs_) {}

  void Upsert(json item) { store_.UpsertContacts(ds_, {std::move(item)}, milliseconds(0)); }
  EventOutcome AddEvent(const json& item) {
    return store_.AddEvents(ds_, {&item}, clock_.Now()).at(0);
  }
  static json Event(const std::string& id, const std::string& user, json extra = json::object()) {
    json e = {{"_event_id", id},
              {"_user_id", user},
              {"_event_type", "purchase"},
              {"_event_parameters", {{"amount", 10}, {"currency", "EUR"}}}};
    e.update(extra);
    return e;
  }

  Specs specs_ = Specs::Defaults();
  ManualClock clock_;
  Datastore store_;
  DatasourceId ds_{"proj_test", "ds_test"};
};

TEST_F(DatastoreTest, OmittedAttributeIsKeptAndNullClearsIt) {
  Upsert({{"_user_id", "u1"}, {"_email", "a@example.com"}, {"_first_name", "Ada"}});
  Upsert({{"_user_id", "u1"}, {"_first_name", nullptr}, {"plan", "pro"}});
  auto c = store_.Contact(ds_, "u1");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(*c, (json{{"_user_id", "u1"}, {"_email", "a@example.com"}, {"plan", "pro"}}));
}

TEST_F(DatastoreTest, RepeatedEventIdWithSameContentIsDuplicateNotConflicting) {
  Upsert({{"_user_id", "u1"}});
  EXPECT_EQ(AddEvent(Event("e1", "u1")), EventOutcome::kStored);
  EXPECT_EQ(AddEvent(Event("e1", "u1")), EventOutcome::kDuplicate);
  ItemCounters c = store_.Counters(ds_);
  EXPECT_EQ(c.events_accepted, 1);
  EXPECT_EQ(c.events_duplicate, 1);
  EXPECT_EQ(c.events_conflicting, 0);
  EXPECT_EQ(store_.EventsJson(ds_, std::nullopt)["count"], 1);
}

TEST_F(DatastoreTest, RepeatedEventIdWithOtherContentIsConflictingAndFirstIsKept) {
  Upsert({{"_user_id", "u1"}});
  AddEvent(Event("e1", "u1"));
  json changed = Event("e1", "u1");
  changed["_event_parameters"]["amount"] = 99;
  EXPECT_EQ(AddEvent(changed), EventOutcome::kConflicting);
  ItemCounters c = store_.Counters(ds_);
  EXPECT_EQ(c.events_duplicate, 1);
  EXPECT_EQ(c.events_conflicting, 1);
  json events = store_.EventsJson(ds_, std::nullopt)["events"];
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["_event_parameters"]["amount"], 10);
}

TEST_F(DatastoreTest, EventOfMissingContactIsSkippedAndItsIdNotRemembered) {
  EXPECT_EQ(AddEvent(Event("e1", "ghost")), EventOutcome::kSkippedMissingContact);
  EXPECT_EQ(store_.Counters(ds_).events_skipped_missing_contact, 1);
  EXPECT_EQ(store_.EventsJson(ds_, std::nullopt)["count"], 0);
  Upsert({{"_user_id", "ghost"}});
  EXPECT_EQ(AddEvent(Event("e1", "ghost")), EventOutcome::kStored);
}

TEST_F(DatastoreTest, UserDataIsUpsertedBeforeTheEvent) {
  json e = Event("e1", "u9", {{"_user_data", {{"_email", "u9@example.com"}}}});
  EXPECT_EQ(AddEvent(e), EventOutcome::kStored);
  auto c = store_.Contact(ds_, "u9");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ((*c)["_email"], "u9@example.com");
  json ops = store_.OplogJson(ds_, std::nullopt)["ops"];
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0]["op"], "upsert");
  EXPECT_TRUE(ops[0]["event_id"].is_null());
  EXPECT_EQ(ops[1]["op"], "event");
  EXPECT_EQ(ops[1]["event_id"], "e1");
  EXPECT_LT(ops[0]["seq"].get<int>(), ops[1]["seq"].get<int>());
}

TEST_F(DatastoreTest, WindowIsOneHourInclusiveAgainstReceptionTime) {
  Upsert({{"_user_id", "u1"}});
  AddEvent(Event("at+1h", "u1", {{"_event_date", "2026-03-01T13:00:00.000Z"}}));
  AddEvent(Event("at-1h", "u1", {{"_event_date", "2026-03-01T12:00:00+01:00"}}));
  AddEvent(Event("over", "u1", {{"_event_date", "2026-03-01T13:00:00.001Z"}}));
  AddEvent(Event("old", "u1", {{"_event_date", "2026-02-01T12:00:00Z"}}));
  AddEvent(Event("nodate", "u1"));
  ItemCounters c = store_.Counters(ds_);
  EXPECT_EQ(c.events_in_window, 3);
  EXPECT_EQ(c.events_outside_window, 2);
  json events = store_.EventsJson(ds_, std::nullopt)["events"];
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0]["in_window"], true);
  EXPECT_EQ(events[1]["in_window"], true);
  EXPECT_EQ(events[2]["in_window"], false);
  EXPECT_EQ(events[3]["in_window"], false);
  EXPECT_EQ(events[4]["in_window"], true);
  EXPECT_EQ(events[0]["received_at"], "2026-03-01T12:00:00.000Z");
}

TEST_F(DatastoreTest, QueuedUpsertIsAppliedOnlyAfterItsDelay) {
  store_.UpsertContacts(ds_, {json{{"_user_id", "q1"}}}, milliseconds(500));
  EXPECT_FALSE(store_.Contact(ds_, "q1").has_value());
  EXPECT_EQ(AddEvent(Event("e1", "q1")), EventOutcome::kSkippedMissingContact);
  clock_.Advance(milliseconds(499));
  EXPECT_FALSE(store_.Contact(ds_, "q1").has_value());
  clock_.Advance(milliseconds(1));
  EXPECT_TRUE(store_.Contact(ds_, "q1").has_value());
  EXPECT_EQ(store_.Counters(ds_).contacts_accepted, 1);
}

TEST_F(DatastoreTest, DeleteIsIdempotentAndKeepsTheContactsEvents) {
  Upsert({{"_user_id", "u1"}});
  AddEvent(Event("e1", "u1"));
  store_.DeleteContact(ds_, "u1");
  store_.DeleteContact(ds_, "u1");
  store_.DeleteContact(ds_, "never-existed");
  EXPECT_FALSE(store_.Contact(ds_, "u1").has_value());
  EXPECT_EQ(store_.EventsJson(ds_, std::string("u1"))["count"], 1);
  EXPECT_EQ(store_.Counters(ds_).contacts_deleted, 3);
  json ops = store_.OplogJson(ds_, std::string("u1"))["ops"];
  ASSERT_EQ(ops.size(), 4u);
  EXPECT_EQ(ops[2]["op"], "delete");
  EXPECT_EQ(ops[3]["op"], "delete");
}

TEST_F(DatastoreTest, NewCustomAttributeIsCountedOnceAndListed) {
  Upsert({{"_user_id", "u1"}, {"favourite_colour", "red"}, {"plan", "pro"}});
  Upsert({{"_user_id", "u2"}, {"favourite_colour", "blue"}});
  EXPECT_EQ(store_.Counters(ds_).unknown_attributes, 1);
  EXPECT_EQ(store_.CustomAttributes(ds_), std::vector<std::string>{"favourite_colour"});
}

TEST_F(DatastoreTest, ContactsAreListedSortedByUserIdAndDatasourcesAreSeparate) {
  Upsert({{"_user_id", "b"}});
  Upsert({{"_user_id", "a"}});
  store_.UpsertContacts({"proj_test", "other"}, {json{{"_user_id", "c"}}}, milliseconds(0));
  json list = store_.ContactsJson(ds_);
  EXPECT_EQ(list["count"], 2);
  EXPECT_EQ(list["contacts"][0]["_user_id"], "a");
  EXPECT_EQ(list["contacts"][1]["_user_id"], "b");
  EXPECT_EQ(store_.ContactsJson({"proj_test", "other"})["count"], 1);
}

TEST_F(DatastoreTest, ResetClearsDataAndCounters) {
  Upsert({{"_user_id", "u1"}});
  store_.RecordRequest("contacts", 202);
  store_.UpsertContacts(ds_, {json{{"_user_id", "late"}}}, milliseconds(10));
  store_.Reset();
  clock_.Advance(milliseconds(20));
  EXPECT_EQ(store_.ContactsJson(ds_)["count"], 0);
  json stats = store_.StatsJson(ds_);
  EXPECT_EQ(stats["requests"]["total"], 0);
  EXPECT_EQ(stats["items"]["contacts_accepted"], 0);
  EXPECT_EQ(store_.OplogJson(ds_, std::nullopt)["count"], 0);
}

}  // namespace
}  // namespace cdc::emulator
