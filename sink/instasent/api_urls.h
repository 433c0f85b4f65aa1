// ApiUrls: the Ingest API addresses of one project/datasource, with every
// path segment URL-encoded (user ids may hold '/', '#', spaces, UTF-8).
#pragma once

#include <string>
#include <string_view>

#include "sink/batch.h"

namespace cdc::sink {

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string UrlEncode(std::string_view text);

class ApiUrls {
 public:
  // `base` is the API root, e.g. "https://api.instasent.com" (a trailing '/' is ignored).
  ApiUrls(std::string_view base, std::string_view project, std::string_view datasource);

  std::string Probe() const;                              // GET  .../stream
  std::string ProjectProbe() const;                       // GET  .../v1/project/P (Product token)
  std::string Batch(Endpoint endpoint, bool sync) const;  // POST .../stream/{contacts,events}[?_sync]
  std::string Delete(std::string_view user_id) const;     // DELETE .../stream/contacts/{userId}
  std::string AttributeSpecs() const;                     // GET  .../stream/specs/attributes
  std::string EventSpecs() const;                         // GET  .../stream/specs/events
  std::string EventParameterSpecs(std::string_view type) const;  // GET .../specs/event-parameters/{type}

 private:
  std::string project_;  // ".../v1/project/P"
  std::string stream_;   // ".../v1/project/P/datasource/D/stream"
};

}  // namespace cdc::sink
