#include "core/admin/snapshot_progress.h"

#include <gtest/gtest.h>

namespace cdc::core {
namespace {

using namespace std::chrono_literals;

TEST(SnapshotProgress, DescribesRowsEstimateRateAndEta) {
  EXPECT_EQ(SnapshotProgress::Describe(250, 1000, 50), "250 of about 1000 rows (25%), 50 rows/s, ETA 0:15");
  // Statistics can be stale: past the estimate there is no percentage and no ETA.
  EXPECT_EQ(SnapshotProgress::Describe(1200, 1000, 10), "1200 of about 1000 rows, 10 rows/s");
  EXPECT_EQ(SnapshotProgress::Describe(5, 0, 0), "5 rows, 0 rows/s");
  EXPECT_EQ(SnapshotProgress::Describe(0, 7200, 1), "0 of about 7200 rows (0%), 1 rows/s, ETA 2:00:00");
  EXPECT_EQ(SnapshotProgress::Bar(500, 1000, 100).substr(0, 42),
            "snapshot [###############...............] ");
}

TEST(SnapshotProgress, WithoutATerminalALineEveryIntervalAndAClosingLine) {
  SnapshotProgress p(/*terminal=*/false, 10s);
  const auto t0 = SnapshotProgress::Clock::now();
  EXPECT_FALSE(p.Sample(t0, false, 0, 0));  // not started: nothing
  EXPECT_FALSE(p.Sample(t0, true, 0, 1000));
  EXPECT_FALSE(p.Sample(t0 + 5s, true, 500, 1000));
  auto line = p.Sample(t0 + 10s, true, 1000, 1000);
  ASSERT_TRUE(line);
  EXPECT_FALSE(line->redraw);
  EXPECT_EQ(line->text.rfind("snapshot: 1000 of about 1000 rows (100%), ", 0), 0u) << line->text;
  auto done = p.Sample(t0 + 20s, false, 1000, 1000);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->text, "snapshot read: 1000 rows in 0:20, 50 rows/s");
  EXPECT_FALSE(p.Sample(t0 + 21s, false, 1000, 1000));  // once
}

TEST(SnapshotProgress, OnATerminalEverySampleRedrawsTheBar) {
  SnapshotProgress p(/*terminal=*/true);
  const auto t0 = SnapshotProgress::Clock::now();
  auto first = p.Sample(t0, true, 0, 100);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->redraw);
  auto next = p.Sample(t0 + 1s, true, 10, 100);
  ASSERT_TRUE(next);
  EXPECT_TRUE(next->redraw);
  EXPECT_NE(next->text.find("10 of about 100 rows (10%), 10 rows/s, ETA 0:09"), std::string::npos)
      << next->text;
  auto done = p.Sample(t0 + 2s, false, 100, 100);
  ASSERT_TRUE(done);
  EXPECT_FALSE(done->redraw);
  EXPECT_NE(done->text.find("snapshot read: 100 rows"), std::string::npos);
}

}  // namespace
}  // namespace cdc::core
