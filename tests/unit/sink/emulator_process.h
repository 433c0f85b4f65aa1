// EmulatorProcess: runs the real instasent-emulator binary on a free loopback
// port for a test, reads its "listening on" line, and stops it by PID. Also a
// plain libcurl helper for the emulator's /_emulator/* inspection routes.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace cdc::sink::testing {

struct HttpResult {
  long status = 0;
  std::string body;
};

// A blocking request to 127.0.0.1 (no auth header unless `token` is given).
HttpResult HttpCall(const std::string& method, const std::string& url, const std::string& body = {},
                    const std::string& token = {});

class EmulatorProcess {
 public:
  // `args` are extra flags (faults, --response-shape...). Fails the test (ADD_FAILURE)
  // and leaves url() empty when the binary cannot be started.
  explicit EmulatorProcess(const std::vector<std::string>& args);
  // Another test server with the same `--listen`/"listening on" contract
  // (tests/encharge_server), by its path relative to the build tree.
  EmulatorProcess(const std::string& relative_binary, const std::vector<std::string>& args);
  ~EmulatorProcess();
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  // $CDC_BINARY_DIR/tests/emulator/instasent-emulator, else found from this
  // test binary's own place in the build tree.
  static std::string BinaryPath(const std::string& relative = "/tests/emulator/instasent-emulator");

  bool ok() const { return !url_.empty(); }
  const std::string& url() const { return url_; }  // "http://127.0.0.1:PORT"

  // GET/POST an inspection route ("/_emulator/stats") and parse the JSON answer.
  nlohmann::json Inspect(const std::string& path) const;
  nlohmann::json SetFaults(const nlohmann::json& faults) const;

  void Stop();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::thread drain_;
  std::string url_;
};

}  // namespace cdc::sink::testing
