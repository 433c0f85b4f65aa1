// SinkMetrics: the series one sink updates, looked up once at construction
// (`instasent_cdc_sink_*`, labelled with the sink name). Thread-safe.
// Record outcomes are exclusive: accepted (the destination took it), rejected
// (the destination refused it; it is in the dead-letter store), dead_lettered
// (never sent: the sink cannot express it; in the dead-letter store), skipped
// (nothing to do: a delete of a contact the destination does not have).
#pragma once

#include <string>

#include "core/metrics/metrics.h"
#include "core/model/record.h"

namespace cdc::sink {

enum class RecordOutcome : uint8_t { kAccepted, kRejected, kDeadLettered, kSkipped };
inline constexpr int kRecordOutcomeCount = 4;

class SinkMetrics {
 public:
  SinkMetrics(core::Metrics& metrics, const std::string& sink);

  core::Series& Records(core::RecordKind kind, RecordOutcome outcome) {
    return *records_[static_cast<int>(kind)][static_cast<int>(outcome)];
  }
  // By HTTP status code ("202", "429"...) and class ("2xx"); 0 (no answer) is "error".
  core::Series& Requests(long status);
  // Batches finished (every record accepted, rejected or dead-lettered), by endpoint.
  core::Series& Batches(const std::string& endpoint);
  core::Series& retries() { return *retries_; }
  core::Series& rate_limited() { return *rate_limited_; }
  core::Series& in_flight() { return *in_flight_; }
  core::Series& buffered() { return *buffered_; }
  // 1 once the destination accepted the credentials (readiness), 0 before and after a 401/404.
  core::Series& authorized() { return *authorized_; }

 private:
  core::Metrics& metrics_;
  const std::string sink_;
  core::Series* records_[3][kRecordOutcomeCount];
  core::Series* retries_;
  core::Series* rate_limited_;
  core::Series* in_flight_;
  core::Series* buffered_;
  core::Series* authorized_;
};

}  // namespace cdc::sink
