// ApiHandler: the Ingest API under `/v1/project/{p}/datasource/{d}/`: routing,
// auth, rate limiting, fault injection and the handlers themselves. Thread-safe
// (all state lives in the components it is given).
#pragma once

#include <string>

#include "tests/emulator/auth.h"
#include "tests/emulator/clock.h"
#include "tests/emulator/datastore.h"
#include "tests/emulator/faults.h"
#include "tests/emulator/http_message.h"
#include "tests/emulator/rate_limiter.h"
#include "tests/emulator/request_target.h"
#include "tests/emulator/specs.h"
#include "tests/emulator/validator.h"

namespace cdc::emulator {

class ApiHandler {
 public:
  ApiHandler(const Clock& clock, const Specs& specs, Datastore& store, FaultInjector& faults,
             RateLimiter& limiter, const Auth& auth)
      : clock_(clock),
        specs_(specs),
        validator_(specs),
        store_(store),
        faults_(faults),
        limiter_(limiter),
        auth_(auth) {}

  HttpResponse Handle(const HttpRequest& req, const RequestTarget& target);

 private:
  struct Call {
    const HttpRequest& req;
    const RequestTarget& target;
    DatasourceId ds;
    std::string endpoint;
    std::string user_id;  // DELETE/GET contact
    TimePoint received;
    FaultSettings settings;
  };

  HttpResponse Execute(const Call& call);
  HttpResponse PostContacts(const Call& call);
  HttpResponse PostEvents(const Call& call);
  HttpResponse DeleteContact(const Call& call);
  HttpResponse GetStream(const Call& call);
  HttpResponse GetProject(const std::string& project);
  HttpResponse GetContact(const Call& call);
  HttpResponse GetStats(const Call& call);
  HttpResponse GetSpecs(const Call& call);

  const Clock& clock_;
  const Specs& specs_;
  Validator validator_;
  Datastore& store_;
  FaultInjector& faults_;
  RateLimiter& limiter_;
  const Auth& auth_;
};

}  // namespace cdc::emulator
