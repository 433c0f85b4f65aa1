// The DELETE requests of a lane: one per contact, side by side, settled together.
#include <spdlog/spdlog.h>

#include <string>
#include <utility>
#include <vector>

#include "core/log/log.h"
#include "sink/instasent/instasent_sink_impl.h"
#include "sink/instasent/status_action.h"
#include "sink/sink_metrics.h"

namespace cdc::sink::instasent_detail {

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

}  // namespace cdc::sink::instasent_detail
