// AdminServer: the admin HTTP endpoint (Boost.Beast) on its own thread:
// GET /metrics (Prometheus text 0.0.4), GET /healthz and GET /readyz (200 or
// 503 with a one-line reason, see core/admin/README.md), 404 otherwise.
// Plain HTTP meant for loopback or a pod network; it serves no secrets.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/admin/health.h"
#include "core/metrics/metrics.h"
#include "core/model/result.h"

namespace cdc::core {

struct ListenAddress {
  std::string host;   // 127.0.0.1 when the text names only a port
  uint16_t port = 0;  // 0: any free port
  std::string ToString() const;
};

// "HOST:PORT", "[V6]:PORT", ":PORT" or "PORT"; kConfig on anything else.
Result<ListenAddress> ParseListenAddress(const std::string& text);

class AdminServer {
 public:
  // Binds and starts serving; kConfig when the address cannot be bound.
  static Result<std::unique_ptr<AdminServer>> Start(const ListenAddress& address, const Metrics& metrics,
                                                    const Health& health);
  ~AdminServer();  // stops the thread
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // The bound address, with the real port when 0 was asked.
  const ListenAddress& bound() const { return bound_; }

 private:
  struct Impl;
  explicit AdminServer(std::unique_ptr<Impl> impl, ListenAddress bound);
  std::unique_ptr<Impl> impl_;
  ListenAddress bound_;
};

}  // namespace cdc::core
