// RateLimiter: fixed 60 s windows (aligned to the epoch minute) per datasource and
// endpoint, as the `X-RateLimit-*` headers describe them. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "tests/emulator/clock.h"

namespace cdc::emulator {

struct RateLimitState {
  bool allowed = true;
  int64_t limit = 0;
  int64_t remaining = 0;
  int64_t reset_epoch = 0;  // end of the current window, epoch seconds
  int64_t retry_after = 0;  // seconds until reset (at least 1)
};

class RateLimiter {
 public:
  // Reported as the limit when no limit is configured, so clients never throttle.
  static constexpr int64_t kUnlimited = 1000000;

  explicit RateLimiter(const Clock& clock) : clock_(clock) {}

  // Counts one request against `key`; `limit` 0 = unlimited.
  RateLimitState Hit(const std::string& key, int64_t limit);
  // The state without counting (for requests that are not attributed to a window).
  RateLimitState Peek(const std::string& key, int64_t limit);
  void Reset();

 private:
  struct Window {
    int64_t index = -1;
    int64_t count = 0;
  };
  RateLimitState Compute(const std::string& key, int64_t limit, bool count);

  const Clock& clock_;
  std::mutex mu_;
  std::map<std::string, Window> windows_;
};

}  // namespace cdc::emulator
