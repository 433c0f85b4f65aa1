// HttpSinkBase: what every HTTP sink shares — the lock and condition the
// submitting thread and the HTTP thread meet on, the count of records not yet
// finished, the sticky failure, and the HTTP thread's lifetime. A subclass
// starts `thread_` in Start() and calls Stop() from its own destructor (the
// thread runs the subclass's loop, so it must end before the subclass does).
#pragma once

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/pipeline/sink.h"
#include "sink/instasent/http_client.h"
#include "sink/sink_metrics.h"

namespace cdc::sink {

using SinkClock = std::chrono::steady_clock;

// The longest an HTTP loop sleeps without a reason: bounds the delay of a Stop
// or a missed wake-up.
inline constexpr std::chrono::milliseconds kMaxPoll{500};

// Warnings about repeated failures are logged at the 1st, 2nd, 4th, 8th...
inline bool PowerOfTwo(uint64_t n) { return n > 0 && (n & (n - 1)) == 0; }

// Wall-clock milliseconds (dead-letter and log times).
inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class HttpSinkBase : public core::Sink {
 public:
  size_t Pending() const override { return pending_.load(); }
  // Flushes, then waits until every record is finished or the sink failed.
  bool Drain(std::chrono::milliseconds timeout) override;
  void Stop() override;
  std::optional<core::Error> Failure() const override;

 protected:
  HttpSinkBase(core::Metrics& metrics, const std::string& name);

  // Keeps the first failure (later ones are ignored), logs it and wakes every
  // waiter. A configuration failure also clears `authorized` (/readyz).
  void Fail(core::Error error);
  // The error Submit returns once the sink failed or is stopping; nullopt
  // while it may take records. Call with `mu_` held.
  std::optional<core::Error> RefusalLocked(const std::string& sink_name) const;
  // Stores `record` as a dead letter of sink `sink_name` with `payload` and
  // `reason`. A store that fails fails the sink: false then.
  bool StoreDeadLetter(core::DeadLetterStore& store, const std::string& pipeline,
                       const std::string& sink_name, const core::Record& record, std::string payload,
                       const std::string& reason);

  SinkMetrics metrics_;
  std::shared_ptr<spdlog::logger> log_;

  mutable std::mutex mu_;
  std::condition_variable changed_;     // space freed, records done, failure, stop
  std::optional<core::Error> failure_;  // guarded by mu_
  std::atomic<size_t> pending_{0};
  std::atomic<bool> stopping_{false};
  std::unique_ptr<HttpClient> http_;
  std::thread thread_;
};

}  // namespace cdc::sink
