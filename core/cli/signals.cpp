#include "core/cli/signals.h"

#include <csignal>
#include <unistd.h>

namespace cdc::cli {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_hangup{false};

void OnStop(int) {
  if (g_stop.exchange(true)) {
    static const char kMsg[] = "second signal: exiting at once\n";
    (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
    _exit(1);
  }
}

void OnHangup(int) { g_hangup = true; }

}  // namespace

const std::atomic<bool>& InstallStopSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnStop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = OnHangup;
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return g_stop;
}

bool TakeHangup() { return g_hangup.exchange(false); }

}  // namespace cdc::cli
