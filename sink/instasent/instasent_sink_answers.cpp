// What an API answer does to the front batch of its lane: acknowledge, dead
// letter, split after a 400, pause on 429, retry later.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "core/log/log.h"
#include "core/model/json_writer.h"
#include "sink/instasent/instasent_sink_impl.h"
#include "sink/instasent/status_action.h"
#include "sink/sink_metrics.h"

namespace cdc::sink::instasent_detail {

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
  std::string payload = record.json;
  if (payload.empty()) {  // a delete: its user is the payload
    payload = "{\"_user_id\":";
    core::AppendJsonString(payload, record.user_id);
    payload += '}';
  }
  return StoreDeadLetter(dead_letters_, options_.pipeline, options_.name, record, std::move(payload), reason);
}

std::string InstasentSink::Describe(const Batch& batch) const {
  if (batch.endpoint == Endpoint::kDelete) {
    return batch.records.size() == 1 ? "DELETE contact" : std::to_string(batch.records.size()) + " DELETEs";
  }
  const size_t merged = batch.SubmittedCount() - batch.records.size();
  return "POST " + std::string(EndpointName(batch.endpoint)) + " (" + std::to_string(batch.records.size()) +
         " items" + (merged ? ", " + std::to_string(merged) + " upserts merged in" : "") + ")";
}

}  // namespace cdc::sink::instasent_detail
