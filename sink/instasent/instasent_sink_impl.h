// InstasentSink's class, shared by its three source files: instasent_sink.cpp
// (start, queueing, scheduling and sending), instasent_sink_deletes.cpp (the
// DELETE requests of a lane) and instasent_sink_answers.cpp (what each answer
// does to the lane). Only MakeInstasentSink is public (instasent_sink.h).
#pragma once

#include <chrono>
#include <deque>
#include <string>
#include <vector>

#include "sink/batch.h"
#include "sink/http_sink_base.h"
#include "sink/instasent/api_urls.h"
#include "sink/instasent/http_client.h"
#include "sink/instasent/instasent_sink.h"
#include "sink/instasent/response_parser.h"
#include "sink/ordering_lanes.h"
#include "sink/retry_policy.h"

namespace cdc::sink::instasent_detail {

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
  bool Complete(size_t lane, const std::vector<ItemOutcome>& outcomes,
                RecordOutcome ok_as = RecordOutcome::kAccepted,
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

}  // namespace cdc::sink::instasent_detail
