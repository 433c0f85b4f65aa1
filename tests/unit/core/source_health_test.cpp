// ClockSkewCheck and LagMonitor with an injected clock: when they warn, how
// often, and what the lag gauges say.
#include <gtest/gtest.h>

#include "core/metrics/metrics.h"
#include "core/pipeline/clock_skew_check.h"
#include "core/pipeline/lag_monitor.h"

namespace cdc::core {
namespace {

constexpr int64_t kSecond = 1000000;
constexpr int64_t kT0 = 1700000000LL * kSecond;

TEST(ClockSkewCheck, WithinFiveMinutesNeverWarns) {
  ClockSkewCheck check;
  EXPECT_FALSE(check.Observe(kT0 + 299 * kSecond, kT0));
  EXPECT_FALSE(check.Observe(kT0 - 299 * kSecond, kT0));
  EXPECT_FALSE(check.skewed());
}

TEST(ClockSkewCheck, SkewEitherWayWarnsWithTheSignedSkew) {
  ClockSkewCheck ahead;
  EXPECT_EQ(ahead.Observe(kT0 + 400 * kSecond, kT0), 400 * kSecond);
  ClockSkewCheck behind;
  EXPECT_EQ(behind.Observe(kT0 - 600 * kSecond, kT0), -600 * kSecond);
  EXPECT_TRUE(behind.skewed());
}

TEST(ClockSkewCheck, WarnsOnceAMinuteWhileTheSkewLasts) {
  ClockSkewCheck check;
  int warnings = 0;
  for (int64_t s = 0; s < 180; ++s) {
    const int64_t local = kT0 + s * kSecond;
    if (check.Observe(local + 10 * 60 * kSecond, local)) ++warnings;
  }
  EXPECT_EQ(warnings, 3);  // at 0, 60 and 120 s
}

TEST(ClockSkewCheck, ANewEpisodeWarnsAtOnce) {
  ClockSkewCheck check;
  EXPECT_TRUE(check.Observe(kT0 + 10 * 60 * kSecond, kT0));
  EXPECT_FALSE(check.Observe(kT0 + kSecond, kT0 + kSecond));
  EXPECT_TRUE(check.Observe(kT0 + 2 * kSecond + 10 * 60 * kSecond, kT0 + 2 * kSecond));
}

TEST(ClockSkewCheck, OldCommitTimesAreLagNotSkew) {
  ClockSkewCheck check;
  EXPECT_FALSE(check.ObserveCommit(kT0 - 3600 * kSecond, kT0));
  EXPECT_EQ(check.ObserveCommit(kT0 + 3600 * kSecond, kT0), 3600 * kSecond);
}

Position Pos(uint64_t commit) { return Position{SourceKind::kPostgres, commit, commit, 0}; }

TEST(LagMonitor, SecondsAreTheAgeOfTheOldestUnacknowledgedTransaction) {
  Metrics metrics;
  LagMonitor lag("p", {}, metrics);
  EXPECT_EQ(lag.lag_seconds(kT0), 0);
  lag.NoteTxEnd(Pos(10), kT0 - 50 * kSecond);
  lag.NoteTxEnd(Pos(20), kT0 - 5 * kSecond);
  EXPECT_TRUE(lag.Observe(123, kT0).empty());
  EXPECT_EQ(metrics.Sum("instasent_cdc_source_lag_seconds", {{"pipeline", "p"}}), 50);
  EXPECT_EQ(metrics.Sum("instasent_cdc_source_lag_bytes", {{"pipeline", "p"}}), 123);
  lag.NoteConfirmed(Pos(10));
  EXPECT_EQ(lag.lag_seconds(kT0), 5);
  lag.NoteConfirmed(Pos(20));
  EXPECT_EQ(lag.lag_seconds(kT0), 0);
}

TEST(LagMonitor, WarnsOverAThresholdOnceAMinute) {
  Metrics metrics;
  LagMonitor lag("p", {1000, 300}, metrics);
  EXPECT_TRUE(lag.Observe(999, kT0).empty());
  EXPECT_FALSE(lag.Observe(1001, kT0).empty());
  EXPECT_TRUE(lag.Observe(5000, kT0 + 59 * kSecond).empty());
  EXPECT_FALSE(lag.Observe(5000, kT0 + 60 * kSecond).empty());
  // Back under, then over again: a new warning at once.
  EXPECT_TRUE(lag.Observe(10, kT0 + 61 * kSecond).empty());
  lag.NoteTxEnd(Pos(1), kT0);
  const std::string warning = lag.Observe(10, kT0 + 400 * kSecond);
  EXPECT_NE(warning.find("400 s"), std::string::npos) << warning;
}

TEST(LagMonitor, ZeroThresholdsNeverWarn) {
  Metrics metrics;
  LagMonitor lag("p", {0, 0}, metrics);
  lag.NoteTxEnd(Pos(1), kT0 - 100000 * kSecond);
  EXPECT_TRUE(lag.Observe(int64_t{1} << 40, kT0).empty());
}

}  // namespace
}  // namespace cdc::core
