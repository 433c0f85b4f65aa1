// SourceRunner: drives any core::Source in integration tests. It runs
// Source::Run on its own thread into a bounded queue and collects what
// arrives, as the pipeline would. Each source's harness supplies the factory.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics/metrics.h"
#include "core/pipeline/change_writer.h"
#include "core/pipeline/source.h"
#include "core/state/state_store.h"

namespace cdc::testing {

class SourceRunner {
 public:
  using Factory = std::function<std::unique_ptr<core::Source>(core::StateStore&, core::Metrics&)>;

  // Opens the state store at `state_path` (throws when it cannot) and builds the source.
  SourceRunner(const std::string& pipeline, const std::string& state_path, const Factory& make_source,
               size_t queue_chunks = 64);
  ~SourceRunner();
  SourceRunner(const SourceRunner&) = delete;
  SourceRunner& operator=(const SourceRunner&) = delete;

  core::Status Prepare() { return source_->Prepare(); }
  void Start();  // Run() on a thread
  // Stops the reader and joins; returns what Run() returned.
  core::Status Stop();

  // Drains the queue into events() until `condition(events())` or timeout. A
  // source that ended with an error is a test failure.
  bool CollectUntil(const std::function<bool(const std::vector<core::SourceEvent>&)>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Until at least `n` row changes / TxEnds have arrived (counted as they arrive).
  bool CollectRows(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  bool CollectTxEnds(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(30));

  const std::vector<core::SourceEvent>& events() const { return events_; }
  std::vector<core::RowChange> Changes() const;
  std::vector<core::TxEnd> TxEnds() const;
  size_t CountTxEnds() const { return tx_ends_; }

  core::Source& source() { return *source_; }
  core::StateStore& state() { return *state_; }
  core::ChangeQueue& queue() { return queue_; }
  bool running() const { return thread_.joinable() && !finished_.load(); }

 private:
  void Append(core::ChangeChunk& chunk);

  core::ChangeQueue queue_;
  core::Metrics metrics_;
  std::unique_ptr<core::StateStore> state_;
  std::unique_ptr<core::Source> source_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  core::Status result_;
  std::vector<core::SourceEvent> events_;
  size_t rows_ = 0;
  size_t tx_ends_ = 0;
};

// Value of `column` in a row (after, or before), by the change's schema; a
// missing column is a test failure.
const core::Value& Col(const core::RowChange& change, const std::string& column, bool before = false);

}  // namespace cdc::testing
