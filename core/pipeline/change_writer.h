// ChangeWriter: how a source hands events to the pipeline. It gathers events
// into chunks so the queue is locked once per chunk, not once per row. A
// source calls Flush() before it blocks waiting for more input, so nothing
// lingers in a half-full chunk. While the queue is full, the wait hook runs
// every 100 ms on the same thread, so a source can keep answering its server
// (keepalives, status updates) while the pipeline is saturated.
// With a ChunkPool, chunks the pipeline has handled come back and each new
// event is moved into a slot still holding an old one: the old row's memory
// is freed on the thread that allocated it, right before the decoder
// allocates the next row, which malloc serves from its per-thread cache
// instead of handing blocks across threads.
// Used by the source reader thread only (the pool is thread-safe).
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "core/model/row_change.h"
#include "core/pipeline/bounded_queue.h"

namespace cdc::core {

using ChangeChunk = std::vector<SourceEvent>;
using ChangeQueue = BoundedQueue<ChangeChunk>;

// Handled chunks on their way back to the writer; holds at most `capacity`
// (more are simply destroyed by whoever returns them), so memory stays bounded.
class ChunkPool {
 public:
  explicit ChunkPool(size_t capacity) : capacity_(capacity) {}

  // Keeps `chunk` for reuse, or leaves it to the caller to destroy when full.
  void Return(ChangeChunk&& chunk) {
    std::lock_guard lock(mu_);
    if (chunks_.size() < capacity_) chunks_.push_back(std::move(chunk));
  }
  // A handled chunk (its old events still inside), or an empty one.
  ChangeChunk Take() {
    std::lock_guard lock(mu_);
    if (chunks_.empty()) return {};
    ChangeChunk chunk = std::move(chunks_.back());
    chunks_.pop_back();
    return chunk;
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::vector<ChangeChunk> chunks_;
};

class ChangeWriter {
 public:
  static constexpr size_t kChunkSize = 256;

  explicit ChangeWriter(ChangeQueue& queue, ChunkPool* pool = nullptr) : queue_(queue), pool_(pool) {
    chunk_.reserve(kChunkSize);
  }

  void SetWaitHook(std::function<void()> hook) { wait_hook_ = std::move(hook); }

  // False once the pipeline is shutting down: the source should return.
  bool Emit(SourceEvent event) {
    if (used_ < chunk_.size()) {
      chunk_[used_] = std::move(event);  // frees the old event's memory here, on this thread
    } else {
      chunk_.push_back(std::move(event));
    }
    ++used_;
    return used_ < kChunkSize || Flush();
  }

  // A source that has just become caught up calls this: what it holds goes
  // out, or an empty chunk when it holds nothing, so the pipeline looks at
  // the source's progress now instead of at its next poll (--until-idle
  // exits at once). A full queue needs no nudge: the pipeline is busy.
  bool Wake() {
    if (used_ > 0) return Flush();
    ChangeChunk empty;
    return queue_.PushFor(empty, std::chrono::milliseconds(0)) != ChangeQueue::PushResult::kClosed;
  }

  bool Flush() {
    if (used_ == 0) return !queue_.Closed();
    chunk_.resize(used_);  // drops old events beyond the new ones
    ChangeChunk full = pool_ != nullptr ? pool_->Take() : ChangeChunk();
    full.reserve(kChunkSize);
    std::swap(full, chunk_);
    used_ = 0;
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
  ChunkPool* pool_;
  ChangeChunk chunk_;  // slots [0, used_) are new events, the rest old ones to overwrite
  size_t used_ = 0;
  std::function<void()> wait_hook_;
};

}  // namespace cdc::core
