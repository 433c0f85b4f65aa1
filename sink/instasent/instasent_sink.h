// The Instasent Ingest API sink: per-user ordering lanes, batches of up to
// 100 items (deletes: several single requests at once), libcurl multi on its own thread, retries without
// limit for transient failures, dead letters for rejected items, sticky kConfig on 401/403/404. Options
// mirror config::SinkConfig (sink/ never includes config/).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/metrics/metrics.h"
#include "core/model/result.h"
#include "core/pipeline/sink.h"
#include "sink/retry_policy.h"

namespace cdc::sink {

// When a contact batch is sent with ?_sync (applied at once instead of queued
// on Instasent's side, INSTASENT_API.md open question 11).
enum class ContactSync {
  kAuto,  // when an event or delete for one of its users waits behind it in the lane
  kAlways,
  kNever,
};

core::Result<ContactSync> ParseContactSync(std::string_view text);  // "auto" | "always" | "never"

struct InstasentSinkOptions {
  std::string name = "default";  // the sink's name: metrics label, dead letters' destination
  std::string pipeline;          // dead letters' pipeline
  std::string url;               // API root, e.g. https://api.instasent.com
  std::string project;
  std::string datasource;
  std::string token;
  // A project-level Product API token (INSTASENT_API.md §9): probed with
  // GET /v1/project/{project} instead of GET .../stream; writes are the same.
  bool product_token = false;
  std::string ca_file;
  bool insecure_skip_verify = false;  // logged as a warning at Start
  int batch_size = 100;  // 1..100
  int linger_ms = 200;
  int max_in_flight = 4;  // ordering lanes, one batch in flight each
  // Contact deletes are one request each: a lane sends up to this many
  // (of distinct users) side by side instead of one round trip after another.
  int deletes_per_lane = 8;
  int timeout_ms = 30000;  // per request
  ContactSync contact_sync = ContactSync::kAuto;
  RetryPolicy::Options retry;
  size_t max_buffered = 0;  // Submit blocks above it; 0 = lanes × batch_size × 8
  bool coalesce_upserts = true;  // merge queued contact upserts of one user (sink/README.md)
};

std::unique_ptr<core::Sink> MakeInstasentSink(const InstasentSinkOptions& options,
                                              core::AckListener& listener,
                                              core::DeadLetterStore& dead_letters, core::Metrics& metrics);

}  // namespace cdc::sink
