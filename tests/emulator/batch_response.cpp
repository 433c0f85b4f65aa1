#include "tests/emulator/batch_response.h"

namespace cdc::emulator {
namespace {

using nlohmann::json;

json Field(const json& item, const char* key) {
  auto it = item.find(key);
  return it == item.end() ? json() : *it;
}

json Documented(const std::vector<ItemResult>& results, size_t ok) {
  json items = json::array();
  for (const auto& r : results) {
    json out = {{"status", r.ok() ? "success" : "error"}, {"_user_id", Field(*r.item, "_user_id")}};
    if (r.is_event) out["_event_id"] = Field(*r.item, "_event_id");
    if (!r.ok()) out["errors"] = r.errors;
    items.push_back(std::move(out));
  }
  return {{"entity",
           {{"successful", ok}, {"failed", results.size() - ok}, {"items", std::move(items)}}}};
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
  json body = shape == ResponseShape::kClient ? Client(results, ok, ds) : Documented(results, ok);
  return HttpResponse::Json(ok > 0 ? 202 : 422, body.dump());
}

}  // namespace cdc::emulator
