#include "core/pipeline/lag_monitor.h"

#include <algorithm>

namespace cdc::core {

namespace {
constexpr int64_t kLogEveryUs = 60LL * 1000 * 1000;
// Bounds the bookkeeping if acknowledgements stall for a very long backlog:
// the oldest entries are the ones that matter, newer ones can be dropped.
constexpr size_t kMaxOpen = 1 << 16;
}  // namespace

LagMonitor::LagMonitor(const std::string& pipeline, LagThresholds thresholds, Metrics& metrics)
    : thresholds_(thresholds),
      bytes_gauge_(metrics.Gauge("instasent_cdc_source_lag_bytes",
                                 "Source changes not yet confirmed, in bytes (-1 unknown)",
                                 {{"pipeline", pipeline}})),
      seconds_gauge_(metrics.Gauge("instasent_cdc_source_lag_seconds",
                                   "Age of the oldest transaction read but not yet acknowledged",
                                   {{"pipeline", pipeline}})) {}

void LagMonitor::NoteTxEnd(const Position& position, int64_t commit_time_us) {
  if (open_.size() >= kMaxOpen) return;
  open_.emplace_back(position, commit_time_us);
}

void LagMonitor::NoteConfirmed(const Position& position) {
  while (!open_.empty() && open_.front().first <= position) open_.pop_front();
}

int64_t LagMonitor::lag_seconds(int64_t now_us) const {
  if (open_.empty() || open_.front().second == 0) return 0;
  return std::max<int64_t>(0, (now_us - open_.front().second) / 1000000);
}

std::string LagMonitor::Observe(int64_t lag_bytes, int64_t now_us) {
  const int64_t seconds = lag_seconds(now_us);
  bytes_gauge_.Set(static_cast<double>(lag_bytes));
  seconds_gauge_.Set(static_cast<double>(seconds));
  const bool over_bytes = thresholds_.bytes > 0 && lag_bytes > thresholds_.bytes;
  const bool over_seconds = thresholds_.seconds > 0 && seconds > thresholds_.seconds;
  if (!over_bytes && !over_seconds) {
    warned_ = false;
    return {};
  }
  if (warned_ && now_us - last_warning_us_ < kLogEveryUs) return {};
  warned_ = true;
  last_warning_us_ = now_us;
  std::string text = "source lag ";
  text += std::to_string(lag_bytes) + " bytes / " + std::to_string(seconds) + " s is over the lag_warning threshold (";
  text += over_bytes ? std::to_string(thresholds_.bytes) + " bytes" : std::to_string(thresholds_.seconds) + " s";
  text += "): the destination is behind; on Postgres the slot keeps WAL on the server meanwhile";
  return text;
}

}  // namespace cdc::core
