// The Encharge Ingest API sink (INSTASENT_API.md §11): one POST per record (no
// batching), per-user ordering lanes with one request in flight each, retries
// without limit for 5xx/408/429/timeouts (the shared RetryPolicy), dead letters
// for other 4xx, sticky kConfig on 401/403/404. Options mirror
// config::SinkConfig (sink/ never includes config/).
#pragma once

#include <memory>
#include <string>

#include "core/metrics/metrics.h"
#include "core/pipeline/sink.h"
#include "sink/retry_policy.h"

namespace cdc::sink {

struct EnchargeSinkOptions {
  std::string name = "default";  // metrics label, dead letters' destination
  std::string pipeline;          // dead letters' pipeline
  std::string url = "https://ingest.encharge.io/v1/";
  std::string token;  // sent as X-Encharge-Token
  std::string ca_file;
  std::string delete_event;  // event name for a contact delete; empty = skip deletes
  int max_in_flight = 4;     // ordering lanes, one request in flight each
  int timeout_ms = 30000;    // per request
  RetryPolicy::Options retry;
  size_t max_buffered = 0;  // Submit blocks above it; 0 = lanes × 64
};

std::unique_ptr<core::Sink> MakeEnchargeSink(const EnchargeSinkOptions& options, core::AckListener& listener,
                                             core::DeadLetterStore& dead_letters, core::Metrics& metrics);

}  // namespace cdc::sink
