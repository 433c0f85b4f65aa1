#include "sink/ordering_lanes.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace cdc::sink {
namespace {

using core::Record;
using core::RecordKind;
using Clock = OrderingLanes::Clock;

Record Make(RecordKind kind, std::string user, uint64_t ticket) {
  Record r;
  r.kind = kind;
  r.user_id = std::move(user);
  r.json = kind == RecordKind::kContactDelete ? "" : "{\"_user_id\":\"" + r.user_id + "\"}";
  r.ticket = ticket;
  return r;
}

std::vector<uint64_t> Tickets(const Batch& batch) {
  std::vector<uint64_t> out;
  for (const auto& r : batch.records) out.push_back(r.ticket);
  return out;
}

TEST(OrderingLanesTest, SameUserAlwaysMapsToTheSameLane) {
  OrderingLanes lanes(4, 100);
  for (int i = 0; i < 100; ++i) {
    const std::string user = "user-" + std::to_string(i);
    EXPECT_EQ(lanes.LaneOf(user), lanes.LaneOf(user));
    EXPECT_LT(lanes.LaneOf(user), 4u);
  }
}

TEST(OrderingLanesTest, UsersSpreadOverEveryLane) {
  OrderingLanes lanes(4, 100);
  std::map<size_t, int> count;
  for (int i = 0; i < 4000; ++i) ++count[lanes.LaneOf(std::to_string(i))];
  ASSERT_EQ(count.size(), 4u);
  for (auto& [lane, n] : count) EXPECT_GT(n, 800) << "lane " << lane;
}

TEST(OrderingLanesTest, LaneAssignmentIsStableAcrossRuns) {
  // FNV-1a, not std::hash: a restart must not reshuffle users.
  OrderingLanes lanes(7, 100);
  EXPECT_EQ(lanes.LaneOf(""), 14695981039346656037ULL % 7);
  EXPECT_EQ(lanes.LaneOf("a"), 0xaf63dc4c8601ec8cULL % 7);
}

TEST(OrderingLanesTest, BatchStopsAtEachUsersRecordOfAnotherEndpointAndKeepsFifoOrder) {
  OrderingLanes lanes(1, 100);
  const auto now = Clock::now();
  lanes.Push(Make(RecordKind::kContactUpsert, "a", 1), now);
  lanes.Push(Make(RecordKind::kContactUpsert, "b", 2), now);
  lanes.Push(Make(RecordKind::kEvent, "a", 3), now);
  lanes.Push(Make(RecordKind::kEvent, "b", 4), now);
  lanes.Push(Make(RecordKind::kContactUpsert, "a", 5), now);

  EXPECT_FALSE(lanes.FrontRunClosed(0));  // few records: lingering may fill the batch
  Batch first = lanes.TakeRun(0);
  EXPECT_EQ(first.endpoint, Endpoint::kContacts);
  EXPECT_EQ(Tickets(first), (std::vector<uint64_t>{1, 2}));  // a's second upsert waits behind its event
  Batch second = lanes.TakeRun(0);
  EXPECT_EQ(second.endpoint, Endpoint::kEvents);
  EXPECT_EQ(Tickets(second), (std::vector<uint64_t>{3, 4}));
  EXPECT_FALSE(lanes.FrontRunClosed(0));  // a lone trailing run may still grow
  Batch third = lanes.TakeRun(0);
  EXPECT_EQ(Tickets(third), (std::vector<uint64_t>{5}));
  EXPECT_TRUE(lanes.Empty(0));
}

TEST(OrderingLanesTest, RunIsCappedAtBatchSize) {
  OrderingLanes lanes(1, 3);
  const auto now = Clock::now();
  for (uint64_t t = 1; t <= 7; ++t) lanes.Push(Make(RecordKind::kEvent, "u", t), now);
  EXPECT_TRUE(lanes.FrontRunClosed(0));
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{4, 5, 6}));
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{7}));
}

TEST(OrderingLanesTest, DeletesGoOneByOne) {
  OrderingLanes lanes(1, 100);
  const auto now = Clock::now();
  lanes.Push(Make(RecordKind::kContactDelete, "a", 1), now);
  lanes.Push(Make(RecordKind::kContactDelete, "b", 2), now);
  EXPECT_TRUE(lanes.FrontRunClosed(0));
  Batch first = lanes.TakeRun(0);
  EXPECT_EQ(first.endpoint, Endpoint::kDelete);
  EXPECT_EQ(Tickets(first), (std::vector<uint64_t>{1}));
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{2}));
}

