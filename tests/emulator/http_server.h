// HttpServer: HTTP/1.1 with keep-alive on Boost.Beast, one coroutine per connection
// on a small fixed pool of threads sharing one io_context. Requests are handed to
// the Emulator; per-request latency is an asynchronous timer, never a blocked thread.
// Run() returns after SIGTERM/SIGINT or Stop().
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/model/result.h"
#include "tests/emulator/emulator.h"

namespace cdc::emulator {

class HttpServer {
 public:
  HttpServer(Emulator& emulator, int threads);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds `host:port` (port 0: any free port); returns the bound port.
  core::Result<uint16_t> Listen(const std::string& host, uint16_t port);
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cdc::emulator
