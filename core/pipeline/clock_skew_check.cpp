#include "core/pipeline/clock_skew_check.h"

namespace cdc::core {

std::optional<int64_t> ClockSkewCheck::Observe(int64_t source_us, int64_t local_us) {
  const int64_t skew = source_us - local_us;
  return Note(skew > threshold_us_ || skew < -threshold_us_, skew, local_us);
}

std::optional<int64_t> ClockSkewCheck::ObserveCommit(int64_t commit_us, int64_t local_us) {
  const int64_t skew = commit_us - local_us;
  return Note(skew > threshold_us_, skew, local_us);
}

std::optional<int64_t> ClockSkewCheck::Note(bool skewed, int64_t skew_us, int64_t local_us) {
  skewed_ = skewed;
  if (!skewed) {
    // A new episode warns at once.
    last_warning_us_.reset();
    return std::nullopt;
  }
  if (last_warning_us_ && local_us - *last_warning_us_ < log_every_us_) return std::nullopt;
  last_warning_us_ = local_us;
  return skew_us;
}

}  // namespace cdc::core
