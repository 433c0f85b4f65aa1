// EmulatorProcess: runs the real `instasent-emulator` binary on a free loopback
// port for a test and stops it by PID (SIGTERM) when destroyed.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace cdc::emulator::testing {

class EmulatorProcess {
 public:
  // `$CDC_BINARY_DIR/tests/emulator/instasent-emulator`; without CDC_BINARY_DIR, the
  // `instasent-emulator` beside the running test binary.
  static std::string BinaryPath();

  // Starts the binary with `--listen 127.0.0.1:0` plus `args` and reads the port from
  // its first stdout line (10 s deadline). ok() tells whether that worked.
  explicit EmulatorProcess(const std::vector<std::string>& args = {});
  ~EmulatorProcess();
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  const std::string& error() const { return error_; }
  std::string BaseUrl() const;  // http://127.0.0.1:PORT
  // CPU time (user + system) the process has used so far, in seconds.
  double CpuSeconds() const;
  // SIGTERM, then waits (10 s deadline); returns the exit status, -1 on signal/timeout.
  int Stop();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
};

}  // namespace cdc::emulator::testing
