// RetryPolicy: when to send a failed request again. Exponential backoff with
// full jitter for 5xx/timeouts/resets (never gives up), and the wait a 429
// asks for. The clock and the random source are injected so tests are exact.
// Not thread-safe: one owner (the sink's HTTP thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace cdc::sink {

class RetryPolicy {
 public:
  using Clock = std::chrono::steady_clock;
  using Duration = std::chrono::milliseconds;

  struct Options {
    Duration base{200};                    // ceiling of the first retry's delay
    Duration max{30000};                   // ceiling of any retry's delay
    Duration max_rate_limit_wait{300000};  // a 429 never pauses longer than this
  };

  // `random` returns a uniform fraction in [0, 1); `now_epoch_s` the wall clock
  // in Unix seconds (for X-RateLimit-Reset). Empty functions use the real ones.
  RetryPolicy(Options options, std::function<Clock::time_point()> now = {},
              std::function<double()> random = {}, std::function<int64_t()> now_epoch_s = {});

  // Ceiling of the delay before retry number `attempt` (1-based): base·2^(attempt-1),
  // capped at max.
  Duration Ceiling(int attempt) const;

  // Full jitter: a uniform delay in [0, Ceiling(attempt)].
  Duration Backoff(int attempt);

  // When the request answered 429 may be sent again. Retry-After (delta seconds
  // or an HTTP date) is specific to this answer and wins; otherwise
  // X-RateLimit-Reset, read as Unix seconds, or as a delta when the value is
  // small (< one year of seconds); with neither, the backoff of `attempt`.
  Clock::time_point RateLimitedUntil(std::optional<std::string_view> rate_limit_reset,
                                     std::optional<std::string_view> retry_after, int attempt);

  Clock::time_point Now() const { return now_(); }

 private:
  // Seconds to wait from "now" for one header, or nullopt when unparseable.
  std::optional<int64_t> ResetDelaySeconds(std::string_view value) const;
  std::optional<int64_t> RetryAfterSeconds(std::string_view value) const;

  Options options_;
  std::function<Clock::time_point()> now_;
  std::function<double()> random_;
  std::function<int64_t()> now_epoch_s_;
};

}  // namespace cdc::sink
