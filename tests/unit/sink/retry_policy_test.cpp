#include "sink/retry_policy.h"

#include <gtest/gtest.h>

#include <chrono>

namespace cdc::sink {
namespace {

using std::chrono::milliseconds;

struct FakeTime {
  RetryPolicy::Clock::time_point now{std::chrono::seconds(1000)};
  double random = 0.5;
  int64_t epoch_s = 1893452000;
};

RetryPolicy MakePolicy(FakeTime& t, RetryPolicy::Options options = {}) {
  return RetryPolicy(
      options, [&t] { return t.now; }, [&t] { return t.random; }, [&t] { return t.epoch_s; });
}

TEST(RetryPolicyTest, CeilingDoublesFromBaseUpToMax) {
  FakeTime t;
  RetryPolicy policy = MakePolicy(t, {milliseconds(100), milliseconds(1000)});
  EXPECT_EQ(policy.Ceiling(1), milliseconds(100));
  EXPECT_EQ(policy.Ceiling(2), milliseconds(200));
  EXPECT_EQ(policy.Ceiling(3), milliseconds(400));
  EXPECT_EQ(policy.Ceiling(4), milliseconds(800));
  EXPECT_EQ(policy.Ceiling(5), milliseconds(1000));
  EXPECT_EQ(policy.Ceiling(500), milliseconds(1000));  // no overflow for long outages
}

TEST(RetryPolicyTest, FullJitterSpansZeroToCeiling) {
  FakeTime t;
  RetryPolicy policy = MakePolicy(t, {milliseconds(100), milliseconds(1000)});
  t.random = 0.0;
  EXPECT_EQ(policy.Backoff(3), milliseconds(0));
  t.random = 0.5;
  EXPECT_EQ(policy.Backoff(3), milliseconds(200));
  t.random = 0.999999;
  EXPECT_EQ(policy.Backoff(3), milliseconds(399));
  EXPECT_EQ(policy.Backoff(40), milliseconds(999));
}

TEST(RetryPolicyTest, RealRandomSourceStaysWithinCeiling) {
  RetryPolicy policy({milliseconds(50), milliseconds(400)});
  for (int attempt = 1; attempt < 12; ++attempt) {
    for (int i = 0; i < 200; ++i) {
      const auto delay = policy.Backoff(attempt);
      ASSERT_GE(delay.count(), 0);
      ASSERT_LE(delay, policy.Ceiling(attempt));
    }
  }
}

TEST(RetryPolicyTest, RateLimitResetAsEpochSecondsWaitsUntilThen) {
  FakeTime t;
  RetryPolicy policy = MakePolicy(t);
  const auto until = policy.RateLimitedUntil(std::to_string(t.epoch_s + 42), std::nullopt, 1);
  EXPECT_EQ(until - t.now, std::chrono::seconds(42));
}

TEST(RetryPolicyTest, SmallRateLimitResetIsADelta) {
  FakeTime t;
  RetryPolicy policy = MakePolicy(t);
  EXPECT_EQ(policy.RateLimitedUntil("7", std::nullopt, 1) - t.now, std::chrono::seconds(7));
}

TEST(RetryPolicyTest, ResetInThePastStillPausesBriefly) {
  FakeTime t;
  RetryPolicy policy = MakePolicy(t);
  const auto until = policy.RateLimitedUntil(std::to_string(t.epoch_s - 5), std::nullopt, 1);
  EXPECT_EQ(until - t.now, milliseconds(100));
}

TEST(RetryPolicyTest, RetryAfterSecondsWinsOverReset) {
  FakeTime t;
  RetryPolicy policy = MakePolicy(t);
  const auto until = policy.RateLimitedUntil(std::to_string(t.epoch_s + 50), "2", 1);
  EXPECT_EQ(until - t.now, std::chrono::seconds(2));
}

TEST(RetryPolicyTest, RetryAfterHttpDateIsParsed) {
  FakeTime t;
  t.epoch_s = 1445412470;  // Wed, 21 Oct 2015 07:27:50 GMT
  RetryPolicy policy = MakePolicy(t);
  const auto until = policy.RateLimitedUntil(std::nullopt, "Wed, 21 Oct 2015 07:28:00 GMT", 1);
  EXPECT_EQ(until - t.now, std::chrono::seconds(10));
}

TEST(RetryPolicyTest, UnreadableHeadersFallBackToBackoff) {
  FakeTime t;
  t.random = 0.5;
  RetryPolicy policy = MakePolicy(t, {milliseconds(1000), milliseconds(8000)});
  const auto until = policy.RateLimitedUntil("soon", "later", 3);
  EXPECT_EQ(until - t.now, milliseconds(2000));
}

TEST(RetryPolicyTest, RateLimitWaitIsCapped) {
  FakeTime t;
  RetryPolicy::Options options;
  options.max_rate_limit_wait = milliseconds(5000);
  RetryPolicy policy = MakePolicy(t, options);
  EXPECT_EQ(policy.RateLimitedUntil(std::to_string(t.epoch_s + 3600), std::nullopt, 1) - t.now,
            milliseconds(5000));
}

}  // namespace
}  // namespace cdc::sink
