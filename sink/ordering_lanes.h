// OrderingLanes: the per-user FIFOs that keep each user's records in order
// while different users go in parallel. A user always maps to the same lane
// (a stable hash of user_id, modulo the lane count); a batch is the run of
// same-endpoint records at a lane's front, so nothing overtakes anything of
// the same lane. Not thread-safe: the sink guards it with its mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string_view>
#include <vector>

#include "core/model/record.h"
#include "sink/batch.h"

namespace cdc::sink {

class OrderingLanes {
 public:
  using Clock = std::chrono::steady_clock;

  OrderingLanes(size_t lanes, size_t batch_size);

  size_t LaneCount() const { return lanes_.size(); }
  size_t batch_size() const { return batch_size_; }

  // The lane of a user: FNV-1a of the id, so it is stable across runs.
  size_t LaneOf(std::string_view user_id) const;

  struct Pushed {
    size_t lane;
    bool wake;  // the lane was empty or its front run may just have closed
  };
  // Appends to the user's lane.
  Pushed Push(core::Record record, Clock::time_point now);

  bool Empty(size_t lane) const { return lanes_[lane].empty(); }
  size_t Size(size_t lane) const { return lanes_[lane].size(); }

  // The front run cannot grow any more: it is batch_size long, or a record
  // of another endpoint follows it (deletes are always single).
  bool FrontRunClosed(size_t lane) const;

  // When the lane's oldest record was queued (the lane must not be empty).
  Clock::time_point OldestQueuedAt(size_t lane) const { return lanes_[lane].front().queued_at; }

  // Endpoint of the front record (the lane must not be empty).
  Endpoint FrontEndpoint(size_t lane) const;

  // Removes and returns the front run (at most batch_size records; one for deletes).
  Batch TakeRun(size_t lane);

  // True when the lane holds an event or a delete for one of `batch`'s users:
  // a contact batch queued on the API side must then be applied at once.
  bool HoldsDependentOf(size_t lane, const Batch& batch) const;

 private:
  struct Queued {
    core::Record record;
    Clock::time_point queued_at;
  };
  size_t FrontRunLength(size_t lane) const;

  size_t batch_size_;
  std::vector<std::deque<Queued>> lanes_;
};

// True when `later` holds an event or delete for one of `batch`'s users.
bool HasDependent(const Batch& batch, const std::vector<core::Record>& later);

}  // namespace cdc::sink
