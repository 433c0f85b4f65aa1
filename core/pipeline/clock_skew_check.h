// ClockSkewCheck: compares the source's clock (its now() at connect, commit
// times of fresh changes) with the local one and says when to warn: the ±1 h
// automation window depends on both agreeing. Warns at most once a minute
// while the skew lasts. Not thread-safe; the clock is passed in (testable).
#pragma once

#include <cstdint>
#include <optional>

namespace cdc::core {

class ClockSkewCheck {
 public:
  static constexpr int64_t kDefaultThresholdUs = 5LL * 60 * 1000 * 1000;
  static constexpr int64_t kDefaultLogEveryUs = 60LL * 1000 * 1000;

  explicit ClockSkewCheck(int64_t threshold_us = kDefaultThresholdUs, int64_t log_every_us = kDefaultLogEveryUs)
      : threshold_us_(threshold_us), log_every_us_(log_every_us) {}

  // `source_us` is a time read from the source at local time `local_us`.
  // Returns the skew (source minus local) when a warning is due now.
  std::optional<int64_t> Observe(int64_t source_us, int64_t local_us);

  // Only a source time ahead of the local clock counts: a commit time in the
  // past is as well explained by lag (reported as lag seconds).
  std::optional<int64_t> ObserveCommit(int64_t commit_us, int64_t local_us);

  bool skewed() const { return skewed_; }

 private:
  std::optional<int64_t> Note(bool skewed, int64_t skew_us, int64_t local_us);

  const int64_t threshold_us_;
  const int64_t log_every_us_;
  bool skewed_ = false;
  std::optional<int64_t> last_warning_us_;
};

}  // namespace cdc::core
