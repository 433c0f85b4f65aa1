// Emulator: owns every component (specs, datastore, faults, rate limiter, auth) and
// dispatches a request to the API or the inspection routes. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "tests/emulator/api_handler.h"
#include "tests/emulator/auth.h"
#include "tests/emulator/clock.h"
#include "tests/emulator/datastore.h"
#include "tests/emulator/faults.h"
#include "tests/emulator/http_message.h"
#include "tests/emulator/inspection_handler.h"
#include "tests/emulator/rate_limiter.h"
#include "tests/emulator/specs.h"

namespace cdc::emulator {

struct EmulatorOptions {
  std::vector<Credential> credentials;
  std::vector<ProductToken> product_tokens;
  Specs specs = Specs::Defaults();
  FaultSettings faults;
  uint64_t seed = 1;
};

class Emulator {
 public:
  Emulator(EmulatorOptions options, const Clock& clock);

  HttpResponse Handle(const HttpRequest& req);

  Datastore& store() { return store_; }
  FaultInjector& faults() { return faults_; }

 private:
  const Clock& clock_;
  const Specs specs_;
  Auth auth_;
  Datastore store_;
  FaultInjector faults_;
  RateLimiter limiter_;
  ApiHandler api_;
  InspectionHandler inspection_;
  std::atomic<uint64_t> next_request_id_{1};
};

}  // namespace cdc::emulator
