// Pipeline: wires one Source, one Mapping and the Sinks together and runs
// until stopped, idle (--until-idle), the source ends, or something fails.
// Threads: the source reader (Source::Run), the caller's (mapping, routing,
// checkpointing) and each sink's own; they meet in bounded queues.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/checkpoint/checkpointer.h"
#include "core/metrics/metrics.h"
#include "core/model/result.h"
#include "core/pipeline/clock_skew_check.h"
#include "core/pipeline/lag_monitor.h"
#include "core/pipeline/mapping.h"
#include "core/pipeline/sink.h"
#include "core/pipeline/source.h"
#include "core/state/state_store.h"

namespace cdc::core {

struct PipelineOptions {
  std::string name;
  // Exit 0 once caught up, drained and confirmed for this long; < 0 = never.
  std::chrono::milliseconds until_idle{-1};
  // How long SIGTERM waits for in-flight records before giving up on them.
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(30)};
  size_t queue_chunks = 64;  // x ChangeWriter::kChunkSize events
  // `source: lag_warning:` thresholds (0 = no warning); the gauges are always set.
  LagThresholds lag_warning;
};

class Pipeline : public AckListener {
 public:
  // `sinks` by name; a record with an empty destination goes to the first.
  Pipeline(PipelineOptions options, Source& source, Mapping& mapping,
           std::vector<std::pair<std::string, Sink*>> sinks, StateStore& state, Metrics& metrics);

  // Runs until `stop` is set (then drains and confirms: ok), the idle time
  // passes (ok), the source ends by itself (ok, after draining), or an error.
  Status Run(const std::atomic<bool>& stop);

  void OnDone(uint64_t ticket) override { checkpointer_.Done(ticket); }

 private:
  Status Handle(SourceEvent& event);
  Status HandleChange(RowChange& change);
  Status DeadLetterRow(const RowChange& change, const MappingFailure& failure);
  // `busy`: changes are still arriving, so a confirmation may wait up to
  // kConfirmInterval (the next one covers more).
  void ConfirmProgress(bool force, bool busy = false);
  bool Idle() const;
  std::optional<Error> SinkFailure() const;
  bool DrainSinks(std::chrono::milliseconds timeout);
  // After a stop request, stops the sinks if Run has not finished within the
  // drain timeout (a Submit blocked on a full sink would otherwise hang).
  void Watchdog(const std::atomic<bool>& stop, const std::atomic<bool>& finished);
  void NoteEventWindow(const Record& record);
  void NoteTxEnd(const TxEnd& end);
  void ObserveLag();
  // Adds the changes counted since the last call to the metric: once per
  // chunk, not an atomic update per row.
  void ReportChanges();

  PipelineOptions options_;
  Source& source_;
  Mapping& mapping_;
  std::vector<std::pair<std::string, Sink*>> sinks_;
  StateStore& state_;
  Metrics& metrics_;
  Checkpointer checkpointer_;

  std::vector<Record> records_;              // reused per change
  uint64_t changes_unreported_ = 0;          // see ReportChanges
  std::vector<MappingFailure> failures_;     // reused per change
  std::optional<Position> last_confirmed_;
  std::chrono::steady_clock::time_point last_state_write_{};
  std::chrono::steady_clock::time_point last_confirm_at_{};
  std::chrono::steady_clock::time_point last_window_log_{};
  uint64_t outside_window_since_log_ = 0;
  // The wall clock read once per chunk for the 1 h event window: a clock
  // read per event cost more than the check, and a chunk takes milliseconds.
  int64_t chunk_now_us_ = 0;
  const std::atomic<bool>* stop_ = nullptr;  // Run's stop flag
  LagMonitor lag_;
  ClockSkewCheck commit_clock_;
  std::chrono::steady_clock::time_point last_lag_check_{};

  Series& changes_;
  Series& mapping_failures_;
  Series& truncates_;
  Series& outside_window_;
  Series& queue_depth_;
};

}  // namespace cdc::core
