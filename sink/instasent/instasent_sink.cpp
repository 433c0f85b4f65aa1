#include "sink/instasent/instasent_sink.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "core/log/log.h"
#include "core/model/json_writer.h"
#include "sink/batch.h"
#include "sink/http_sink_base.h"
#include "sink/instasent/api_urls.h"
#include "sink/instasent/http_client.h"
#include "sink/instasent/response_parser.h"
#include "sink/instasent/status_action.h"
#include "sink/ordering_lanes.h"
#include "sink/sink_metrics.h"

namespace cdc::sink {

namespace {

using Clock = SinkClock;

class InstasentSink final : public HttpSinkBase {
 public:
  InstasentSink(const InstasentSinkOptions& options, core::AckListener& listener,
                core::DeadLetterStore& dead_letters, core::Metrics& metrics)
      : HttpSinkBase(metrics, options.name),
        options_(options),
        listener_(listener),
        dead_letters_(dead_letters),
        urls_(options.url, options.project, options.datasource),
        policy_(options.retry),
        lanes_(static_cast<size_t>(std::max(1, options.max_in_flight)),
               static_cast<size_t>(std::clamp(options.batch_size, 1, 100)), options.coalesce_upserts,
               static_cast<size_t>(std::max(1, options.deletes_per_lane))),
        lane_state_(lanes_.LaneCount()),
        max_buffered_(options.max_buffered ? options.max_buffered
                                           : lanes_.LaneCount() * lanes_.batch_size() * 8) {}

  ~InstasentSink() override { Stop(); }

  core::Status Start() override;
  core::Status Submit(core::Record record) override;
  void Flush() override;

 private:
  // Per-lane state owned by the HTTP thread. `held` are batches taken from
  // the lane and not finished: the front one is in flight or waiting for its
  // retry; halves of a split wait behind it, before anything still queued.
  struct LaneState {
    std::deque<Batch> held;
    bool in_flight = false;
    // A delete batch: one DELETE per record, side by side; answers[i] is
    // records[i]'s, and the batch is settled once none is outstanding.
    std::vector<HttpResponse> answers;
    size_t outstanding = 0;
    Clock::time_point not_before{};
    int rate_limited = 0;  // consecutive 429s of the front batch
  };

  void Run();
  // Picks the lanes that can send now; returns when the loop should look again.
  Clock::time_point ScheduleSends(std::vector<size_t>& ready);
  void Dispatch(size_t lane);
  void DispatchDeletes(size_t lane);
  // Every DELETE of the lane's front batch answered: finishes those that are
  // done, keeps the others at the front for a retry.
  void OnDeletesAnswered(size_t lane);
  void OnResponse(size_t lane, const HttpResponse& response);
  void OnAccepted(size_t lane, const HttpResponse& response);
  void OnRejectedAll(size_t lane, const HttpResponse& response);
  void OnBadRequest(size_t lane, const HttpResponse& response);
  void OnRateLimited(size_t lane, const HttpResponse& response);
  // The window's last request was used: hold the endpoint until its reset
  // instead of collecting a 429 for the next one.
  void PauseIfWindowSpent(Endpoint endpoint, const HttpResponse& response);
  void PauseEndpoint(Endpoint endpoint, Clock::time_point until, const char* why);
  void RetryLater(size_t lane, const std::string& why);
  // Finishes the front batch of `lane`: dead letters the failed items (with
  // their reasons) and acknowledges everything. False when a dead letter
  // could not be stored (the sink has then failed).
  // `ok_as` counts the items that succeeded, `failed_as` those dead-lettered.
  bool Complete(size_t lane, const std::vector<ItemOutcome>& outcomes, RecordOutcome ok_as = RecordOutcome::kAccepted,
                RecordOutcome failed_as = RecordOutcome::kRejected);
  bool PutDeadLetter(const core::Record& record, const std::string& reason);
  std::string Describe(const Batch& batch) const;

  const InstasentSinkOptions options_;
  core::AckListener& listener_;
  core::DeadLetterStore& dead_letters_;
  ApiUrls urls_;
  RetryPolicy policy_;  // HTTP thread only (Start uses it before the thread runs)

  OrderingLanes lanes_;               // guarded by mu_
  Clock::time_point flush_before_{};  // guarded by mu_: records queued before it go at once

