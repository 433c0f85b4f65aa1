#include "sink/ordering_lanes.h"

#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace cdc::sink {

namespace {

constexpr size_t kStays = std::numeric_limits<size_t>::max();

bool IsDependent(const core::Record& record) {
  return record.kind == core::RecordKind::kEvent || record.kind == core::RecordKind::kContactDelete;
}

std::unordered_set<std::string_view> UsersOf(const Batch& batch) {
  std::unordered_set<std::string_view> users;
  for (const auto& record : batch.records) users.insert(record.user_id);
  return users;
}

}  // namespace

OrderingLanes::OrderingLanes(size_t lanes, size_t batch_size, bool coalesce, size_t max_deletes)
    : batch_size_(std::max<size_t>(1, batch_size)),
      max_deletes_(std::max<size_t>(1, max_deletes)),
      coalesce_(coalesce),
      lanes_(std::max<size_t>(1, lanes)) {}

size_t OrderingLanes::LaneOf(std::string_view user_id) const {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : user_id) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return static_cast<size_t>(hash % lanes_.size());
}

OrderingLanes::Pushed OrderingLanes::Push(core::Record record, Clock::time_point now) {
  const size_t index = LaneOf(record.user_id);
  Lane& lane = lanes_[index];
  const Endpoint endpoint = EndpointOf(record.kind);
  const size_t of_endpoint = ++lane.per_endpoint[static_cast<int>(endpoint)];
  lane.queue.push_back({std::move(record), now});
  ++lane.live;
  // Wake only when FrontRunClosed may just have turned true: one wake-up per
  // batch under load, not one per record.
  const bool wake = lane.live == 1 || endpoint == Endpoint::kDelete || of_endpoint % batch_size_ == 0 ||
                    lane.live % batch_size_ == 0;
  return {index, wake};
}

Endpoint OrderingLanes::FrontEndpoint(size_t lane) const {
  return EndpointOf(lanes_[lane].queue.front().record.kind);
}

bool OrderingLanes::FrontRunClosed(size_t index) const {
  const Lane& lane = lanes_[index];
  if (lane.live == 0) return false;
  const Endpoint front = FrontEndpoint(index);
  return front == Endpoint::kDelete || lane.per_endpoint[static_cast<int>(front)] >= batch_size_ ||
         lane.live >= batch_size_;
}

std::vector<size_t> OrderingLanes::PlanBatch(const Lane& lane, Endpoint endpoint, size_t& slots) const {
  // Sized as far as the scan goes: a full batch of events stops it early, so
  // taking a batch from a long lane costs the batch, not the lane.
  std::vector<size_t> plan;
  slots = 0;
  const size_t limit = endpoint == Endpoint::kDelete ? max_deletes_ : batch_size_;
  const bool merge = coalesce_ && endpoint == Endpoint::kContacts;
  // Users with a record still queued before the one looked at: nothing later
  // of theirs may leave before it.
  std::unordered_set<std::string_view> blocked;
  std::unordered_map<std::string_view, size_t> slot_of;  // contacts: the user's item
  for (size_t i = 0; i < lane.queue.size(); ++i) {
    plan.push_back(kStays);
    if (lane.queue[i].taken) continue;
    const core::Record& record = lane.queue[i].record;
    const std::string_view user = record.user_id;
    if (blocked.count(user)) continue;
    if (EndpointOf(record.kind) != endpoint) {
      blocked.insert(user);
      continue;
    }
    if (merge) {
      if (auto it = slot_of.find(user); it != slot_of.end()) {
        plan[i] = it->second;
        continue;
      }
    }
    if (slots == limit) {  // full: only merges can still take records
      blocked.insert(user);
      continue;
    }
    plan[i] = slots;
    if (merge) slot_of.emplace(user, slots);
    // Deletes of one batch are sent at once: a user's second delete waits.
    if (endpoint == Endpoint::kDelete) blocked.insert(user);
    if (++slots == limit && !merge) break;  // full, and nothing merges
  }
  return plan;
}

Batch OrderingLanes::TakeRun(size_t index) {
  Lane& lane = lanes_[index];
  Batch batch;
  if (lane.live == 0) return batch;
  batch.endpoint = FrontEndpoint(index);
  size_t slots = 0;
  const std::vector<size_t> plan = PlanBatch(lane, batch.endpoint, slots);

  batch.records.reserve(slots);
  std::vector<size_t> item_of(slots, kStays);  // slot -> index in batch.records
  for (size_t i = 0; i < plan.size(); ++i) {
    Queued& queued = lane.queue[i];
    const size_t slot = plan[i];
    if (slot == kStays) continue;  // stays where it is (or is a hole already)
    queued.taken = true;
    --lane.live;
    --lane.per_endpoint[static_cast<int>(batch.endpoint)];
    if (item_of[slot] == kStays) {  // the slot's first record: its user's earliest
      item_of[slot] = batch.records.size();
      batch.records.push_back(std::move(queued.record));
      continue;
    }
    const size_t item = item_of[slot];
    core::Record& into = batch.records[item];
    if (batch.originals.size() <= item) batch.originals.resize(item + 1);
    const bool first_merge = batch.originals[item].empty();
    if (first_merge) batch.originals[item].push_back(into);  // as submitted, before any merge
    if (!MergeContactItem(into.json, queued.record.json)) {
      if (first_merge) batch.originals[item].clear();
      // Not an object (never from a mapping): send it as its own item after
      // the user's earlier one; an oversized request is split on 400.
      // Later upserts of the user then merge into this item.
      item_of[slot] = batch.records.size();
      batch.records.push_back(std::move(queued.record));
      continue;
    }
    into.position = queued.record.position;
    batch.originals[item].push_back(std::move(queued.record));
  }
  while (!lane.queue.empty() && lane.queue.front().taken) lane.queue.pop_front();
  return batch;
}

bool OrderingLanes::HoldsDependentOf(size_t lane, const Batch& batch) const {
  const auto users = UsersOf(batch);
  return std::any_of(lanes_[lane].queue.begin(), lanes_[lane].queue.end(), [&](const Queued& q) {
    return !q.taken && IsDependent(q.record) && users.count(q.record.user_id);
  });
}

bool HasDependent(const Batch& batch, const std::vector<core::Record>& later) {
  const auto users = UsersOf(batch);
  return std::any_of(later.begin(), later.end(),
                     [&](const core::Record& r) { return IsDependent(r) && users.count(r.user_id); });
}

}  // namespace cdc::sink
