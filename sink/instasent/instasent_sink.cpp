#include "sink/instasent/instasent_sink.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "core/log/log.h"
#include "sink/instasent/instasent_sink_impl.h"
#include "sink/instasent/status_action.h"
#include "sink/sink_metrics.h"

namespace cdc::sink::instasent_detail {

core::Status InstasentSink::Start() {
  if (options_.url.empty() || options_.project.empty() || options_.datasource.empty()) {
    return core::Fail(
        core::Error::Config("sink " + options_.name + ": url, project and datasource are required"));
  }
  if (options_.batch_size < 1 || options_.batch_size > 100) {
    return core::Fail(core::Error::Config("sink " + options_.name + ": batch_size must be 1..100"));
  }
  if (options_.insecure_skip_verify) {
    log_->warn(
        "sink {}: TLS certificate verification is OFF (insecure_skip_verify: true); "
        "anyone on the path to {} can read the token and the data",
        options_.name, options_.url);
  }
  // Every lane may have its deletes in flight at once: keep that many connections alive.
  const long connections = static_cast<long>(lanes_.LaneCount()) * std::max(1, options_.deletes_per_lane);
  auto http = HttpClient::Create({options_.token,
                                  options_.ca_file,
                                  options_.timeout_ms,
                                  options_.insecure_skip_verify,
                                  {},
                                  connections});
  if (!http) return core::Fail(http.error());
  http_ = std::move(*http);

  const HttpResponse probe =
      http_->Perform({"GET", options_.product_token ? urls_.ProjectProbe() : urls_.Probe(), {}});
  metrics_.Requests(probe.status).Add();
  if (probe.status >= 200 && probe.status < 300) metrics_.authorized().Set(1);
  if (probe.status != 0 && ClassifyStatus(probe.status, Endpoint::kContacts) == StatusAction::kFatal) {
    core::Error error = core::Error::Config(
        "sink " + options_.name + ": the Instasent API answered " + std::to_string(probe.status) + " (" +
        ErrorMessage(probe.body) + ") for project " + options_.project + ", datasource " +
        options_.datasource + ": check the url, token, project and datasource");
    Fail(error);
    return core::Fail(error);
  }
  if (probe.tls_verification_failed) {
    // A certificate that does not verify will not verify later: stop with the reason.
    core::Error error = core::Error::Config(
        "sink " + options_.name + ": cannot verify the TLS certificate of " + options_.url + " (" +
        probe.transport_error + "): set ca_file to the CA that signed it");
    Fail(error);
    return core::Fail(error);
  }
  if (probe.status == 0) {
    // The API may come back; the send loop retries without limit.
    log_->warn("sink {}: cannot reach {} yet ({}); records will wait and be retried", options_.name,
               options_.url, probe.transport_error);
  } else if (probe.status >= 300) {
    log_->warn("sink {}: probe of {} answered {}; going on", options_.name, options_.url, probe.status);
  } else {
    log_->info("sink {}: connected to {} (project {}, datasource {}, {} token, {} lanes, batch {})",
               options_.name, options_.url, options_.project, options_.datasource,
               options_.product_token ? "product" : "datasource", lanes_.LaneCount(), lanes_.batch_size());
  }
  thread_ = std::thread([this] { Run(); });
  return {};
}

core::Status InstasentSink::Submit(core::Record record) {
  bool wake = false;
  {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return failure_ || stopping_.load() || pending_.load() < max_buffered_; });
    if (auto refusal = RefusalLocked(options_.name)) return core::Fail(*refusal);
    wake = lanes_.Push(std::move(record), Clock::now()).wake;
    metrics_.buffered().Set(static_cast<double>(++pending_));
  }
  if (wake && http_) http_->Wakeup();
  return {};
}

void InstasentSink::Flush() {
  {
    std::lock_guard lock(mu_);
    flush_before_ = Clock::now() + std::chrono::microseconds(1);
  }
  if (http_) http_->Wakeup();
}