TEST(OrderingLanesTest, DeleteBatchHoldsDeletesOfDistinctUnblockedUsersUpToItsLimit) {
  OrderingLanes lanes(1, 100, /*coalesce=*/true, /*max_deletes=*/3);
  const auto now = Clock::now();
  lanes.Push(Make(RecordKind::kContactDelete, "a", 1), now);
  lanes.Push(Make(RecordKind::kContactUpsert, "b", 2), now);
  lanes.Push(Make(RecordKind::kContactDelete, "b", 3), now);  // behind b's upsert
  lanes.Push(Make(RecordKind::kContactDelete, "a", 4), now);  // a's second: after the first
  lanes.Push(Make(RecordKind::kContactDelete, "c", 5), now);
  lanes.Push(Make(RecordKind::kContactDelete, "d", 6), now);
  lanes.Push(Make(RecordKind::kContactDelete, "e", 7), now);  // over the limit
  Batch first = lanes.TakeRun(0);
  EXPECT_EQ(first.endpoint, Endpoint::kDelete);
  EXPECT_EQ(Tickets(first), (std::vector<uint64_t>{1, 5, 6}));
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{2}));
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{3, 4, 7}));
  EXPECT_TRUE(lanes.Empty(0));
}

TEST(OrderingLanesTest, FullEventBatchLeavesTheRestOfTheLaneInOrder) {
  OrderingLanes lanes(1, 2);
  const auto now = Clock::now();
  lanes.Push(Make(RecordKind::kContactUpsert, "a", 1), now);
  lanes.Push(Make(RecordKind::kEvent, "a", 2), now);
  lanes.Push(Make(RecordKind::kEvent, "b", 3), now);
  lanes.Push(Make(RecordKind::kEvent, "c", 4), now);
  lanes.Push(Make(RecordKind::kEvent, "d", 5), now);
  lanes.Push(Make(RecordKind::kContactUpsert, "e", 6), now);
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{1, 6}));
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{4, 5}));
  EXPECT_TRUE(lanes.Empty(0));
}

TEST(OrderingLanesTest, PushAsksForAWakeOnlyWhenTheLaneMayBecomeReady) {
  OrderingLanes lanes(1, 3);
  const auto now = Clock::now();
  EXPECT_TRUE(lanes.Push(Make(RecordKind::kEvent, "u", 1), now).wake);  // first record
  EXPECT_FALSE(lanes.Push(Make(RecordKind::kEvent, "u", 2), now).wake);
  EXPECT_TRUE(lanes.Push(Make(RecordKind::kEvent, "u", 3), now).wake);  // a full batch
  EXPECT_FALSE(lanes.Push(Make(RecordKind::kContactUpsert, "u", 4), now).wake);
  EXPECT_FALSE(lanes.Push(Make(RecordKind::kContactUpsert, "v", 5), now).wake);
  EXPECT_TRUE(lanes.Push(Make(RecordKind::kContactUpsert, "w", 6), now).wake);  // three contacts
  EXPECT_TRUE(lanes.Push(Make(RecordKind::kContactDelete, "w", 7), now).wake);
}

TEST(OrderingLanesTest, OldestQueuedTimeIsTheFrontRecords) {
  OrderingLanes lanes(1, 100);
  const auto t0 = Clock::now();
  lanes.Push(Make(RecordKind::kEvent, "u", 1), t0);
  lanes.Push(Make(RecordKind::kEvent, "u", 2), t0 + std::chrono::seconds(1));
  EXPECT_EQ(lanes.OldestQueuedAt(0), t0);
}

TEST(OrderingLanesTest, DependentEventOrDeleteBehindAContactBatchIsFound) {
  OrderingLanes lanes(1, 100);
  const auto now = Clock::now();
  lanes.Push(Make(RecordKind::kContactUpsert, "a", 1), now);
  lanes.Push(Make(RecordKind::kContactUpsert, "b", 2), now);
  lanes.Push(Make(RecordKind::kEvent, "c", 3), now);
  lanes.Push(Make(RecordKind::kContactUpsert, "b", 4), now);
  Batch contacts = lanes.TakeRun(0);
  EXPECT_FALSE(lanes.HoldsDependentOf(0, contacts));  // only c's event and b's upsert wait

  lanes.Push(Make(RecordKind::kEvent, "b", 5), now);
  EXPECT_TRUE(lanes.HoldsDependentOf(0, contacts));

  OrderingLanes other(1, 100);
  other.Push(Make(RecordKind::kContactDelete, "a", 6), now);
  EXPECT_TRUE(other.HoldsDependentOf(0, contacts));
  EXPECT_TRUE(HasDependent(contacts, {Make(RecordKind::kEvent, "a", 7)}));
  EXPECT_FALSE(HasDependent(contacts, {Make(RecordKind::kContactUpsert, "a", 8)}));
}

