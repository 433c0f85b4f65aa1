#include "sink/sink_metrics.h"

namespace cdc::sink {

SinkMetrics::SinkMetrics(core::Metrics& metrics, const std::string& sink) {
  const core::RecordKind kinds[] = {core::RecordKind::kContactUpsert, core::RecordKind::kContactDelete,
                                    core::RecordKind::kEvent};
  const char* outcomes[] = {"accepted", "dead_lettered"};
  for (auto kind : kinds) {
    for (int o = 0; o < 2; ++o) {
      records_[static_cast<int>(kind)][o] = &metrics.Counter(
          "instasent_cdc_sink_records_total", "Records finished by the sink, by kind and outcome",
          {{"sink", sink}, {"kind", core::RecordKindName(kind)}, {"outcome", outcomes[o]}});
    }
  }
  const char* classes[] = {"2xx", "3xx", "4xx", "5xx", "error"};
  for (int c = 0; c < 5; ++c) {
    requests_[c] =
        &metrics.Counter("instasent_cdc_sink_requests_total", "HTTP requests answered, by status class",
                         {{"sink", sink}, {"status_class", classes[c]}});
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
}

core::Series& SinkMetrics::Requests(long status) {
  if (status >= 200 && status < 300) return *requests_[0];
  if (status >= 300 && status < 400) return *requests_[1];
  if (status >= 400 && status < 500) return *requests_[2];
  if (status >= 500 && status < 600) return *requests_[3];
  return *requests_[4];
}

}  // namespace cdc::sink
