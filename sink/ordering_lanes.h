// OrderingLanes: the per-user FIFOs that keep each user's records in order
// while different users go in parallel. A user always maps to the same lane
// (a stable hash of user_id, modulo the lane count). A batch takes, for the
// endpoint of the lane's front record, every queued record of that endpoint
// whose user has nothing earlier still queued in the lane, so no record
// overtakes one of its own user; queued contact upserts of a user already in
// a contact batch are merged into its item. A delete batch holds deletes of
// distinct users (one request each, sent side by side). Not thread-safe: the
// sink guards it with its mutex.
#pragma once

#include <array>
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

  // `coalesce`: merge queued contact upserts of one user (events never are).
  // `max_deletes`: deletes per delete batch (1: one by one).
  OrderingLanes(size_t lanes, size_t batch_size, bool coalesce = true, size_t max_deletes = 1);

  size_t LaneCount() const { return lanes_.size(); }
  size_t batch_size() const { return batch_size_; }

  // The lane of a user: FNV-1a of the id, so it is stable across runs.
  size_t LaneOf(std::string_view user_id) const;

  struct Pushed {
    size_t lane;
    bool wake;  // the lane was empty or may just have become ready
  };
  // Appends to the user's lane.
  Pushed Push(core::Record record, Clock::time_point now);

  bool Empty(size_t lane) const { return lanes_[lane].live == 0; }
  size_t Size(size_t lane) const { return lanes_[lane].live; }

  // Waiting is not worth it: the lane holds a full batch of the front
  // record's endpoint, or batch_size records in all (traffic is not light:
  // a record of the minority endpoint must not wait for its own kind to fill
  // a batch), or a delete is in front (deletes never wait).
  // Otherwise the sink lingers.
  bool FrontRunClosed(size_t lane) const;

  // When the lane's oldest record was queued (the lane must not be empty).
  Clock::time_point OldestQueuedAt(size_t lane) const { return lanes_[lane].queue.front().queued_at; }

  // Endpoint of the front record (the lane must not be empty).
  Endpoint FrontEndpoint(size_t lane) const;

  // Removes and returns the next batch (at most batch_size items; at most
  // max_deletes deletes of distinct users), as described above.
  Batch TakeRun(size_t lane);

  // True when the lane holds an event or a delete for one of `batch`'s users:
  // a contact batch queued on the API side must then be applied at once.
  bool HoldsDependentOf(size_t lane, const Batch& batch) const;

 private:
  struct Queued {
    core::Record record;
    Clock::time_point queued_at;
    bool taken = false;  // left in a batch; the entry is dropped once it reaches the front
  };
  // A batch leaves holes where its records were instead of moving every
  // record that stays; the front entry is always one still queued.
  struct Lane {
    std::deque<Queued> queue;
    size_t live = 0;                                    // entries not taken
    std::array<size_t, kEndpointCount> per_endpoint{};  // queued records by endpoint
  };
  // For each queued record: the batch slot it goes to, or kStays.
  std::vector<size_t> PlanBatch(const Lane& lane, Endpoint endpoint, size_t& slots) const;

  size_t batch_size_;
  size_t max_deletes_;
  bool coalesce_;
  std::vector<Lane> lanes_;
};

// True when `later` holds an event or delete for one of `batch`'s users.
bool HasDependent(const Batch& batch, const std::vector<core::Record>& later);

}  // namespace cdc::sink