  std::vector<LaneState> lane_state_;                 // HTTP thread only
  Clock::time_point paused_until_[kEndpointCount]{};  // HTTP thread only: 429 pauses
  const size_t max_buffered_;
};

core::Status InstasentSink::Start() {
  if (options_.url.empty() || options_.project.empty() || options_.datasource.empty()) {
    return core::Fail(
        core::Error::Config("sink " + options_.name + ": url, project and datasource are required"));
  }
  if (options_.batch_size < 1 || options_.batch_size > 100) {
    return core::Fail(core::Error::Config("sink " + options_.name + ": batch_size must be 1..100"));
  }
  if (options_.insecure_skip_verify) {
    log_->warn("sink {}: TLS certificate verification is OFF (insecure_skip_verify: true); "
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

void InstasentSink::DispatchDeletes(size_t lane) {
  LaneState& state = lane_state_[lane];
  const Batch& batch = state.held.front();
  state.answers.assign(batch.records.size(), HttpResponse{});
  std::vector<std::pair<size_t, std::string>> urls;
  for (size_t i = 0; i < batch.records.size(); ++i) {
    // DELETE .../contacts/ with no id would address another route: never sent.
    if (batch.records[i].user_id.empty()) continue;
    urls.emplace_back(i, urls_.Delete(batch.records[i].user_id));
  }
  log_->debug("sink {}: lane {} sends {}", options_.name, lane, Describe(batch));
  if (urls.empty()) return OnDeletesAnswered(lane);
  state.in_flight = true;
  // All counted before the first Send: a request that cannot start answers at once.
  state.outstanding = urls.size();
  metrics_.in_flight().Add(static_cast<double>(urls.size()));
  for (auto& [i, url] : urls) {
    http_->Send({"DELETE", std::move(url), {}}, [this, lane, i = i](HttpResponse response) {
      LaneState& st = lane_state_[lane];
      metrics_.in_flight().Add(-1);
      st.answers[i] = std::move(response);
      if (--st.outstanding > 0) return;
      st.in_flight = false;
      if (!stopping_.load()) OnDeletesAnswered(lane);
    });
  }
}

void InstasentSink::OnDeletesAnswered(size_t lane) {
  LaneState& state = lane_state_[lane];
  Batch& batch = state.held.front();
  std::vector<core::Record> again;  // to retry, in their order
  const HttpResponse* rate_limited = nullptr;
  std::string retry_why;
  size_t done = 0;
  for (size_t i = 0; i < batch.records.size(); ++i) {
    core::Record& record = batch.records[i];
    const HttpResponse& answer = state.answers[i];
    RecordOutcome outcome = RecordOutcome::kAccepted;
    std::string reason;
    if (record.user_id.empty()) {
      outcome = RecordOutcome::kDeadLettered;
      reason = "contact delete without a _user_id";
    } else {
      metrics_.Requests(answer.status).Add();
      if (answer.status >= 200 && answer.status < 300) metrics_.authorized().Set(1);
      if (answer.status != 0 && answer.status != 429) PauseIfWindowSpent(Endpoint::kDelete, answer);
      const StatusAction action =
          answer.status == 0 ? StatusAction::kRetry : ClassifyStatus(answer.status, Endpoint::kDelete);
      switch (action) {
        case StatusAction::kAccepted:
          // A 404: the contact was not there, nothing changed.
          outcome = answer.status == 404 ? RecordOutcome::kSkipped : RecordOutcome::kAccepted;
          break;
        case StatusAction::kRejectAll:
        case StatusAction::kSplit:
          outcome = RecordOutcome::kRejected;
          reason = "HTTP " + std::to_string(answer.status) + ": " + ErrorMessage(answer.body);
          break;
        case StatusAction::kRateLimited:
          rate_limited = &answer;
          again.push_back(std::move(record));
          continue;
        case StatusAction::kRetry:
          if (retry_why.empty()) {
            retry_why = answer.status == 0 ? answer.transport_error
                                           : std::to_string(answer.status) + " " + ErrorMessage(answer.body);
          }
          again.push_back(std::move(record));
          continue;
        case StatusAction::kFatal:
          return Fail(
              core::Error::Config("sink " + options_.name + ": the Instasent API answered " +
                                  std::to_string(answer.status) + " (" + ErrorMessage(answer.body) +
                                  ") to DELETE contact: check the url, token, project and datasource"));
      }
    }
    if (!reason.empty() && !PutDeadLetter(record, reason)) return;
    metrics_.Records(record.kind, outcome).Add();
    metrics_.Batches(EndpointName(Endpoint::kDelete)).Add();
    listener_.OnDone(record.ticket);
    ++done;
  }
  if (again.empty()) {
    state.held.pop_front();
    state.not_before = {};
  } else {
    // The unfinished deletes stay in front: their users' later records wait.
    batch.records = std::move(again);
    if (rate_limited) {
      metrics_.rate_limited().Add();
      PauseEndpoint(Endpoint::kDelete,
                    policy_.RateLimitedUntil(rate_limited->rate_limit_reset, rate_limited->retry_after,
                                             ++state.rate_limited),
                    "rate limited (429)");
    }
    if (!retry_why.empty()) RetryLater(lane, retry_why);
  }
  if (!rate_limited) state.rate_limited = 0;
  {
    std::lock_guard lock(mu_);
    pending_ -= done;
    metrics_.buffered().Set(static_cast<double>(pending_.load()));
  }
  changed_.notify_all();
}

void InstasentSink::OnResponse(size_t lane, const HttpResponse& response) {
  metrics_.Requests(response.status).Add();
  if (response.status >= 200 && response.status < 300) metrics_.authorized().Set(1);
  if (Failure()) return;
  const long status = response.status;
  const Batch& batch = lane_state_[lane].held.front();
  if (status == 0) return RetryLater(lane, response.transport_error);
  if (status != 429) {
    lane_state_[lane].rate_limited = 0;
    PauseIfWindowSpent(batch.endpoint, response);
  }
  switch (ClassifyStatus(status, batch.endpoint)) {
    case StatusAction::kAccepted:
      return OnAccepted(lane, response);
    case StatusAction::kRejectAll:
      return OnRejectedAll(lane, response);
    case StatusAction::kSplit:
      return OnBadRequest(lane, response);
    case StatusAction::kRateLimited:
      return OnRateLimited(lane, response);
    case StatusAction::kRetry:
      return RetryLater(lane, std::to_string(status) + " " + ErrorMessage(response.body));
    case StatusAction::kFatal:
      return Fail(core::Error::Config("sink " + options_.name + ": the Instasent API answered " +
                                      std::to_string(status) + " (" + ErrorMessage(response.body) + ") to " +
                                      Describe(batch) + ": check the url, token, project and datasource"));
  }
}

void InstasentSink::OnAccepted(size_t lane, const HttpResponse& response) {
  const std::string& body = response.body;
  const Batch& batch = lane_state_[lane].held.front();
  std::vector<ItemOutcome> outcomes(batch.records.size());
  auto parsed = ParseBatchResponse(body, batch.records.size());
  if (parsed) {
    outcomes = std::move(*parsed);
  } else {
    // The status says accepted; a body we cannot read must not block the lane.
    log_->warn("sink {}: accepted {} with an unreadable body ({}); counting every item as accepted",
               options_.name, Describe(batch), parsed.error().message);
  }
  Complete(lane, outcomes);
}

void InstasentSink::OnRejectedAll(size_t lane, const HttpResponse& response) {
  const Batch& batch = lane_state_[lane].held.front();
  std::vector<ItemOutcome> outcomes;
  if (auto parsed = ParseBatchResponse(response.body, batch.records.size())) outcomes = std::move(*parsed);
  if (outcomes.empty()) {
    std::string reason = "HTTP " + std::to_string(response.status) + ": ";
    reason += ErrorMessage(response.body);
    outcomes.assign(batch.records.size(), ItemOutcome{false, reason});
  }
  Complete(lane, outcomes);
}

void InstasentSink::OnBadRequest(size_t lane, const HttpResponse& response) {
  LaneState& state = lane_state_[lane];
  if (state.held.front().records.size() < 2) {
    std::string reason = "HTTP " + std::to_string(response.status) + ": " + ErrorMessage(response.body);
    Complete(lane, {ItemOutcome{false, reason}});
    return;
  }
  log_->debug("sink {}: {} for {}; splitting to isolate the rejected items", options_.name, response.status,
              Describe(state.held.front()));
  auto [first, second] = SplitInHalves(std::move(state.held.front()));
  state.held.pop_front();
  state.held.push_front(std::move(second));
  state.held.push_front(std::move(first));
}

void InstasentSink::OnRateLimited(size_t lane, const HttpResponse& response) {
  LaneState& state = lane_state_[lane];
  metrics_.rate_limited().Add();
  const auto until =
      policy_.RateLimitedUntil(response.rate_limit_reset, response.retry_after, ++state.rate_limited);
  PauseEndpoint(state.held.front().endpoint, until, "rate limited (429)");
}

void InstasentSink::PauseIfWindowSpent(Endpoint endpoint, const HttpResponse& response) {
  if (!response.rate_limit_remaining || !response.rate_limit_reset) return;
  const std::string& remaining = *response.rate_limit_remaining;
  int64_t left = -1;
  const char* begin = remaining.data() + std::min(remaining.find_first_not_of(' '), remaining.size());
  std::from_chars(begin, remaining.data() + remaining.size(), left);
  if (left != 0) return;
  PauseEndpoint(endpoint, policy_.RateLimitedUntil(response.rate_limit_reset, std::nullopt, 1),
                "rate limit window used up");
}

void InstasentSink::PauseEndpoint(Endpoint endpoint, Clock::time_point until, const char* why) {
  auto& paused = paused_until_[static_cast<int>(endpoint)];
  if (until <= paused) return;
  const auto now = policy_.Now();
  // Once per pause, not per request: the other lanes' answers join it.
  if (paused < now) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
    log_->warn("sink {}: {} on {}; pausing that endpoint for {} ms", options_.name, why,
               EndpointName(endpoint), ms.count());
  }
  paused = until;
}

void InstasentSink::RetryLater(size_t lane, const std::string& why) {
  LaneState& state = lane_state_[lane];
  Batch& batch = state.held.front();
  ++batch.attempt;
  metrics_.retries().Add();
  const auto delay = policy_.Backoff(batch.attempt);
  state.not_before = policy_.Now() + delay;
  // Powers of two: a long outage logs a few lines, not one per attempt.
  if (PowerOfTwo(static_cast<uint64_t>(batch.attempt))) {
    log_->warn("sink {}: {} failed ({}); attempt {}, retrying in {} ms", options_.name, Describe(batch), why,
               batch.attempt, delay.count());
  }
}

bool InstasentSink::Complete(size_t lane, const std::vector<ItemOutcome>& outcomes, RecordOutcome ok_as,
                             RecordOutcome failed_as) {
  LaneState& state = lane_state_[lane];
  Batch& batch = state.held.front();
  if (batch.attempt >= 2) {
    log_->info("sink {}: {} went through after {} attempts", options_.name, Describe(batch),
               batch.attempt + 1);
  }
  std::vector<size_t> rejected_merges;
  size_t done = 0;
  for (size_t i = 0; i < batch.records.size(); ++i) {
    const core::Record& record = batch.records[i];
    const bool ok = i >= outcomes.size() || outcomes[i].ok;
    if (!ok && batch.IsMerged(i)) {
      rejected_merges.push_back(i);  // which upsert is at fault is unknown: resend them one by one
      continue;
    }
    if (!ok && !PutDeadLetter(record, outcomes[i].errors)) return false;
    const std::vector<uint64_t> tickets = batch.TicketsOf(i);
    metrics_.Records(record.kind, ok ? ok_as : failed_as).Add(static_cast<double>(tickets.size()));
    for (uint64_t ticket : tickets) listener_.OnDone(ticket);
    done += tickets.size();
  }
  metrics_.Batches(EndpointName(batch.endpoint)).Add();
  Batch unmerged;
  if (!rejected_merges.empty()) unmerged = Unmerge(batch, rejected_merges);
  state.held.pop_front();
  // Before anything else of the lane: the users' later records wait behind them.
  if (!unmerged.records.empty()) state.held.push_front(std::move(unmerged));
  state.not_before = {};
  {
    std::lock_guard lock(mu_);
    pending_ -= done;
    metrics_.buffered().Set(static_cast<double>(pending_.load()));
  }
  changed_.notify_all();
  return true;
}

bool InstasentSink::PutDeadLetter(const core::Record& record, const std::string& reason) {
  core::DeadLetter letter;
  letter.pipeline = options_.pipeline;
  letter.destination = options_.name;
  letter.kind = core::RecordKindName(record.kind);
  letter.user_id = record.user_id;
  letter.table = record.table;
  if (record.json.empty()) {
    letter.payload = "{\"_user_id\":";
    core::AppendJsonString(letter.payload, record.user_id);
    letter.payload += '}';
  } else {
    letter.payload = record.json;
  }
  letter.reason = reason;
  letter.position = record.position.ToString();
  letter.created_at_ms = NowMs();
  auto stored = dead_letters_.PutDeadLetter(letter);
  if (!stored) {
    Fail(core::Error::Fatal("sink " + options_.name +
                            ": cannot store a dead letter: " + stored.error().Describe()));
    return false;
  }
  log_->debug("sink {}: dead-lettered {} for user {}: {}", options_.name, letter.kind, record.user_id,
              reason);
  return true;
}

std::string InstasentSink::Describe(const Batch& batch) const {
  if (batch.endpoint == Endpoint::kDelete) {
    return batch.records.size() == 1 ? "DELETE contact" : std::to_string(batch.records.size()) + " DELETEs";
  }
  const size_t merged = batch.SubmittedCount() - batch.records.size();
  return "POST " + std::string(EndpointName(batch.endpoint)) + " (" + std::to_string(batch.records.size()) +
         " items" + (merged ? ", " + std::to_string(merged) + " upserts merged in" : "") + ")";
}

}  // namespace

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
  return std::make_unique<InstasentSink>(options, listener, dead_letters, metrics);
}

}  // namespace cdc::sink
