// Process signals: the first SIGTERM/SIGINT asks for a graceful stop (drain,
// confirm, exit 0); a second one exits at once with status 1, which is still
// safe (nothing unacknowledged was confirmed). SIGHUP reopens logs.
#pragma once

#include <atomic>

namespace cdc::cli {

// Installs the handlers; the returned flag turns true on the first signal.
const std::atomic<bool>& InstallStopSignals();
// True (once) after a SIGHUP arrived.
bool TakeHangup();

}  // namespace cdc::cli
