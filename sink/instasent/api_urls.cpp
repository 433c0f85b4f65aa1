#include "sink/instasent/api_urls.h"

#include <curl/curl.h>

namespace cdc::sink {

std::string UrlEncode(std::string_view text) {
  // libcurl accepts a null handle here since 7.82.
  char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  if (escaped == nullptr) return {};
  std::string out(escaped);
  curl_free(escaped);
  return out;
}

ApiUrls::ApiUrls(std::string_view base, std::string_view project, std::string_view datasource) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  project_ = std::string(base) + "/v1/project/" + UrlEncode(project);
  stream_ = project_ + "/datasource/" + UrlEncode(datasource) + "/stream";
}

std::string ApiUrls::Probe() const { return stream_; }

std::string ApiUrls::ProjectProbe() const { return project_; }

std::string ApiUrls::Batch(Endpoint endpoint, bool sync) const {
  std::string url = stream_ + (endpoint == Endpoint::kEvents ? "/events" : "/contacts");
  if (sync) url += "?_sync";
  return url;
}

std::string ApiUrls::Delete(std::string_view user_id) const {
  return stream_ + "/contacts/" + UrlEncode(user_id);
}

std::string ApiUrls::AttributeSpecs() const { return stream_ + "/specs/attributes"; }

std::string ApiUrls::EventSpecs() const { return stream_ + "/specs/events"; }

std::string ApiUrls::EventParameterSpecs(std::string_view type) const {
  return stream_ + "/specs/event-parameters/" + UrlEncode(type);
}

}  // namespace cdc::sink
