#include "sink/ordering_lanes.h"

#include <algorithm>
#include <string>
#include <unordered_set>

namespace cdc::sink {

namespace {

bool IsDependent(const core::Record& record) {
  return record.kind == core::RecordKind::kEvent || record.kind == core::RecordKind::kContactDelete;
}

std::unordered_set<std::string_view> UsersOf(const Batch& batch) {
  std::unordered_set<std::string_view> users;
  for (const auto& record : batch.records) users.insert(record.user_id);
  return users;
}

}  // namespace

OrderingLanes::OrderingLanes(size_t lanes, size_t batch_size)
    : batch_size_(std::max<size_t>(1, batch_size)), lanes_(std::max<size_t>(1, lanes)) {}

size_t OrderingLanes::LaneOf(std::string_view user_id) const {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : user_id) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return static_cast<size_t>(hash % lanes_.size());
}

OrderingLanes::Pushed OrderingLanes::Push(core::Record record, Clock::time_point now) {
  const size_t lane = LaneOf(record.user_id);
  auto& queue = lanes_[lane];
  const Endpoint endpoint = EndpointOf(record.kind);
  const bool wake = queue.empty() || endpoint == Endpoint::kDelete ||
                    EndpointOf(queue.back().record.kind) != endpoint || (queue.size() + 1) % batch_size_ == 0;
  queue.push_back({std::move(record), now});
  return {lane, wake};
}

Endpoint OrderingLanes::FrontEndpoint(size_t lane) const {
  return EndpointOf(lanes_[lane].front().record.kind);
}

size_t OrderingLanes::FrontRunLength(size_t lane) const {
  const auto& queue = lanes_[lane];
  if (queue.empty()) return 0;
  const Endpoint endpoint = EndpointOf(queue.front().record.kind);
  if (endpoint == Endpoint::kDelete) return 1;
  size_t n = 0;
  while (n < queue.size() && n < batch_size_ && EndpointOf(queue[n].record.kind) == endpoint) ++n;
  return n;
}

bool OrderingLanes::FrontRunClosed(size_t lane) const {
  const size_t n = FrontRunLength(lane);
  return n > 0 && (n == batch_size_ || n < lanes_[lane].size() || FrontEndpoint(lane) == Endpoint::kDelete);
}

Batch OrderingLanes::TakeRun(size_t lane) {
  const size_t n = FrontRunLength(lane);
  Batch batch;
  if (n == 0) return batch;
  auto& queue = lanes_[lane];
  batch.endpoint = EndpointOf(queue.front().record.kind);
  batch.records.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    batch.records.push_back(std::move(queue.front().record));
    queue.pop_front();
  }
  return batch;
}

bool OrderingLanes::HoldsDependentOf(size_t lane, const Batch& batch) const {
  const auto users = UsersOf(batch);
  return std::any_of(lanes_[lane].begin(), lanes_[lane].end(),
                     [&](const Queued& q) { return IsDependent(q.record) && users.count(q.record.user_id); });
}

bool HasDependent(const Batch& batch, const std::vector<core::Record>& later) {
  const auto users = UsersOf(batch);
  return std::any_of(later.begin(), later.end(),
                     [&](const core::Record& r) { return IsDependent(r) && users.count(r.user_id); });
}

}  // namespace cdc::sink
