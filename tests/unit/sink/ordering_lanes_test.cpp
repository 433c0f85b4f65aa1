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

TEST(OrderingLanesTest, RunStopsAtAnotherEndpointAndKeepsFifoOrder) {
  OrderingLanes lanes(1, 100);
  const auto now = Clock::now();
  lanes.Push(Make(RecordKind::kContactUpsert, "a", 1), now);
  lanes.Push(Make(RecordKind::kContactUpsert, "b", 2), now);
  lanes.Push(Make(RecordKind::kEvent, "a", 3), now);
  lanes.Push(Make(RecordKind::kEvent, "b", 4), now);
  lanes.Push(Make(RecordKind::kContactUpsert, "a", 5), now);

  EXPECT_TRUE(lanes.FrontRunClosed(0));
  Batch first = lanes.TakeRun(0);
  EXPECT_EQ(first.endpoint, Endpoint::kContacts);
  EXPECT_EQ(Tickets(first), (std::vector<uint64_t>{1, 2}));
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

TEST(OrderingLanesTest, PushAsksForAWakeOnlyWhenTheLaneMayBecomeReady) {
  OrderingLanes lanes(1, 3);
  const auto now = Clock::now();
  EXPECT_TRUE(lanes.Push(Make(RecordKind::kEvent, "u", 1), now).wake);  // first record
  EXPECT_FALSE(lanes.Push(Make(RecordKind::kEvent, "u", 2), now).wake);
  EXPECT_TRUE(lanes.Push(Make(RecordKind::kEvent, "u", 3), now).wake);          // run full
  EXPECT_TRUE(lanes.Push(Make(RecordKind::kContactUpsert, "u", 4), now).wake);  // endpoint change
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

}  // namespace
}  // namespace cdc::sink
