#include "core/checkpoint/checkpointer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

namespace cdc::core {
namespace {

Position Tx(uint64_t commit) { return Position{SourceKind::kPostgres, commit, 0, 0}; }

TEST(CheckpointerTest, NothingConfirmableUntilATransactionEnds) {
  Checkpointer cp;
  uint64_t a = cp.Track();
  cp.Done(a);
  EXPECT_FALSE(cp.Confirmable().has_value());
  cp.TrackTxEnd(Tx(100));
  ASSERT_TRUE(cp.Confirmable().has_value());
  EXPECT_EQ(cp.Confirmable()->commit, 100u);
  EXPECT_EQ(cp.Outstanding(), 0u);
}

TEST(CheckpointerTest, OutOfOrderAcksHoldBackTheMark) {
  Checkpointer cp;
  uint64_t a = cp.Track();
  uint64_t b = cp.Track();
  cp.TrackTxEnd(Tx(100));
  uint64_t c = cp.Track();
  cp.TrackTxEnd(Tx(200));

  cp.Done(c);  // the second transaction is done, but the first is not
  EXPECT_FALSE(cp.Confirmable().has_value());
  cp.Done(b);
  EXPECT_FALSE(cp.Confirmable().has_value());
  cp.Done(a);  // now both are
  EXPECT_EQ(cp.Confirmable()->commit, 200u);
}

TEST(CheckpointerTest, EmptyTransactionsAdvanceWhenEverythingBeforeIsDone) {
  Checkpointer cp;
  uint64_t a = cp.Track();
  cp.TrackTxEnd(Tx(100));
  cp.TrackTxEnd(Tx(150));  // a transaction with no mapped rows
  EXPECT_FALSE(cp.Confirmable().has_value());
  cp.Done(a);
  EXPECT_EQ(cp.Confirmable()->commit, 150u);
}

TEST(CheckpointerTest, RepeatedAndUnknownTicketsAreIgnored) {
  Checkpointer cp;
  uint64_t a = cp.Track();
  cp.TrackTxEnd(Tx(100));
  cp.Done(a);
  cp.Done(a);
  cp.Done(999);
  EXPECT_EQ(cp.Confirmable()->commit, 100u);
  uint64_t b = cp.Track();
  cp.TrackTxEnd(Tx(200));
  EXPECT_EQ(cp.Confirmable()->commit, 100u);
  cp.Done(b);
  EXPECT_EQ(cp.Confirmable()->commit, 200u);
}

TEST(CheckpointerTest, ConcurrentRandomAcksNeverConfirmPastAnUnackedRecord) {
  Checkpointer cp;
  constexpr int kTx = 2000, kPerTx = 5;
  std::vector<std::pair<uint64_t, uint64_t>> tickets;  // ticket, commit
  for (int t = 1; t <= kTx; ++t) {
    for (int r = 0; r < kPerTx; ++r) tickets.push_back({cp.Track(), uint64_t(t)});
    cp.TrackTxEnd(Tx(t));
  }
  std::shuffle(tickets.begin(), tickets.end(), std::mt19937(7));
  std::vector<std::thread> threads;
  std::atomic<bool> violated{false};
  std::vector<std::atomic<bool>> acked(kTx * (kPerTx + 1) + 1);
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (size_t i = w; i < tickets.size(); i += 4) {
        acked[tickets[i].first] = true;
        cp.Done(tickets[i].first);
        // Every record of every transaction at or before the mark must be acked.
        if (auto mark = cp.Confirmable()) {
          const uint64_t t = mark->commit;
          for (int r = 0; r < kPerTx; ++r) {
            if (!acked[(t - 1) * (kPerTx + 1) + r + 1]) violated = true;
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_FALSE(violated);
  EXPECT_EQ(cp.Confirmable()->commit, uint64_t(kTx));
  EXPECT_EQ(cp.Outstanding(), 0u);
}

}  // namespace
}  // namespace cdc::core
