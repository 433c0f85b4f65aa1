#include "tests/emulator/specs.h"

#include <fstream>

namespace cdc::emulator {
namespace {

using nlohmann::json;

json Attr(const char* uid, const char* type, bool custom, bool read_only = false) {
  return {{"uid", uid},
          {"displayLabel", uid},
          {"description", ""},
          {"dataType", type},
          {"multivalue", 1},
          {"readOnly", read_only},
          {"requiredInWebhook", std::string(uid) == "_user_id"},
          {"important", false},
          {"visible", true},
          {"custom", custom}};
}

json Event(const char* uid, const char* name, const char* category) {
  return {{"uid", uid},           {"name", name},        {"description", ""},
          {"category", category}, {"attribution", true}, {"automation", true},
          {"icon", ""},           {"emoji", ""},         {"important", false}};
}

json Param(const char* name, const char* type, bool required, int max_length = 255) {
  return {
      {"parameter", name}, {"title", name},      {"description", ""},       {"icon", ""},
      {"dataType", type},  {"visualType", type}, {"maxLength", max_length}, {"required", required},
      {"multiValue", 1}};
}

json DefaultDocument() {
  json attrs = json::array(
      {Attr("_user_id", "string", false), Attr("_email", "string", false),
       Attr("_phone_mobile", "string", false), Attr("_first_name", "string", false),
       Attr("_last_name", "string", false), Attr("_email_verified", "bool", false, true),
       Attr("_phone_mobile_verified", "bool", false, true), Attr("_country", "string", false),
       Attr("_language", "string", false), Attr("_gender", "string", false),
       Attr("_birthdate", "date", false), Attr("_city", "string", false),
       Attr("_postal_code", "string", false), Attr("_email_subscribed", "bool", false),
       Attr("_sms_subscribed", "bool", false), Attr("plan", "string", true),
       Attr("vip", "bool", true), Attr("signup_date", "date", true)});
  json interests = Attr("interests", "string", true);
  interests["multivalue"] = 5;
  attrs.push_back(interests);
  json events = json::array({Event("purchase", "Purchase", "ecommerce"),
                             Event("viewed_product", "Viewed product", "behaviour"),
                             Event("reservation_made", "Reservation made", "appointments"),
                             Event("appointment", "Appointment", "appointments"),
                             Event("ecommerce_order_create", "Order created", "ecommerce")});
  json params = {{"purchase",
                  {Param("amount", "number", true), Param("currency", "string", true),
                   Param("product_sku", "string", false), Param("product_name", "string", false),
                   Param("quantity", "number", false)}},
                 {"viewed_product",
                  {Param("product_sku", "string", false), Param("product_name", "string", false),
                   Param("url", "string", false, 2048)}},
                 {"reservation_made",
                  {Param("reservation_id", "string", false), Param("date", "string", false),
                   Param("people", "number", false)}},
                 {"appointment",
                  {Param("appointment_id", "string", false), Param("date", "string", false),
                   Param("service", "string", false)}},
                 {"ecommerce_order_create",
                  {Param("order_id", "string", false), Param("amount", "number", false),
                   Param("currency", "string", false), Param("items", "payload", false, 0)}}};
  return {{"attributes", attrs}, {"events", events}, {"event_parameters", params}};
}

template <class T>
T Get(const json& item, const char* key, T fallback) {
  auto it = item.find(key);
  if (it == item.end() || it->is_null()) return fallback;
  return it->get<T>();
}

}  // namespace

Specs Specs::Defaults() {
  auto specs = FromJson(DefaultDocument());
  return std::move(*specs);  // the built-in document is well formed
}

core::Result<Specs> Specs::FromJson(const json& doc) {
  Specs s;
  try {
    for (const json& a : doc.at("attributes")) {
      AttributeSpec spec{a.at("uid").get<std::string>(), Get<std::string>(a, "dataType", "string"),
                         Get<int>(a, "multivalue", 1), a};
      s.attribute_index_[spec.uid] = s.attributes_.size();
      s.attributes_.push_back(std::move(spec));
    }
    for (const json& e : doc.at("events")) {
      e.at("uid").get<std::string>();  // required
      s.events_.push_back(e);
      s.parameters_[e["uid"].get<std::string>()];  // a type may have no parameters
    }
    if (doc.contains("event_parameters")) {
      for (const auto& [type, list] : doc["event_parameters"].items()) {
        auto& out = s.parameters_[type];
        for (const json& p : list) {
          out.push_back({p.at("parameter").get<std::string>(),
                         Get<std::string>(p, "dataType", "string"), Get<bool>(p, "required", false),
                         Get<int>(p, "maxLength", 0), p});
        }
      }
    }
  } catch (const json::exception& e) {
    return core::Fail(core::Error::Config(std::string("specs: ") + e.what()));
  }
  for (const auto& [type, unused] : s.parameters_) {
    if (!s.HasEventType(type)) {
      return core::Fail(core::Error::Config("specs: parameters for undeclared event type " + type));
    }
  }
  return s;
}

core::Result<Specs> Specs::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::Fail(core::Error::Config("specs: cannot open " + path));
  json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return core::Fail(core::Error::Config("specs: invalid JSON in " + path));
  return FromJson(doc);
}

const AttributeSpec* Specs::FindAttribute(const std::string& uid) const {
  auto it = attribute_index_.find(uid);
  return it == attribute_index_.end() ? nullptr : &attributes_[it->second];
}

bool Specs::HasEventType(const std::string& uid) const {
  for (const json& e : events_) {
    if (e["uid"] == uid) return true;
  }
  return false;
}

const std::vector<EventParameterSpec>* Specs::EventParameters(const std::string& type) const {
  auto it = parameters_.find(type);
  return it == parameters_.end() ? nullptr : &it->second;
}

json Specs::AttributesJson() const {
  json out = json::array();
  for (const auto& a : attributes_) out.push_back(a.item);
  return out;
}

json Specs::EventsJson() const { return json(events_); }

json Specs::EventParametersJson(const std::string& type) const {
  json out = json::array();
  if (const auto* list = EventParameters(type)) {
    for (const auto& p : *list) out.push_back(p.item);
  }
  return out;
}

}  // namespace cdc::emulator
