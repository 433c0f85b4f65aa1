// ChangeWriter: how a source hands events to the pipeline. It gathers events
// into chunks so the queue is locked once per chunk, not once per row. A
// source calls Flush() before it blocks waiting for more input, so nothing
// lingers in a half-full chunk. Used by the source reader thread only.
#pragma once

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
    return queue_.Push(std::move(full));
  }

 private:
  ChangeQueue& queue_;
  ChangeChunk chunk_;
};

}  // namespace cdc::core
