#include "core/checkpoint/checkpointer.h"

namespace cdc::core {

uint64_t Checkpointer::Track() {
  std::lock_guard lock(mu_);
  entries_.push_back(Entry{});
  return next_seq_++;
}

void Checkpointer::TrackTxEnd(const Position& position) {
  std::lock_guard lock(mu_);
  entries_.push_back(Entry{.done = true, .tx_end = true, .position = position});
  ++next_seq_;
  PopDoneLocked();
}

void Checkpointer::Done(uint64_t ticket) {
  std::lock_guard lock(mu_);
  if (ticket < first_seq_ || ticket >= next_seq_) return;
  entries_[ticket - first_seq_].done = true;
  PopDoneLocked();
}

void Checkpointer::PopDoneLocked() {
  while (!entries_.empty() && entries_.front().done) {
    if (entries_.front().tx_end) confirmable_ = entries_.front().position;
    entries_.pop_front();
    ++first_seq_;
  }
}

std::optional<Position> Checkpointer::Confirmable() const {
  std::lock_guard lock(mu_);
  return confirmable_;
}

size_t Checkpointer::Outstanding() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace cdc::core
