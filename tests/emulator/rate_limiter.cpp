#include "tests/emulator/rate_limiter.h"

#include <algorithm>
#include <chrono>

namespace cdc::emulator {

RateLimitState RateLimiter::Compute(const std::string& key, int64_t limit, bool count) {
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
          .count();
  const int64_t index = now_ms / 60000;
  std::lock_guard lock(mu_);
  Window& w = windows_[key];
  if (w.index != index) w = {index, 0};
  const int64_t effective = limit > 0 ? limit : kUnlimited;
  RateLimitState st;
  st.limit = effective;
  st.reset_epoch = (index + 1) * 60;
  st.retry_after = std::max<int64_t>(1, ((index + 1) * 60000 - now_ms + 999) / 1000);
  if (count) {
    if (limit > 0 && w.count >= limit) {
      st.allowed = false;
    } else {
      ++w.count;
    }
  }
  st.remaining = std::max<int64_t>(0, effective - w.count);
  return st;
}

RateLimitState RateLimiter::Hit(const std::string& key, int64_t limit) {
  return Compute(key, limit, true);
}

RateLimitState RateLimiter::Peek(const std::string& key, int64_t limit) {
  return Compute(key, limit, false);
}

void RateLimiter::Reset() {
  std::lock_guard lock(mu_);
  windows_.clear();
}

}  // namespace cdc::emulator
