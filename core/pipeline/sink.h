// Sink: a destination for records (sink/ implements it). Records are submitted
// in source order; the sink may send different users in parallel but keeps
// each user's records in order. Every submitted record is eventually either
// acknowledged by the destination or written to the dead-letter store, and
// only then reported to the AckListener. Fatal errors (401/404) are sticky.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/model/record.h"
#include "core/model/result.h"

namespace cdc::core {

// Called from the sink's thread once a record is accepted or dead-lettered.
class AckListener {
 public:
  virtual ~AckListener() = default;
  virtual void OnDone(uint64_t ticket) = 0;
};

struct DeadLetter {
  int64_t id = 0;               // assigned by the store
  std::string pipeline;
  std::string destination;      // sink name
  std::string kind;             // record kind, or "row" for a row the mapping rejected
  std::string user_id;
  std::string table;
  std::string payload;          // the item JSON (or the row as JSON)
  std::string reason;           // the API's errors or the mapping's message
  std::string position;         // source position text
  int64_t created_at_ms = 0;
};

class DeadLetterStore {
 public:
  virtual ~DeadLetterStore() = default;
  // Durable once it returns ok (thread-safe).
  virtual Status PutDeadLetter(const DeadLetter& letter) = 0;
};

class Sink {
 public:
  virtual ~Sink() = default;

  // Starts the sink's thread and probes the destination (auth, ids).
  // 401/403/404 are kConfig.
  virtual Status Start() = 0;

  // Queues one record; blocks while the sink's buffer is full. Returns the
  // sticky fatal error once the sink has failed.
  virtual Status Submit(Record record) = 0;

  // True when a Submit that returns ok has already accepted the record (the
  // jsonl sink writes it at once): the pipeline then tracks no checkpoint
  // ticket for it and the sink reports nothing for a ticket of 0.
  virtual bool AcknowledgesOnSubmit() const { return false; }

  // Sends what is buffered without waiting for the linger time.
  virtual void Flush() = 0;

  // Records submitted and not yet acknowledged or dead-lettered.
  virtual size_t Pending() const = 0;

  // Waits until Pending() == 0 or the timeout passes; true when drained.
  virtual bool Drain(std::chrono::milliseconds timeout) = 0;

  // Stops the thread; unsent records are simply not acknowledged.
  virtual void Stop() = 0;

  // The sticky fatal error, if the sink has failed.
  virtual std::optional<Error> Failure() const = 0;
};

}  // namespace cdc::core
