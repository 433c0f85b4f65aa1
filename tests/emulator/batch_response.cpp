#include "tests/emulator/batch_response.h"

#include "core/model/json_writer.h"

namespace cdc::emulator {
namespace {

using nlohmann::json;

// core::AppendJsonString escapes as nlohmann::json::dump does (named escapes,
// \u00xx for other control bytes, UTF-8 as is), so answers stay byte-identical.
using core::AppendJsonString;

// Appends `item[key]` as JSON, or null when absent.
void AppendField(std::string& out, const json& item, const char* key) {
  auto it = item.find(key);
  if (it == item.end()) {
    out += "null";
  } else if (it->is_string()) {
    AppendJsonString(out, it->get_ref<const std::string&>());  // the usual case, without a serializer
  } else {
    out += it->dump();
  }
}

// The documented shape, written directly: one response per ingest request
// made it the emulator's largest cost as a DOM. Keys in the order a
// nlohmann::json object dumps them (sorted), so the bytes are the same.
std::string Documented(const std::vector<ItemResult>& results, size_t ok) {
  std::string out;
  out.reserve(64 + results.size() * 64);
  out += R"({"entity":{"failed":)";
  out += std::to_string(results.size() - ok);
  out += R"(,"items":[)";
  for (size_t i = 0; i < results.size(); ++i) {
    const ItemResult& r = results[i];
    if (i) out += ',';
    out += '{';
    if (r.is_event) {
      out += R"("_event_id":)";
      AppendField(out, *r.item, "_event_id");
      out += ',';
    }
    out += R"("_user_id":)";
    AppendField(out, *r.item, "_user_id");
    if (!r.ok()) {
      out += R"(,"errors":)";
      out += r.errors.dump();
    }
    out += r.ok() ? R"(,"status":"success"})" : R"(,"status":"error"})";
  }
  out += R"(],"successful":)";
  out += std::to_string(ok);
  out += "}}";
  return out;
}

json Client(const std::vector<ItemResult>& results, size_t ok, const DatasourceId& ds) {
  json errors = json::array();
  json accepted = json::array();
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok()) {
      accepted.push_back({{"position", i}, {"item", *results[i].item}});
    } else {
      errors.push_back({{"position", i}, {"errors", results[i].errors}});
    }
  }
  return {{"success", ok == results.size()},       {"entitiesSuccess", ok},
          {"streamId", "stream_" + ds.datasource}, {"projectId", ds.project},
          {"datasourceId", ds.datasource},         {"errors", std::move(errors)},
          {"accepted", std::move(accepted)}};
}

}  // namespace

HttpResponse BuildBatchResponse(const std::vector<ItemResult>& results, ResponseShape shape,
                                const DatasourceId& ds) {
  size_t ok = 0;
  for (const auto& r : results) ok += r.ok() ? 1 : 0;
  std::string body =
      shape == ResponseShape::kClient ? Client(results, ok, ds).dump() : Documented(results, ok);
  return HttpResponse::Json(ok > 0 ? 202 : 422, std::move(body));
}

}  // namespace cdc::emulator
