// InspectionHandler: `/_emulator/*`, the unauthenticated routes tests use to read
// the emulator's state and change its faults. Thread-safe.
#pragma once

#include "tests/emulator/auth.h"
#include "tests/emulator/datastore.h"
#include "tests/emulator/faults.h"
#include "tests/emulator/http_message.h"
#include "tests/emulator/rate_limiter.h"
#include "tests/emulator/request_target.h"

namespace cdc::emulator {

class InspectionHandler {
 public:
  InspectionHandler(Datastore& store, FaultInjector& faults, RateLimiter& limiter, const Auth& auth)
      : store_(store), faults_(faults), limiter_(limiter), auth_(auth) {}

  // `target.segments()[0]` is "_emulator".
  HttpResponse Handle(const HttpRequest& req, const RequestTarget& target);

 private:
  HttpResponse Route(const HttpRequest& req, const RequestTarget& target);

  Datastore& store_;
  FaultInjector& faults_;
  RateLimiter& limiter_;
  const Auth& auth_;
};

}  // namespace cdc::emulator
