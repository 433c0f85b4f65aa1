#include "sink/batch.h"

#include <gtest/gtest.h>

#include <string>

namespace cdc::sink {
namespace {

Batch MakeBatch(int n) {
  Batch batch;
  batch.endpoint = Endpoint::kEvents;
  batch.sync = true;
  batch.attempt = 3;
  for (int i = 0; i < n; ++i) {
    core::Record r;
    r.kind = core::RecordKind::kEvent;
    r.user_id = "u" + std::to_string(i);
    r.json = "{\"_user_id\":\"u" + std::to_string(i) + "\"}";
    r.ticket = static_cast<uint64_t>(i);
    batch.records.push_back(r);
  }
  return batch;
}

TEST(BatchTest, JoinItemsMakesAJsonArrayOfTheSerialisedItems) {
  EXPECT_EQ(JoinItems(MakeBatch(0)), "[]");
  EXPECT_EQ(JoinItems(MakeBatch(1)), "[{\"_user_id\":\"u0\"}]");
  EXPECT_EQ(JoinItems(MakeBatch(3)), "[{\"_user_id\":\"u0\"},{\"_user_id\":\"u1\"},{\"_user_id\":\"u2\"}]");
}

TEST(BatchTest, SplitInHalvesKeepsEachItemsOriginals) {
  Batch batch = MakeBatch(4);
  batch.originals.resize(4);
  batch.originals[0] = {batch.records[0], MakeBatch(11).records[10]};
  batch.originals[3] = {batch.records[3], MakeBatch(12).records[11], MakeBatch(13).records[12]};
  EXPECT_EQ(batch.SubmittedCount(), 7u);
  auto [first, second] = SplitInHalves(std::move(batch));
  EXPECT_EQ(first.TicketsOf(0), (std::vector<uint64_t>{0, 10}));
  EXPECT_EQ(first.TicketsOf(1), (std::vector<uint64_t>{1}));
  EXPECT_EQ(second.TicketsOf(1), (std::vector<uint64_t>{3, 11, 12}));
  EXPECT_EQ(first.SubmittedCount() + second.SubmittedCount(), 7u);
}

TEST(BatchTest, UnmergeGivesTheOriginalsInSubmissionOrder) {
  Batch batch = MakeBatch(3);
  batch.endpoint = Endpoint::kContacts;
  batch.originals.resize(3);
  batch.originals[0] = {batch.records[0], MakeBatch(8).records[7]};
  batch.originals[2] = {batch.records[2], MakeBatch(10).records[9]};
  Batch again = Unmerge(batch, {0, 2});
  EXPECT_EQ(again.endpoint, Endpoint::kContacts);
  ASSERT_EQ(again.records.size(), 4u);
  EXPECT_EQ(again.records[0].ticket, 0u);
  EXPECT_EQ(again.records[1].ticket, 7u);
  EXPECT_EQ(again.records[2].ticket, 2u);
  EXPECT_EQ(again.records[3].ticket, 9u);
  EXPECT_EQ(again.SubmittedCount(), 4u);
}

TEST(BatchTest, MergeContactItemLetsLaterAttributesWinAndKeepsTheRest) {
  std::string item = R"({"_user_id":"a","_email":"a@x.es","plan":"free","n":1})";
  ASSERT_TRUE(MergeContactItem(item, R"({"_user_id":"a","plan":null,"n":2,"city":"Bilbao"})"));
  EXPECT_EQ(item, R"({"_user_id":"a","_email":"a@x.es","plan":null,"n":2,"city":"Bilbao"})");
  const std::string before = item;
  EXPECT_FALSE(MergeContactItem(item, "[1]"));
  EXPECT_EQ(item, before);
}

TEST(BatchTest, MergeContactItemKeepsNumbersNestedValuesAndEscapesAsWritten) {
  std::string item = R"({"_user_id":"a","amount":10.10,"tags":{"x":[1,"}"]},"q":"say \"hi\", ok"})";
  ASSERT_TRUE(MergeContactItem(item, R"({ "amount" : 12345678901234567890.50 , "new":"v,}"})"));
  EXPECT_EQ(
      item,
      R"({"_user_id":"a","amount":12345678901234567890.50,"tags":{"x":[1,"}"]},"q":"say \"hi\", ok","new":"v,}"})");
  std::string empty = "{}";
  ASSERT_TRUE(MergeContactItem(empty, R"({"a":null})"));
  EXPECT_EQ(empty, R"({"a":null})");
}

TEST(BatchTest, MergeContactItemRejectsWhatIsNotAnObject) {
  for (const char* bad : {"[1]", "{\"a\":tru}", "{\"a\":1", "{\"a\" 1}", "{\"a\":1}x", "\"s\""}) {
    std::string item = R"({"a":1})";
    EXPECT_FALSE(MergeContactItem(item, bad)) << bad;
    EXPECT_EQ(item, R"({"a":1})") << bad;
  }
}

TEST(BatchTest, SplitInHalvesKeepsOrderEndpointAndSyncAndResetsAttempts) {
  auto [first, second] = SplitInHalves(MakeBatch(5));
  ASSERT_EQ(first.records.size(), 2u);
  ASSERT_EQ(second.records.size(), 3u);
  EXPECT_EQ(first.records[0].ticket, 0u);
  EXPECT_EQ(first.records[1].ticket, 1u);
  EXPECT_EQ(second.records[0].ticket, 2u);
  EXPECT_EQ(second.records[2].ticket, 4u);
  EXPECT_EQ(first.endpoint, Endpoint::kEvents);
  EXPECT_EQ(second.endpoint, Endpoint::kEvents);
  EXPECT_TRUE(first.sync);
  EXPECT_TRUE(second.sync);
  EXPECT_EQ(first.attempt, 0);
  EXPECT_EQ(second.attempt, 0);
}

// Repeated halving isolates one bad item out of 100 in at most 7 levels, and
// every good item ends up in a batch without the bad one.
TEST(BatchTest, RepeatedSplittingIsolatesTheBadItem) {
  const uint64_t bad = 67;
  std::vector<Batch> work{MakeBatch(100)};
  std::vector<uint64_t> sent_ok;
  int requests = 0;
  while (!work.empty()) {
    Batch batch = std::move(work.front());
    work.erase(work.begin());
    ++requests;
    bool has_bad = false;
    for (const auto& r : batch.records) has_bad |= r.ticket == bad;
    if (!has_bad) {
      for (const auto& r : batch.records) sent_ok.push_back(r.ticket);
      continue;
    }
    if (batch.records.size() == 1) continue;  // dead-lettered
    auto [a, b] = SplitInHalves(std::move(batch));
    work.insert(work.begin(), std::move(b));
    work.insert(work.begin(), std::move(a));
  }
  ASSERT_EQ(sent_ok.size(), 99u);
  for (size_t i = 0; i + 1 < sent_ok.size(); ++i) EXPECT_LT(sent_ok[i], sent_ok[i + 1]);
  EXPECT_LE(requests, 1 + 2 * 7);
}

TEST(BatchTest, EndpointOfEachRecordKind) {
  EXPECT_EQ(EndpointOf(core::RecordKind::kContactUpsert), Endpoint::kContacts);
  EXPECT_EQ(EndpointOf(core::RecordKind::kContactDelete), Endpoint::kDelete);
  EXPECT_EQ(EndpointOf(core::RecordKind::kEvent), Endpoint::kEvents);
}

}  // namespace
}  // namespace cdc::sink
