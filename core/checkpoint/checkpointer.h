// Checkpointer: the low-water mark of acknowledged work. The pipeline tracks,
// in source order, a ticket per record and a marker per transaction end; the
// sink reports tickets done (accepted or dead-lettered) in any order. The
// confirmable position is the last transaction end before which every ticket
// is done. Thread-safe; memory is proportional to the tickets outstanding.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "core/model/position.h"

namespace cdc::core {

class Checkpointer {
 public:
  // A ticket for one record, in source order.
  uint64_t Track();
  // Every record of the transaction ending at `position` has been tracked.
  void TrackTxEnd(const Position& position);
  // The record is accepted or dead-lettered. Unknown/repeated tickets are ignored.
  void Done(uint64_t ticket);

  // The latest transaction end that is fully acknowledged, if any yet.
  std::optional<Position> Confirmable() const;
  // Records tracked and not done, plus transaction ends not yet confirmable.
  size_t Outstanding() const;

 private:
  struct Entry {
    bool done = false;
    bool tx_end = false;
    Position position;  // tx_end only
  };
  void PopDoneLocked();

  mutable std::mutex mu_;
  std::deque<Entry> entries_;   // entries_[i] has sequence number first_seq_ + i
  uint64_t first_seq_ = 1;
  uint64_t next_seq_ = 1;
  std::optional<Position> confirmable_;
};

}  // namespace cdc::core
