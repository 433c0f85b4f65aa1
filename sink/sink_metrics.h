// SinkMetrics: the series one sink updates, looked up once at construction
// (`instasent_cdc_sink_*`, labelled with the sink name). Thread-safe.
#pragma once

#include <string>

#include "core/metrics/metrics.h"
#include "core/model/record.h"

namespace cdc::sink {

enum class RecordOutcome : uint8_t { kAccepted, kDeadLettered };

class SinkMetrics {
 public:
  SinkMetrics(core::Metrics& metrics, const std::string& sink);

  core::Series& Records(core::RecordKind kind, RecordOutcome outcome) {
    return *records_[static_cast<int>(kind)][static_cast<int>(outcome)];
  }
  // By status class: 200 → "2xx", 404 → "4xx", 0 (no answer) → "error".
  core::Series& Requests(long status);
  core::Series& retries() { return *retries_; }
  core::Series& rate_limited() { return *rate_limited_; }
  core::Series& in_flight() { return *in_flight_; }
  core::Series& buffered() { return *buffered_; }

 private:
  core::Series* records_[3][2];
  core::Series* requests_[5];  // 2xx 3xx 4xx 5xx error
  core::Series* retries_;
  core::Series* rate_limited_;
  core::Series* in_flight_;
  core::Series* buffered_;
};

}  // namespace cdc::sink
