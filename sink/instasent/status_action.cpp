#include "sink/instasent/status_action.h"

namespace cdc::sink {

StatusAction ClassifyStatus(long status, Endpoint endpoint) {
  if (status == 0 || status == 408 || status >= 500) return StatusAction::kRetry;
  if (status >= 200 && status < 300) return StatusAction::kAccepted;
  switch (status) {
    case 400:
    case 413:
      return StatusAction::kSplit;
    case 429:
      return StatusAction::kRateLimited;
    case 401:
    case 403:
      return StatusAction::kFatal;
    // The start-up probe already proved project, datasource and token, so a
    // 404 to a DELETE means the contact does not exist: the delete is done.
    case 404:
      return endpoint == Endpoint::kDelete ? StatusAction::kAccepted : StatusAction::kFatal;
    default:
      break;
  }
  // A redirect means the configured URL is not the API's.
  if (status < 400) return StatusAction::kFatal;
  return StatusAction::kRejectAll;
}

}  // namespace cdc::sink
