// ChangeWriter: how a source hands events to the pipeline. It gathers events
// into chunks so the queue is locked once per chunk, not once per row. A
// source calls Flush() before it blocks waiting for more input, so nothing
// lingers in a half-full chunk. While the queue is full, the wait hook runs
// every 100 ms on the same thread, so a source can keep answering its server
// (keepalives, status updates) while the pipeline is saturated.
// Used by the source reader thread only.
#pragma once

#include <chrono>
#include <functional>
#include <utility>
#include <vector>

#include "core/model/row_change.h"
#include "core/pipeline/bounded_queue.h"

namespace cdc::core {

using ChangeChunk = std::vector<SourceEvent>;
using ChangeQueue = BoundedQueue<ChangeChunk>;

class ChangeWriter {
 public:
  static constexpr size_t kChunkSize = 256;

  explicit ChangeWriter(ChangeQueue& queue) : queue_(queue) { chunk_.reserve(kChunkSize); }

  void SetWaitHook(std::function<void()> hook) { wait_hook_ = std::move(hook); }

  // False once the pipeline is shutting down: the source should return.
  bool Emit(SourceEvent event) {
    chunk_.push_back(std::move(event));
    return chunk_.size() < kChunkSize || Flush();
  }

  bool Flush() {
    if (chunk_.empty()) return !queue_.Closed();
    ChangeChunk full;
    full.reserve(kChunkSize);
    std::swap(full, chunk_);
    for (;;) {
      switch (queue_.PushFor(full, std::chrono::milliseconds(100))) {
        case ChangeQueue::PushResult::kPushed: return true;
        case ChangeQueue::PushResult::kClosed: return false;
        case ChangeQueue::PushResult::kTimedOut:
          if (wait_hook_) wait_hook_();
      }
    }
  }

 private:
  ChangeQueue& queue_;
  ChangeChunk chunk_;
  std::function<void()> wait_hook_;
};

}  // namespace cdc::core
