#include "sink/encharge/encharge_sink.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/log/log.h"
#include "sink/encharge/encharge_body.h"
#include "sink/http_sink_base.h"
#include "sink/instasent/http_client.h"
#include "sink/ordering_lanes.h"
#include "sink/sink_metrics.h"

namespace cdc::sink {

namespace {

using Clock = SinkClock;

// What the sink does with an answer, by status alone.
enum class Action { kAccepted, kReject, kRetry, kRateLimited, kFatal };

Action Classify(long status) {
  if (status >= 200 && status < 300) return Action::kAccepted;
  if (status == 0 || status == 408 || status >= 500) return Action::kRetry;
  if (status == 429) return Action::kRateLimited;
  if (status == 401 || status == 403 || status == 404 || (status >= 300 && status < 400))
    return Action::kFatal;
  return Action::kReject;
}

std::string Excerpt(const std::string& body) {
  return body.size() > 300 ? body.substr(0, 300) + "..." : body;
}

// Each queued lane item is one request: the body is in Record::json. A record
// that needs two requests (alias, then identify) is queued as two items of
// which only the last carries the record's ticket (0 = nothing to acknowledge).
class EnchargeSink final : public HttpSinkBase {
 public:
  EnchargeSink(const EnchargeSinkOptions& options, core::AckListener& listener,
               core::DeadLetterStore& dead_letters, core::Metrics& metrics)
      : HttpSinkBase(metrics, options.name),
        options_(options),
        listener_(listener),
        dead_letters_(dead_letters),
        policy_(options.retry),
        // Never coalesced: each queued item is one Encharge body (already
        // translated), and `outstanding_` counts them one by one.
        lanes_(static_cast<size_t>(std::max(1, options.max_in_flight)), 1, /*coalesce=*/false),
        outstanding_(lanes_.LaneCount(), 0),
        lane_state_(lanes_.LaneCount()),
        max_buffered_(options.max_buffered ? options.max_buffered : lanes_.LaneCount() * 64) {}

  ~EnchargeSink() override { Stop(); }

  core::Status Start() override;
  core::Status Submit(core::Record record) override;
  void Flush() override {
    if (http_) http_->Wakeup();
  }

 private:
  struct LaneState {
    std::optional<core::Record> current;  // taken from the lane, not finished
    bool in_flight = false;
    int attempt = 0;
    Clock::time_point not_before{};
  };

  void Run();
  void Dispatch(size_t lane);
  void OnResponse(size_t lane, const HttpResponse& response);
  void Finish(size_t lane, bool ok, const std::string& reason);
  void Acknowledge(const core::Record& record, bool ok);
  bool PutDeadLetter(const core::Record& record, const std::string& payload, const std::string& reason);

  const EnchargeSinkOptions options_;
  core::AckListener& listener_;
  core::DeadLetterStore& dead_letters_;
  RetryPolicy policy_;  // HTTP thread only

  OrderingLanes lanes_;              // guarded by mu_
  std::vector<size_t> outstanding_;  // guarded by mu_: items per lane, queued or held
  std::atomic<uint64_t> skipped_deletes_{0};

  std::vector<LaneState> lane_state_;  // HTTP thread only
  const size_t max_buffered_;
};

core::Status EnchargeSink::Start() {
  if (options_.url.empty() || options_.token.empty()) {
    return core::Fail(core::Error::Config("sink " + options_.name + ": url and token are required"));
  }
  auto http = HttpClient::Create({.token = options_.token,
                                  .ca_file = options_.ca_file,
                                  .timeout_ms = options_.timeout_ms,
                                  .token_header = "X-Encharge-Token"});
  if (!http) return core::Fail(http.error());
  http_ = std::move(*http);
  // Encharge has no read route to probe the token with: the sink counts as
  // authorized (for /readyz) until a request is refused with 401/403/404.
  metrics_.authorized().Set(1);
  // Encharge's Ingest API has no read route to probe: a wrong token shows as a
  // 401 to the first record, which stops the pipeline the same way.
  log_->info("sink {}: Encharge at {} ({} lanes, one request per record)", options_.name, options_.url,
             lanes_.LaneCount());
  thread_ = std::thread([this] { Run(); });
  return {};
}

core::Status EnchargeSink::Submit(core::Record record) {
  auto bodies = EnchargeBodies(record, {options_.delete_event});
  if (!bodies) {
    // A record that cannot be translated is bad data like an item the API rejects.
    if (!PutDeadLetter(record, record.json, bodies.error().message)) return core::Fail(*Failure());
    Acknowledge(record, false);
    return {};
  }
  if (bodies->empty()) {
    // Encharge has no contact delete: counted as skipped, like a DELETE answered 404.
    metrics_.Records(record.kind, RecordOutcome::kSkipped).Add();
    const uint64_t n = ++skipped_deletes_;
    if (!record.renamed && PowerOfTwo(n)) {
      log_->warn(
          "sink {}: Encharge has no contact delete; skipped {} so far (set delete_event to send an event)",
          options_.name, n);
    }
    listener_.OnDone(record.ticket);
    return {};
  }
  const size_t lane = lanes_.LaneOf(record.user_id);
  std::optional<size_t> previous_lane;
  if (!record.previous_user_id.empty()) previous_lane = lanes_.LaneOf(record.previous_user_id);
  bool wake = false;
  {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] {
      if (failure_ || stopping_.load()) return true;
      // The alias must not overtake what is still on its way for the old id.
      if (previous_lane && *previous_lane != lane && outstanding_[*previous_lane] != 0) return false;
      return pending_.load() < max_buffered_;
    });
    if (auto refusal = RefusalLocked(options_.name)) return core::Fail(*refusal);
    const uint64_t ticket = record.ticket;
    for (size_t i = 0; i < bodies->size(); ++i) {
      core::Record item = record;
      item.json = std::move((*bodies)[i]);
      item.ticket = i + 1 == bodies->size() ? ticket : 0;
      wake = lanes_.Push(std::move(item), Clock::now()).wake || wake;
      ++outstanding_[lane];
      ++pending_;
    }
    metrics_.buffered().Set(static_cast<double>(pending_.load()));
  }
  if (wake && http_) http_->Wakeup();
  return {};
}

