#include "sink/instasent/response_parser.h"

#include <nlohmann/json.hpp>

#include "sink/instasent/success_scan.h"

namespace cdc::sink {

namespace {

using nlohmann::json;

std::string DumpErrors(const json& errors) {
  if (errors.is_null()) return "{}";
  return errors.dump(-1, ' ', false, json::error_handler_t::replace);
}

core::Result<std::vector<ItemOutcome>> ParseDocumented(const json& entity, size_t items) {
  const auto it = entity.find("items");
  if (it == entity.end() || !it->is_array()) {
    return core::Fail(core::Error::BadData("response entity has no items array"));
  }
  if (it->size() != items) {
    return core::Fail(core::Error::BadData("response has " + std::to_string(it->size()) + " items for " +
                                           std::to_string(items) + " sent"));
  }
  std::vector<ItemOutcome> out(items);
  for (size_t i = 0; i < items; ++i) {
    const json& item = (*it)[i];
    if (!item.is_object()) continue;
    const std::string status = item.value("status", std::string("success"));
    if (status != "success") {
      out[i].ok = false;
      out[i].errors = DumpErrors(item.contains("errors") ? item["errors"] : json());
    }
  }
  return out;
}

core::Result<std::vector<ItemOutcome>> ParseClient(const json& body, size_t items) {
  std::vector<ItemOutcome> out(items);
  // When `accepted` is present, an item it does not list did not succeed.
  if (auto accepted = body.find("accepted"); accepted != body.end() && accepted->is_array()) {
    std::vector<bool> seen(items, false);
    for (const json& entry : *accepted) {
      if (!entry.is_object() || !entry.contains("position")) continue;
      const auto& position = entry["position"];
      if (position.is_number_unsigned() && position.get<size_t>() < items) {
        seen[position.get<size_t>()] = true;
      }
    }
    for (size_t i = 0; i < items; ++i) {
      if (!seen[i]) out[i] = {false, "{}"};
    }
  }
  if (auto errors = body.find("errors"); errors != body.end() && errors->is_array()) {
    for (const json& entry : *errors) {
      if (!entry.is_object()) continue;
      const auto position = entry.find("position");
      if (position == entry.end() || !position->is_number_unsigned() || position->get<size_t>() >= items) {
        continue;
      }
      const auto item_errors = entry.find("errors");
      out[position->get<size_t>()] = {false, DumpErrors(item_errors != entry.end() ? *item_errors : entry)};
    }
  }
  // A one-item failure answered with only `entitiesSuccess`/`success`.
  if (items == 1 && out[0].ok) {
    const bool failed =
        (body.contains("success") && body["success"].is_boolean() && !body["success"].get<bool>()) ||
        (body.contains("entitiesSuccess") && body["entitiesSuccess"].is_number() &&
         body["entitiesSuccess"].get<double>() == 0);
    if (failed) out[0] = {false, DumpErrors(body.value("errors", json()))};
  }
  return out;
}

}  // namespace

core::Result<std::vector<ItemOutcome>> ParseBatchResponse(std::string_view body, size_t items) {
  // Nearly every answer under load: all items succeeded, nothing to keep.
  if (CountItemsIfAllSucceeded(body) == items) return std::vector<ItemOutcome>(items);
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return core::Fail(core::Error::BadData("response body is not a JSON object"));
  }
  if (auto entity = parsed.find("entity"); entity != parsed.end() && entity->is_object()) {
    return ParseDocumented(*entity, items);
  }
  if (parsed.contains("entitiesSuccess") || parsed.contains("accepted") || parsed.contains("success")) {
    return ParseClient(parsed, items);
  }
  return core::Fail(core::Error::BadData("response body has neither `entity` nor `entitiesSuccess`"));
}

std::string ErrorMessage(std::string_view body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded() && parsed.is_object()) {
    if (auto it = parsed.find("message"); it != parsed.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  constexpr size_t kMax = 500;
  return std::string(body.substr(0, kMax));
}

}  // namespace cdc::sink
