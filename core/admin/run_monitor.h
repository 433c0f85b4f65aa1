// RunMonitor: the run's observer thread. Every second it samples the source's
// progress and the sinks into gauges (connected, snapshot rows; the lag gauges
// are the pipeline's LagMonitor's), tells Health whether the pipeline is live and ready, and shows
// snapshot progress; every few seconds (and when destroyed) it copies the
// cumulative counters and the source's positions into the state store, so
// `status` shows them whether or not the process runs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/admin/health.h"
#include "core/admin/snapshot_progress.h"
#include "core/metrics/metrics.h"
#include "core/pipeline/sink.h"
#include "core/pipeline/source.h"
#include "core/state/state_store.h"

namespace cdc::core {

struct RunMonitorOptions {
  std::string pipeline;
  bool terminal = false;  // stderr is a terminal with text logs: draw the snapshot bar
  std::chrono::milliseconds tick{1000};
  std::chrono::milliseconds persist_every{5000};
  std::function<void()> on_tick;  // extra work on the monitor thread (SIGHUP handling)
};

// Keys written to the state store (read by `status`).
inline constexpr const char* kRunUpdatedAtKey = "run.updated_at_ms";
inline constexpr const char* kRunPidKey = "run.pid";

class RunMonitor {
 public:
  RunMonitor(RunMonitorOptions options, Source& source, std::vector<std::pair<std::string, Sink*>> sinks,
             Metrics& metrics, StateStore& state, Health& health);
  ~RunMonitor();  // stops the thread, then persists a last time
  RunMonitor(const RunMonitor&) = delete;
  RunMonitor& operator=(const RunMonitor&) = delete;

  // One sample and, when `persist`, one state store write (the thread's work; public for tests).
  void Tick(bool persist);

 private:
  void Loop();
  void Persist(const SourceProgress& progress);
  void ShowSnapshot(const SourceProgress& progress);

  const RunMonitorOptions options_;
  Source& source_;
  const std::vector<std::pair<std::string, Sink*>> sinks_;
  Metrics& metrics_;
  StateStore& state_;
  Health& health_;
  SnapshotProgress snapshot_;

  Series& connected_;
  Series& snapshot_rows_;
  Series& snapshot_estimate_;
  Series& dead_letters_;

  std::map<std::string, int64_t> persisted_;  // counter values already added to the store
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace cdc::core
