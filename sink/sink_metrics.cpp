#include "sink/sink_metrics.h"

namespace cdc::sink {

SinkMetrics::SinkMetrics(core::Metrics& metrics, const std::string& sink) : metrics_(metrics), sink_(sink) {
  const core::RecordKind kinds[] = {core::RecordKind::kContactUpsert, core::RecordKind::kContactDelete,
                                    core::RecordKind::kEvent};
  const char* outcomes[kRecordOutcomeCount] = {"accepted", "rejected", "dead_lettered", "skipped"};
  for (auto kind : kinds) {
    for (int o = 0; o < kRecordOutcomeCount; ++o) {
      records_[static_cast<int>(kind)][o] = &metrics.Counter(
          "instasent_cdc_sink_records_total", "Records finished by the sink, by kind and outcome",
          {{"sink", sink}, {"kind", core::RecordKindName(kind)}, {"outcome", outcomes[o]}});
    }
  }
  retries_ =
      &metrics.Counter("instasent_cdc_sink_retries_total",
                       "Requests sent again after a 5xx, timeout or lost connection", {{"sink", sink}});
  rate_limited_ =
      &metrics.Counter("instasent_cdc_sink_rate_limited_total", "Requests answered 429", {{"sink", sink}});
  in_flight_ =
      &metrics.Gauge("instasent_cdc_sink_in_flight_requests", "Requests on the wire", {{"sink", sink}});
  buffered_ = &metrics.Gauge("instasent_cdc_sink_buffered_records",
                             "Records submitted and not yet acknowledged or dead-lettered", {{"sink", sink}});
  authorized_ = &metrics.Gauge("instasent_cdc_sink_authorized",
                               "1 once the destination accepted the credentials, 0 before or after a refusal",
                               {{"sink", sink}});
}

core::Series& SinkMetrics::Requests(long status) {
  const char* status_class = status >= 200 && status < 300   ? "2xx"
                             : status >= 300 && status < 400 ? "3xx"
                             : status >= 400 && status < 500 ? "4xx"
                             : status >= 500 && status < 600 ? "5xx"
                                                             : "error";
  // Registered on first use: a handful of codes ever occur. The class label
  // is redundant with the code and kept for dashboards that group by it.
  return metrics_.Counter("instasent_cdc_sink_requests_total",
                          "HTTP requests answered, by status code and class",
                          {{"sink", sink_},
                           {"code", status > 0 ? std::to_string(status) : "error"},
                           {"status_class", status_class}});
}

core::Series& SinkMetrics::Batches(const std::string& endpoint) {
  return metrics_.Counter("instasent_cdc_sink_batches_total",
                          "Batches finished (each record accepted, rejected or dead-lettered), by endpoint",
                          {{"sink", sink_}, {"endpoint", endpoint}});
}

}  // namespace cdc::sink