void EnchargeSink::Run() {
  std::vector<size_t> ready;
  while (!stopping_.load()) {
    ready.clear();
    const auto now = policy_.Now();
    auto next = now + kMaxPoll;
    {
      std::lock_guard lock(mu_);
      for (size_t lane = 0; !failure_ && lane < lanes_.LaneCount(); ++lane) {
        LaneState& state = lane_state_[lane];
        if (state.in_flight) continue;
        if (!state.current) {
          if (lanes_.Empty(lane)) continue;
          state.current = std::move(lanes_.TakeRun(lane).records.front());
        }
        if (state.not_before > now) {
          next = std::min(next, state.not_before);
          continue;
        }
        ready.push_back(lane);
      }
    }
    for (size_t lane : ready) Dispatch(lane);
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - policy_.Now());
    wait = std::clamp(wait, std::chrono::milliseconds(1), kMaxPoll);
    http_->Poll(wait);
  }
}

void EnchargeSink::Dispatch(size_t lane) {
  LaneState& state = lane_state_[lane];
  state.in_flight = true;
  metrics_.in_flight().Add(1);
  http_->Send({"POST", options_.url, state.current->json}, [this, lane](HttpResponse response) {
    lane_state_[lane].in_flight = false;
    metrics_.in_flight().Add(-1);
    if (stopping_.load()) return;
    OnResponse(lane, response);
  });
}

void EnchargeSink::OnResponse(size_t lane, const HttpResponse& response) {
  metrics_.Requests(response.status).Add();
  if (Failure()) return;
  LaneState& state = lane_state_[lane];
  const long status = response.status;
  switch (Classify(status)) {
    case Action::kAccepted:
      return Finish(lane, true, {});
    case Action::kReject:
      return Finish(lane, false, "HTTP " + std::to_string(status) + ": " + Excerpt(response.body));
    case Action::kFatal:
      return Fail(core::Error::Config("sink " + options_.name + ": Encharge answered " +
                                      std::to_string(status) + " (" + Excerpt(response.body) +
                                      "): check the url and token"));
    case Action::kRateLimited:
      metrics_.rate_limited().Add();
      state.not_before =
          policy_.RateLimitedUntil(response.rate_limit_reset, response.retry_after, ++state.attempt);
      return;
    case Action::kRetry: {
      ++state.attempt;
      metrics_.retries().Add();
      const auto delay = policy_.Backoff(state.attempt);
      state.not_before = policy_.Now() + delay;
      if (PowerOfTwo(static_cast<uint64_t>(state.attempt))) {
        log_->warn("sink {}: POST for user {} failed ({}); attempt {}, retrying in {} ms", options_.name,
                   state.current->user_id, status == 0 ? response.transport_error : std::to_string(status),
                   state.attempt, delay.count());
      }
      return;
    }
  }
}

void EnchargeSink::Finish(size_t lane, bool ok, const std::string& reason) {
  LaneState& state = lane_state_[lane];
  const core::Record record = std::move(*state.current);
  state.current.reset();
  state.attempt = 0;
  state.not_before = {};
  if (!ok && !PutDeadLetter(record, record.json, reason)) return;
  Acknowledge(record, ok);
  {
    std::lock_guard lock(mu_);
    --outstanding_[lane];
    --pending_;
    metrics_.buffered().Set(static_cast<double>(pending_.load()));
  }
  changed_.notify_all();
}

void EnchargeSink::Acknowledge(const core::Record& record, bool ok) {
  if (record.ticket == 0) return;  // the alias before an identify: its record is the identify's
  metrics_.Records(record.kind, ok ? RecordOutcome::kAccepted : RecordOutcome::kRejected).Add();
  listener_.OnDone(record.ticket);
}

bool EnchargeSink::PutDeadLetter(const core::Record& record, const std::string& payload,
                                 const std::string& reason) {
  return StoreDeadLetter(dead_letters_, options_.pipeline, options_.name, record,
                         payload.empty() ? "{}" : payload, reason);
}

}  // namespace

std::unique_ptr<core::Sink> MakeEnchargeSink(const EnchargeSinkOptions& options, core::AckListener& listener,
                                             core::DeadLetterStore& dead_letters, core::Metrics& metrics) {
  return std::make_unique<EnchargeSink>(options, listener, dead_letters, metrics);
}

}  // namespace cdc::sink
