#include "core/admin/health.h"

namespace cdc::core {

void Health::Beat(bool ready, std::string why_not_ready) {
  std::lock_guard lock(mu_);
  beaten_ = true;
  last_beat_ = Clock::now();
  ready_ = ready;
  why_not_ready_ = ready ? std::string() : std::move(why_not_ready);
}

void Health::SetFatal(std::string message) {
  std::lock_guard lock(mu_);
  if (fatal_.empty()) fatal_ = message.empty() ? "fatal error" : std::move(message);
}

Health::Verdict Health::LiveLocked(Clock::time_point now) const {
  if (!fatal_.empty()) return {false, "stopping on a fatal error: " + fatal_};
  // Before the first tick the process is starting (connecting, probing): alive.
  if (beaten_ && now - last_beat_ > stall_after_) {
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now - last_beat_).count();
    return {false, "the monitor loop has not run for " + std::to_string(secs) + " s"};
  }
  return {true, "ok"};
}

Health::Verdict Health::Live() const {
  std::lock_guard lock(mu_);
  return LiveLocked(Clock::now());
}

Health::Verdict Health::Ready() const {
  std::lock_guard lock(mu_);
  Verdict live = LiveLocked(Clock::now());
  if (!live.ok) return live;
  if (!ready_) return {false, why_not_ready_};
  return {true, "ok"};
}

}  // namespace cdc::core
