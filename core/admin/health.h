// Health: what /healthz and /readyz answer, set by the run's monitor and read
// by the admin endpoint's thread. Live = the monitor loop ticked recently and
// no fatal error was recorded; ready = live and the monitor last saw the source
// connected and every sink's credentials accepted. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace cdc::core {

class Health {
 public:
  using Clock = std::chrono::steady_clock;

  // `stall_after`: a monitor silent for longer than this makes the process not live.
  explicit Health(std::chrono::milliseconds stall_after = std::chrono::seconds(30))
      : stall_after_(stall_after) {}

  // The monitor's tick: it is alive, and whether (and if not, why not) the
  // pipeline is ready.
  void Beat(bool ready, std::string why_not_ready);
  // Sticky: the process is stopping because of this error.
  void SetFatal(std::string message);

  struct Verdict {
    bool ok = false;
    std::string reason;  // one line for the probe's body
  };
  Verdict Live() const;
  Verdict Ready() const;

 private:
  Verdict LiveLocked(Clock::time_point now) const;

  const std::chrono::milliseconds stall_after_;
  mutable std::mutex mu_;
  bool beaten_ = false;
  Clock::time_point last_beat_{};
  bool ready_ = false;
  std::string why_not_ready_ = "starting";
  std::string fatal_;
};

}  // namespace cdc::core
