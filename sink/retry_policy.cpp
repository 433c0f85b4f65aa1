#include "sink/retry_policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <random>
#include <string>

namespace cdc::sink {

namespace {

// Values below this are read as a delta in seconds: no real reset time lies
// before 1971, and a server that sends a delta sends a small one.
constexpr int64_t kEpochThreshold = 365LL * 24 * 3600;

std::optional<int64_t> ParseInteger(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

RetryPolicy::RetryPolicy(Options options, std::function<Clock::time_point()> now,
                         std::function<double()> random, std::function<int64_t()> now_epoch_s)
    : options_(options),
      now_(std::move(now)),
      random_(std::move(random)),
      now_epoch_s_(std::move(now_epoch_s)) {
  if (!now_) now_ = [] { return Clock::now(); };
  if (!random_) {
    random_ = [engine = std::mt19937_64(std::random_device{}())]() mutable {
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
  }
  if (!now_epoch_s_) {
    now_epoch_s_ = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

RetryPolicy::Duration RetryPolicy::Ceiling(int attempt) const {
  if (attempt < 1) attempt = 1;
  // Doubling past 2^20 only overflows; the cap is reached long before.
  const int shift = std::min(attempt - 1, 20);
  const int64_t ceiling = options_.base.count() << shift;
  return Duration(std::min<int64_t>(ceiling, options_.max.count()));
}

RetryPolicy::Duration RetryPolicy::Backoff(int attempt) {
  const double fraction = std::clamp(random_(), 0.0, 1.0);
  return Duration(static_cast<int64_t>(fraction * static_cast<double>(Ceiling(attempt).count())));
}

std::optional<int64_t> RetryPolicy::ResetDelaySeconds(std::string_view value) const {
  auto number = ParseInteger(value);
  if (!number || *number < 0) return std::nullopt;
  if (*number < kEpochThreshold) return *number;
  return std::max<int64_t>(0, *number - now_epoch_s_());
}

std::optional<int64_t> RetryPolicy::RetryAfterSeconds(std::string_view value) const {
  if (auto number = ParseInteger(value)) {
    if (*number < 0) return std::nullopt;
    return *number;
  }
  // An HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"); libcurl parses every form.
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::max<int64_t>(0, static_cast<int64_t>(when) - now_epoch_s_());
}

RetryPolicy::Clock::time_point RetryPolicy::RateLimitedUntil(std::optional<std::string_view> rate_limit_reset,
                                                             std::optional<std::string_view> retry_after,
                                                             int attempt) {
  std::optional<int64_t> seconds;
  if (retry_after) seconds = RetryAfterSeconds(*retry_after);
  if (!seconds && rate_limit_reset) seconds = ResetDelaySeconds(*rate_limit_reset);
  Duration wait = seconds ? Duration(*seconds * 1000) : Backoff(attempt);
  // A reset in the same second as now still deserves a short pause, so a burst
  // of 429s does not become a tight loop.
  wait = std::max(wait, std::min(options_.base, Duration(100)));
  wait = std::min(wait, options_.max_rate_limit_wait);
  return now_() + wait;
}

}  // namespace cdc::sink
