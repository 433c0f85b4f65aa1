#include "tests/emulator/emulator.h"

#include "tests/emulator/request_target.h"

namespace cdc::emulator {

Emulator::Emulator(EmulatorOptions options, const Clock& clock)
    : clock_(clock),
      specs_(std::move(options.specs)),
      auth_(std::move(options.credentials), std::move(options.product_tokens)),
      store_(clock_, specs_),
      faults_(options.faults, options.seed),
      limiter_(clock_),
      api_(clock_, specs_, store_, faults_, limiter_, auth_),
      inspection_(store_, faults_, limiter_, auth_) {}

HttpResponse Emulator::Handle(const HttpRequest& req) {
  const RequestTarget target = RequestTarget::Parse(req.target);
  const bool inspection = !target.segments().empty() && target.segments()[0] == "_emulator";
  HttpResponse resp = inspection ? inspection_.Handle(req, target) : api_.Handle(req, target);
  // A request id on every answer, as support asks for one when reporting a 5xx.
  resp.headers.emplace_back("X-Request-Id", "req-" + std::to_string(next_request_id_++));
  return resp;
}

}  // namespace cdc::emulator
