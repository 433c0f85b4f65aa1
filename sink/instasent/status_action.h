// What the sink does with an HTTP answer, by status alone (the body is read
// afterwards for per-item outcomes). Pure; see sink/README.md "Outcomes".
#pragma once

#include "sink/batch.h"

namespace cdc::sink {

enum class StatusAction {
  kAccepted,     // 2xx (and 404 on a DELETE: the contact is already gone)
  kRejectAll,    // 422 and other permanent 4xx: every item dead-lettered (per-item errors if given)
  kSplit,        // 400, 413: refused as a whole; halve to find the bad item
  kRateLimited,  // 429: pause the endpoint
  kRetry,        // no answer, 408, 5xx: same batch again after a backoff
  kFatal,        // 401, 403, 404, 3xx: credentials or address wrong; stop
};

StatusAction ClassifyStatus(long status, Endpoint endpoint);

}  // namespace cdc::sink