Record Upsert(std::string user, std::string json, uint64_t ticket) {
  Record r = Make(RecordKind::kContactUpsert, std::move(user), ticket);
  r.json = std::move(json);
  return r;
}

// Alternating contacts and events of different users used to close a batch
// at every endpoint change (about 2.75 records per request with 4 lanes).
TEST(OrderingLanesTest, AlternatingContactsAndEventsMakeFullBatches) {
  OrderingLanes lanes(1, 100);
  const auto now = Clock::now();
  uint64_t ticket = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string user = "u" + std::to_string(i);
    lanes.Push(Make(RecordKind::kContactUpsert, user, ++ticket), now);
    lanes.Push(Make(RecordKind::kEvent, user, ++ticket), now);
  }
  EXPECT_TRUE(lanes.FrontRunClosed(0));
  Batch contacts = lanes.TakeRun(0);
  EXPECT_EQ(contacts.endpoint, Endpoint::kContacts);
  ASSERT_EQ(contacts.records.size(), 100u);
  Batch events = lanes.TakeRun(0);
  EXPECT_EQ(events.endpoint, Endpoint::kEvents);
  ASSERT_EQ(events.records.size(), 100u);
  for (size_t i = 0; i < 100; ++i) {  // submission order within each batch
    EXPECT_EQ(contacts.records[i].ticket, 2 * i + 1);
    EXPECT_EQ(events.records[i].ticket, 2 * i + 2);
  }
  EXPECT_TRUE(lanes.Empty(0));
}

TEST(OrderingLanesTest, NoRecordOvertakesAnEarlierRecordOfItsUser) {
  OrderingLanes lanes(1, 100);
  const auto now = Clock::now();
  lanes.Push(Make(RecordKind::kEvent, "a", 1), now);
  lanes.Push(Make(RecordKind::kContactUpsert, "b", 2), now);
  lanes.Push(Make(RecordKind::kEvent, "b", 3), now);
  lanes.Push(Make(RecordKind::kContactDelete, "c", 4), now);
  lanes.Push(Make(RecordKind::kEvent, "c", 5), now);
  lanes.Push(Make(RecordKind::kEvent, "d", 6), now);
  lanes.Push(Make(RecordKind::kContactUpsert, "a", 7), now);
  lanes.Push(Make(RecordKind::kEvent, "a", 8), now);

  // Events of a and d; b's event waits for b's upsert, c's for c's delete,
  // a's second event for a's upsert.
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{1, 6}));
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{2, 7}));
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{3, 8}));
  Batch deleted = lanes.TakeRun(0);
  EXPECT_EQ(deleted.endpoint, Endpoint::kDelete);
  EXPECT_EQ(Tickets(deleted), (std::vector<uint64_t>{4}));
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{5}));
  EXPECT_TRUE(lanes.Empty(0));
}

TEST(OrderingLanesTest, QueuedUpsertsOfOneUserMergeLaterValuesWinAndKeepEveryOriginal) {
  OrderingLanes lanes(1, 100);
  const auto now = Clock::now();
  lanes.Push(Upsert("a", R"({"_user_id":"a","_email":"old@x.es","plan":"free"})", 1), now);
  lanes.Push(Upsert("b", R"({"_user_id":"b","plan":"pro"})", 2), now);
  lanes.Push(Upsert("a", R"({"_user_id":"a","_email":"new@x.es","city":null})", 3), now);
  lanes.Push(Upsert("a", R"({"_user_id":"a","plan":"pro"})", 4), now);

  Batch batch = lanes.TakeRun(0);
  ASSERT_EQ(batch.records.size(), 2u);
  EXPECT_EQ(batch.records[0].ticket, 1u);
  EXPECT_EQ(batch.records[0].json, R"({"_user_id":"a","_email":"new@x.es","plan":"pro","city":null})");
  EXPECT_EQ(batch.TicketsOf(0), (std::vector<uint64_t>{1, 3, 4}));
  ASSERT_TRUE(batch.IsMerged(0));
  EXPECT_EQ(batch.originals[0][0].json, R"({"_user_id":"a","_email":"old@x.es","plan":"free"})");
  EXPECT_EQ(batch.records[1].json, R"({"_user_id":"b","plan":"pro"})");
  EXPECT_FALSE(batch.IsMerged(1));
  EXPECT_EQ(batch.SubmittedCount(), 4u);
  EXPECT_TRUE(lanes.Empty(0));
}

