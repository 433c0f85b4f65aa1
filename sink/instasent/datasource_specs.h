// DatasourceSpecs: what an Instasent datasource declares (INSTASENT_API.md §8):
// its attributes, event types and each type's parameters, read with the sink's
// token for `validate`. The parsers are pure; FetchDatasourceSpecs blocks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model/result.h"

namespace cdc::sink {

struct AttributeSpec {
  std::string uid;
  std::string data_type;  // string, text, payload, bool, date, number, ...
  int multivalue = 1;     // > 1: an array of at most this many values
  bool read_only = false;
  bool custom = false;
};

struct EventParameterSpec {
  std::string parameter;
  std::string data_type;
  bool required = false;
  int max_length = 0;   // 0: no limit given
  int multi_value = 1;  // > 1: an array
};

struct EventTypeSpec {
  std::string uid;
  std::vector<EventParameterSpec> parameters;
  bool parameters_known = false;  // its parameter specs were read
};

struct DatasourceSpecs {
  std::vector<AttributeSpec> attributes;
  std::vector<EventTypeSpec> events;
  bool attributes_known = false;  // the attribute specs were read
  bool events_known = false;      // the event-type specs were read

  const AttributeSpec* FindAttribute(std::string_view uid) const;
  const EventTypeSpec* FindEvent(std::string_view uid) const;
};

// Bodies of the three specs routes: `{"specs":[...]}` (datasource routes) or
// `{"entities":[...]}` (project routes of a Product token). kBadData when the
// body is neither.
core::Result<std::vector<AttributeSpec>> ParseAttributeSpecs(std::string_view body);
core::Result<std::vector<EventTypeSpec>> ParseEventSpecs(std::string_view body);
core::Result<std::vector<EventParameterSpec>> ParseEventParameterSpecs(std::string_view body);

struct SpecsRequest {
  std::string name;  // the sink's name, for messages
  std::string url;
  std::string project;
  std::string datasource;
  std::string token;
  std::string ca_file;
  long timeout_ms = 30000;
  bool product_token = false;  // probe GET /v1/project/{project} instead of GET /stream
};

struct SpecsFetch {
  DatasourceSpecs specs;
  // Why the specs could not be read although the credentials work (a token
  // that may only write, an API without the routes); empty when they were read.
  std::string unavailable;
};

// GET /stream (token, project and datasource; GET /v1/project/{project} for a
// Product API token), then the attribute and event
// specs and the parameters of each type in `event_types` that exists.
// kConfig when the API refuses the credentials or ids (401/403/404), kRetryable
// when it cannot be reached or fails (5xx, 429).
core::Result<SpecsFetch> FetchDatasourceSpecs(const SpecsRequest& request,
                                              const std::vector<std::string>& event_types);

}  // namespace cdc::sink
