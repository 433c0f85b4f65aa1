// Test doubles for a sink's collaborators that are not HTTP: an AckListener
// that records tickets and an in-memory DeadLetterStore. Both thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>

#include "core/pipeline/sink.h"

namespace cdc::sink::testing {

class RecordingAckListener : public core::AckListener {
 public:
  void OnDone(uint64_t ticket) override {
    std::lock_guard lock(mu_);
    ++acks_[ticket];
    order_.push_back(ticket);
    changed_.notify_all();
  }
  std::map<uint64_t, int> acks() const {
    std::lock_guard lock(mu_);
    return acks_;
  }
  std::vector<uint64_t> order() const {
    std::lock_guard lock(mu_);
    return order_;
  }
  size_t distinct() const {
    std::lock_guard lock(mu_);
    return acks_.size();
  }
  // Polls (on the condition variable) until `n` distinct tickets are acknowledged.
  bool WaitFor(size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return acks_.size() >= n; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<uint64_t, int> acks_;
  std::vector<uint64_t> order_;
};

class MemoryDeadLetterStore : public core::DeadLetterStore {
 public:
  core::Status PutDeadLetter(const core::DeadLetter& letter) override {
    std::lock_guard lock(mu_);
    letters_.push_back(letter);
    letters_.back().id = static_cast<int64_t>(letters_.size());
    return {};
  }
  std::vector<core::DeadLetter> letters() const {
    std::lock_guard lock(mu_);
    return letters_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<core::DeadLetter> letters_;
};

}  // namespace cdc::sink::testing
