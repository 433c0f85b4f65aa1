#include "sink/instasent/datasource_specs.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "sink/instasent/api_urls.h"
#include "sink/instasent/http_client.h"
#include "sink/instasent/response_parser.h"

namespace cdc::sink {
namespace {

using nlohmann::json;

// The item list of a specs body, or nullptr.
const json* SpecList(const json& doc) {
  if (!doc.is_object()) return nullptr;
  for (const char* key : {"specs", "entities"}) {
    auto it = doc.find(key);
    if (it != doc.end() && it->is_array()) return &*it;
  }
  return nullptr;
}

core::Result<json> ParseBody(std::string_view body, const char* what) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || SpecList(doc) == nullptr) {
    return core::Fail(core::Error::BadData(std::string(what) + ": the answer has no \"specs\" list"));
  }
  return doc;
}

// Spec fields are read leniently: a missing or oddly typed field keeps its default.
std::string Text(const json& item, const char* key) {
  auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int Int(const json& item, const char* key, int fallback) {
  auto it = item.find(key);
  if (it == item.end() || !it->is_number()) return fallback;
  return it->get<int>();
}

bool Flag(const json& item, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto it = item.find(key);
    if (it == item.end()) continue;
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_number()) return it->get<double>() != 0;
  }
  return false;
}

core::Error Refused(const SpecsRequest& request, long status, const std::string& body,
                    const std::string& what) {
  std::string message = "sink " + request.name + ": the Instasent API answered " + std::to_string(status) +
                        " (" + ErrorMessage(body) + ") to " + what + " for project " + request.project +
                        ", datasource " + request.datasource;
  if (status == 401) {
    return core::Error::Config(message + ": the token is missing, malformed or revoked");
  }
  if (status == 403 || status == 404) {
    return core::Error::Config(message +
                               ": check the url, project and datasource, and that the token "
                               "belongs to that datasource");
  }
  if (status == 429 || status >= 500 || status == 0) return core::Error::Retryable(message);
  return core::Error::Config(message);
}

}  // namespace

const AttributeSpec* DatasourceSpecs::FindAttribute(std::string_view uid) const {
  auto it = std::find_if(attributes.begin(), attributes.end(), [&](const auto& a) { return a.uid == uid; });
  return it == attributes.end() ? nullptr : &*it;
}

const EventTypeSpec* DatasourceSpecs::FindEvent(std::string_view uid) const {
  auto it = std::find_if(events.begin(), events.end(), [&](const auto& e) { return e.uid == uid; });
  return it == events.end() ? nullptr : &*it;
}

core::Result<std::vector<AttributeSpec>> ParseAttributeSpecs(std::string_view body) {
  auto doc = ParseBody(body, "attribute specs");
  if (!doc) return core::Fail(doc.error());
  std::vector<AttributeSpec> out;
  for (const json& item : *SpecList(*doc)) {
    if (!item.is_object() || Text(item, "uid").empty()) continue;
    out.push_back({Text(item, "uid"), Text(item, "dataType"), Int(item, "multivalue", 1),
                   Flag(item, {"readOnly", "readonly"}), Flag(item, {"custom"})});
  }
  return out;
}

core::Result<std::vector<EventTypeSpec>> ParseEventSpecs(std::string_view body) {
  auto doc = ParseBody(body, "event specs");
  if (!doc) return core::Fail(doc.error());
  std::vector<EventTypeSpec> out;
  for (const json& item : *SpecList(*doc)) {
    if (!item.is_object() || Text(item, "uid").empty()) continue;
    out.push_back({Text(item, "uid"), {}, false});
  }
  return out;
}

core::Result<std::vector<EventParameterSpec>> ParseEventParameterSpecs(std::string_view body) {
  auto doc = ParseBody(body, "event parameter specs");
  if (!doc) return core::Fail(doc.error());
  std::vector<EventParameterSpec> out;
  for (const json& item : *SpecList(*doc)) {
    if (!item.is_object() || Text(item, "parameter").empty()) continue;
    out.push_back({Text(item, "parameter"), Text(item, "dataType"), Flag(item, {"required"}),
                   Int(item, "maxLength", 0), Int(item, "multiValue", Int(item, "multivalue", 1))});
  }
  return out;
}

core::Result<SpecsFetch> FetchDatasourceSpecs(const SpecsRequest& request,
                                              const std::vector<std::string>& event_types) {
  auto http = HttpClient::Create({request.token, request.ca_file, request.timeout_ms});
  if (!http) return core::Fail(http.error());
  const ApiUrls urls(request.url, request.project, request.datasource);

  const HttpResponse probe =
      (*http)->Perform({"GET", request.product_token ? urls.ProjectProbe() : urls.Probe(), {}});
  if (probe.status == 0) {
    return core::Fail(core::Error::Retryable("sink " + request.name + ": cannot reach " + request.url + " (" +
                                             probe.transport_error + ")"));
  }
  if (probe.status >= 300) {
    return core::Fail(Refused(request, probe.status, probe.body,
                              request.product_token ? "GET /v1/project/{project}" : "GET /stream"));
  }

  SpecsFetch fetch;
  // Reads one specs route; false (with `unavailable` set) when it cannot.
  auto read = [&](const std::string& url, const char* route, auto parse, auto& into) {
    const HttpResponse r = (*http)->Perform({"GET", url, {}});
    if (r.status != 200) {
      fetch.unavailable =
          std::string("GET ") + route + " answered " +
          (r.status == 0 ? r.transport_error : std::to_string(r.status) + " (" + ErrorMessage(r.body) + ")");
      return false;
    }
    auto parsed = parse(r.body);
    if (!parsed) {
      fetch.unavailable = std::string("GET ") + route + ": " + parsed.error().message;
      return false;
    }
    into = std::move(*parsed);
    return true;
  };
  fetch.specs.attributes_known =
      read(urls.AttributeSpecs(), "/stream/specs/attributes", ParseAttributeSpecs, fetch.specs.attributes);
  if (!fetch.specs.attributes_known) return fetch;
  fetch.specs.events_known =
      read(urls.EventSpecs(), "/stream/specs/events", ParseEventSpecs, fetch.specs.events);
  if (!fetch.specs.events_known) return fetch;
  for (EventTypeSpec& type : fetch.specs.events) {
    if (std::find(event_types.begin(), event_types.end(), type.uid) == event_types.end()) continue;
    const std::string route = "/stream/specs/event-parameters/" + type.uid;
    if (!read(urls.EventParameterSpecs(type.uid), route.c_str(), ParseEventParameterSpecs, type.parameters)) {
      return fetch;
    }
    type.parameters_known = true;
  }
  return fetch;
}

}  // namespace cdc::sink
