#include "sink/encharge/encharge_body.h"

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

namespace cdc::sink {

namespace {

using nlohmann::json;

// Instasent reserved attributes with an obvious Encharge person field. The rest
// keep their names, so nothing is dropped silently.
constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kFieldNames{{
    {"_user_id", "userId"},
    {"_email", "email"},
    {"_first_name", "firstName"},
    {"_last_name", "lastName"},
    {"_phone_mobile", "phone"},
    {"_country", "country"},
    {"_city", "city"},
    {"_company", "company"},
    {"_timezone", "timezone"},
}};

core::Result<json> ParseObject(const core::Record& record) {
  json item = json::parse(record.json, nullptr, /*allow_exceptions=*/false);
  if (!item.is_object()) {
    return core::Fail(core::Error::BadData(std::string("a ") + core::RecordKindName(record.kind) +
                                           " item that is not a JSON object"));
  }
  return item;
}

// A dead letter of this sink holds the Encharge body itself (never a
// `_user_id`, always a `user`): `dlq replay` sends it again as it is.
bool IsEnchargeBody(const json& item) { return !item.contains("_user_id") && item.contains("user"); }

// Adds the attributes of `attributes` (Instasent names) to `user` (Encharge names).
void AddUserFields(const json& attributes, json& user) {
  for (const auto& [key, value] : attributes.items()) {
    if (key == "_user_id") continue;  // the record's user id is authoritative
    user[EnchargeFieldName(key)] = value;
  }
}

json Identity(const std::string& user_id) { return json{{"userId", user_id}}; }

}  // namespace

std::string EnchargeFieldName(std::string_view attribute) {
  for (const auto& [from, to] : kFieldNames) {
    if (from == attribute) return std::string(to);
  }
  return std::string(attribute);
}

core::Result<std::vector<std::string>> EnchargeBodies(const core::Record& record,
                                                      const EnchargeBodyOptions& options) {
  std::vector<std::string> bodies;
  switch (record.kind) {
    case core::RecordKind::kContactDelete: {
      if (record.renamed || options.delete_event.empty()) return bodies;
      bodies.push_back(json{{"name", options.delete_event}, {"user", Identity(record.user_id)}}.dump());
      return bodies;
    }
    case core::RecordKind::kContactUpsert: {
      auto item = ParseObject(record);
      if (!item) return core::Fail(item.error());
      if (IsEnchargeBody(*item)) return std::vector<std::string>{record.json};
      if (!record.previous_user_id.empty()) {
        bodies.push_back(json{{"type", "alias"},
                              {"previousUserId", record.previous_user_id},
                              {"user", Identity(record.user_id)}}
                             .dump());
      }
      json user = Identity(record.user_id);
      AddUserFields(*item, user);
      bodies.push_back(json{{"name", "identify"}, {"user", std::move(user)}}.dump());
      return bodies;
    }
    case core::RecordKind::kEvent: {
      auto item = ParseObject(record);
      if (!item) return core::Fail(item.error());
      if (IsEnchargeBody(*item)) return std::vector<std::string>{record.json};
      const json& type = (*item)["_event_type"];
      if (!type.is_string() || type.get_ref<const std::string&>().empty()) {
        return core::Fail(core::Error::BadData("an event without an _event_type"));
      }
      json user = Identity(record.user_id);
      if (auto data = item->find("_user_data"); data != item->end() && data->is_object()) {
        AddUserFields(*data, user);
      }
      json properties = json::object();
      if (auto params = item->find("_event_parameters"); params != item->end() && params->is_object()) {
        properties = *params;
      }
      if (!record.event_id.empty()) properties["eventId"] = record.event_id;
      json body = {{"name", type}, {"user", std::move(user)}, {"properties", std::move(properties)}};
      if (auto date = item->find("_event_date"); date != item->end() && date->is_string()) {
        body["timestamp"] = *date;
      }
      bodies.push_back(body.dump());
      return bodies;
    }
  }
  return bodies;
}

}  // namespace cdc::sink