TEST(OrderingLanesTest, UpsertBehindTheUsersEventIsNotMergedIntoAnEarlierOne) {
  OrderingLanes lanes(1, 100);
  const auto now = Clock::now();
  lanes.Push(Upsert("a", R"({"_user_id":"a","plan":"free"})", 1), now);
  lanes.Push(Make(RecordKind::kEvent, "a", 2), now);
  lanes.Push(Upsert("a", R"({"_user_id":"a","plan":"pro"})", 3), now);

  Batch first = lanes.TakeRun(0);
  EXPECT_EQ(Tickets(first), (std::vector<uint64_t>{1}));
  EXPECT_EQ(first.SubmittedCount(), 1u);  // the event must see plan=free first
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{2}));
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{3}));
}

TEST(OrderingLanesTest, EventsAreNeverCoalesced) {
  OrderingLanes lanes(1, 100);
  const auto now = Clock::now();
  for (uint64_t t = 1; t <= 3; ++t) lanes.Push(Make(RecordKind::kEvent, "a", t), now);
  Batch batch = lanes.TakeRun(0);
  EXPECT_EQ(Tickets(batch), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(batch.SubmittedCount(), 3u);
}

TEST(OrderingLanesTest, FullContactBatchStillAbsorbsLaterUpsertsOfItsUsers) {
  OrderingLanes lanes(1, 2);
  const auto now = Clock::now();
  lanes.Push(Upsert("a", R"({"_user_id":"a","n":1})", 1), now);
  lanes.Push(Upsert("b", R"({"_user_id":"b","n":1})", 2), now);
  lanes.Push(Upsert("c", R"({"_user_id":"c","n":1})", 3), now);
  lanes.Push(Upsert("a", R"({"_user_id":"a","n":2})", 4), now);
  lanes.Push(Upsert("c", R"({"_user_id":"c","n":2})", 5), now);

  Batch first = lanes.TakeRun(0);
  EXPECT_EQ(Tickets(first), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(first.records[0].json, R"({"_user_id":"a","n":2})");
  EXPECT_EQ(first.TicketsOf(0), (std::vector<uint64_t>{1, 4}));
  Batch second = lanes.TakeRun(0);  // c was left out of the full batch, and so is its later upsert
  EXPECT_EQ(Tickets(second), (std::vector<uint64_t>{3}));
  EXPECT_EQ(second.records[0].json, R"({"_user_id":"c","n":2})");
  EXPECT_EQ(second.TicketsOf(0), (std::vector<uint64_t>{3, 5}));
}

TEST(OrderingLanesTest, WithoutCoalescingEveryUpsertIsAnItem) {
  OrderingLanes lanes(1, 100, /*coalesce=*/false);
  const auto now = Clock::now();
  lanes.Push(Upsert("a", R"({"_user_id":"a","n":1})", 1), now);
  lanes.Push(Upsert("a", R"({"_user_id":"a","n":2})", 2), now);
  EXPECT_EQ(Tickets(lanes.TakeRun(0)), (std::vector<uint64_t>{1, 2}));
}

TEST(OrderingLanesTest, LaneClosesOnAFullBatchOfTheFrontEndpointOrABatchSizeInAll) {
  OrderingLanes lanes(1, 3);
  const auto now = Clock::now();
  lanes.Push(Make(RecordKind::kEvent, "a", 1), now);
  lanes.Push(Make(RecordKind::kEvent, "b", 2), now);
  EXPECT_FALSE(lanes.FrontRunClosed(0));
  lanes.Push(Make(RecordKind::kEvent, "c", 3), now);
  EXPECT_TRUE(lanes.FrontRunClosed(0));  // three events

  OrderingLanes mixed(1, 3);
  mixed.Push(Make(RecordKind::kContactUpsert, "a", 1), now);
  mixed.Push(Make(RecordKind::kEvent, "b", 2), now);
  EXPECT_FALSE(mixed.FrontRunClosed(0));
  mixed.Push(Make(RecordKind::kEvent, "c", 3), now);
  EXPECT_TRUE(mixed.FrontRunClosed(0));  // a's lone upsert does not wait for two more contacts
}

}  // namespace
}  // namespace cdc::sink