void InstasentSink::Run() {
  std::vector<size_t> ready;
  while (!stopping_.load()) {
    ready.clear();
    const Clock::time_point next = ScheduleSends(ready);
    for (size_t lane : ready) Dispatch(lane);
    const auto now = policy_.Now();
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now);
    wait = std::clamp(wait, std::chrono::milliseconds(0), kMaxPoll);
    // A deadline a fraction of a millisecond away must not become a busy loop.
    if (next > now && wait.count() == 0) wait = std::chrono::milliseconds(1);
    http_->Poll(wait);
  }
}

Clock::time_point InstasentSink::ScheduleSends(std::vector<size_t>& ready) {
  const auto now = policy_.Now();
  auto next = now + kMaxPoll;
  std::lock_guard lock(mu_);
  if (failure_) return next;  // sticky: nothing is sent any more
  const auto linger = std::chrono::milliseconds(options_.linger_ms);
  // Behind: Submit may soon block, so lingering would only stall the source.
  const bool behind = pending_.load() * 2 >= max_buffered_;
  for (size_t lane = 0; lane < lanes_.LaneCount(); ++lane) {
    LaneState& state = lane_state_[lane];
    if (state.in_flight) continue;
    if (state.held.empty()) {
      if (lanes_.Empty(lane)) continue;
      const auto oldest = lanes_.OldestQueuedAt(lane);
      if (!behind && !lanes_.FrontRunClosed(lane) && oldest + linger > now && oldest >= flush_before_) {
        next = std::min(next, oldest + linger);
        continue;
      }
      Batch batch = lanes_.TakeRun(lane);
      if (batch.endpoint == Endpoint::kContacts) {
        batch.sync = options_.contact_sync == ContactSync::kAlways ||
                     (options_.contact_sync == ContactSync::kAuto && lanes_.HoldsDependentOf(lane, batch));
      }
      state.held.push_back(std::move(batch));
    }
    const Batch& front = state.held.front();
    const auto not_before = std::max(state.not_before, paused_until_[static_cast<int>(front.endpoint)]);
    if (not_before > now) {
      next = std::min(next, not_before);
      continue;
    }
    ready.push_back(lane);
  }
  return next;
}

void InstasentSink::Dispatch(size_t lane) {
  LaneState& state = lane_state_[lane];
  Batch& batch = state.held.front();
  // A contact batch split after a 400 may now have to wait for what follows.
  if (batch.endpoint == Endpoint::kContacts && !batch.sync && options_.contact_sync == ContactSync::kAuto) {
    for (size_t i = 1; i < state.held.size() && !batch.sync; ++i) {
      batch.sync = HasDependent(batch, state.held[i].records);
    }
  }
  if (batch.endpoint == Endpoint::kDelete) return DispatchDeletes(lane);
  HttpRequest request{"POST", urls_.Batch(batch.endpoint, batch.sync), JoinItems(batch)};
  state.in_flight = true;
  metrics_.in_flight().Add(1);
  log_->debug("sink {}: lane {} sends {}", options_.name, lane, Describe(batch));
  http_->Send(std::move(request), [this, lane](HttpResponse response) {
    lane_state_[lane].in_flight = false;
    metrics_.in_flight().Add(-1);
    if (stopping_.load()) return;
    OnResponse(lane, response);
  });
}

}  // namespace cdc::sink::instasent_detail

namespace cdc::sink {

core::Result<ContactSync> ParseContactSync(std::string_view text) {
  if (text == "auto") return ContactSync::kAuto;
  if (text == "always") return ContactSync::kAlways;
  if (text == "never") return ContactSync::kNever;
  return core::Fail(
      core::Error::Config("contact_sync must be auto, always or never, not '" + std::string(text) + "'"));
}

std::unique_ptr<core::Sink> MakeInstasentSink(const InstasentSinkOptions& options,
                                              core::AckListener& listener,
                                              core::DeadLetterStore& dead_letters, core::Metrics& metrics) {
  return std::make_unique<instasent_detail::InstasentSink>(options, listener, dead_letters, metrics);
}

}  // namespace cdc::sink
