// LagMonitor: how far the destination is behind the source, for every source
// kind. Bytes come from the source (Postgres: server WAL end minus the
// confirmed LSN; MySQL when known); seconds are the age of the oldest
// transaction read but not yet acknowledged (0 when everything is confirmed).
// Sets the gauges instasent_cdc_source_lag_bytes / _seconds and warns at most
// once a minute while a threshold is crossed. Pipeline thread only; the
// clock is passed in.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>

#include "core/metrics/metrics.h"
#include "core/model/position.h"

namespace cdc::core {

struct LagThresholds {
  int64_t bytes = 0;    // 0 = no warning
  int64_t seconds = 0;  // 0 = no warning
};

class LagMonitor {
 public:
  LagMonitor(const std::string& pipeline, LagThresholds thresholds, Metrics& metrics);

  // A transaction the source finished reading, with its commit time.
  void NoteTxEnd(const Position& position, int64_t commit_time_us);
  // Everything up to `position` is acknowledged.
  void NoteConfirmed(const Position& position);
  // Updates the gauges; returns the warning text when one is due now.
  std::string Observe(int64_t lag_bytes, int64_t now_us);

  int64_t lag_seconds(int64_t now_us) const;

 private:
  const LagThresholds thresholds_;
  Series& bytes_gauge_;
  Series& seconds_gauge_;
  std::deque<std::pair<Position, int64_t>> open_;  // unacknowledged TxEnds, oldest first
  int64_t last_warning_us_ = 0;
  bool warned_ = false;
};

}  // namespace cdc::core
