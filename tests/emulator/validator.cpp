#include "tests/emulator/validator.h"

#include <cstdlib>

#include "tests/emulator/iso_time.h"

namespace cdc::emulator {
namespace {

using nlohmann::json;

constexpr size_t kMaxIdLength = 255;

void Add(json& errors, const std::string& field, const char* message) {
  errors[field].push_back(message);
}

// Ids are non-empty strings of at most 255 characters.
void CheckId(const json& item, const char* key, const std::string& prefix, json& errors) {
  auto it = item.find(key);
  if (it == item.end() || it->is_null()) return Add(errors, prefix + key, "Required");
  if (!it->is_string()) return Add(errors, prefix + key, "Invalid type");
  const auto& s = it->get_ref<const std::string&>();
  if (s.empty()) return Add(errors, prefix + key, "Required");
  if (s.size() > kMaxIdLength) Add(errors, prefix + key, "Too long");
}

bool IsScalar(const json& v) { return v.is_primitive() && !v.is_null(); }

bool CheckTyped(const std::string& type, const json& v) {
  if (type == "date") return v.is_string() && IsIsoDate(v.get_ref<const std::string&>());
  if (type == "bool") return v.is_boolean() || v == "1" || v == "0";
  if (type == "number" || type == "integer") {
    if (v.is_number()) return true;
    if (!v.is_string()) return false;
    const auto& s = v.get_ref<const std::string&>();
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    return !s.empty() && end == s.c_str() + s.size();
  }
  return IsScalar(v);
}

}  // namespace

bool Validator::IsValidEmail(const std::string& email) {
  if (email.size() > 254) return false;
  auto at = email.find('@');
  if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) {
    return false;
  }
  std::string domain = email.substr(at + 1);
  auto dot = domain.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 2 > domain.size()) return false;
  if (domain.find("..") != std::string::npos || domain.front() == '-') return false;
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= ' ' || c == ',' || c == ';' || c == '<' || c == '>' ||
        c == '(' || c == ')' || c == '[' || c == ']' || c == '\\' || c == '"') {
      return false;
    }
  }
  return true;
}

bool Validator::IsValidE164(const std::string& phone) {
  if (phone.size() < 9 || phone.size() > 16 || phone[0] != '+' || phone[1] == '0') return false;
  for (size_t i = 1; i < phone.size(); ++i) {
    if (phone[i] < '0' || phone[i] > '9') return false;
  }
  return true;
}

void Validator::CheckAttribute(const std::string& key, const json& value, const std::string& prefix,
                               json& errors) const {
  const std::string field = prefix + key;
  if (value.is_null()) return;  // null clears, whatever the type
  const AttributeSpec* spec = specs_.FindAttribute(key);
  if (spec == nullptr) {
    // Reserved names cannot be invented; custom ones are created on first use.
    if (key.starts_with('_')) return Add(errors, field, "Unknown attribute");
    if (value.is_object()) return Add(errors, field, "Invalid type");
    if (value.is_array()) {
      for (const json& v : value) {
        if (!IsScalar(v)) return Add(errors, field, "Invalid type");
      }
    }
    return;
  }
  if (spec->data_type == "payload") return;  // free JSON
  if (key == "_email") {
    if (!value.is_string() || !IsValidEmail(value.get_ref<const std::string&>())) {
      Add(errors, field, "Invalid format");
    }
    return;
  }
  if (key == "_phone_mobile") {
    if (!value.is_string() || !IsValidE164(value.get_ref<const std::string&>())) {
      Add(errors, field, "Invalid format");
    }
    return;
  }
  if (value.is_array()) {
    if (spec->multivalue <= 1) return Add(errors, field, "Invalid type");
    if (value.size() > static_cast<size_t>(spec->multivalue)) {
      return Add(errors, field, "Too many values");
    }
    for (const json& v : value) {
      if (!CheckTyped(spec->data_type, v)) return Add(errors, field, "Invalid format");
    }
    return;
  }
  if (value.is_object()) return Add(errors, field, "Invalid type");
  if (!CheckTyped(spec->data_type, value)) Add(errors, field, "Invalid format");
}

void Validator::CheckContactFields(const json& item, const std::string& prefix,
                                   json& errors) const {
  for (const auto& [key, value] : item.items()) {
    if (key == "_user_id") continue;
    CheckAttribute(key, value, prefix, errors);
  }
}

json Validator::ValidateContact(const json& item) const {
  json errors = json::object();
  CheckId(item, "_user_id", "", errors);
  CheckContactFields(item, "", errors);
  return errors;
}

json Validator::ValidateEvent(const json& item) const {
  json errors = json::object();
  CheckId(item, "_user_id", "", errors);
  CheckId(item, "_event_id", "", errors);
  CheckId(item, "_event_type", "", errors);
  for (const auto& [key, value] : item.items()) {
    if (key != "_user_id" && key != "_event_id" && key != "_event_type" && key != "_event_date" &&
        key != "_event_parameters" && key != "_user_data") {
      Add(errors, key, "Unknown field");
    }
  }
  auto type = item.find("_event_type");
  const std::vector<EventParameterSpec>* params = nullptr;
  if (type != item.end() && type->is_string() && !type->get_ref<const std::string&>().empty()) {
    params = specs_.EventParameters(type->get<std::string>());
    if (params == nullptr) Add(errors, "_event_type", "Unknown event type");
  }
  auto date = item.find("_event_date");
  if (date != item.end() && !date->is_null() &&
      !(date->is_string() && ParseIsoDateTime(date->get_ref<const std::string&>()))) {
    Add(errors, "_event_date", "Invalid format");
  }
  auto p = item.find("_event_parameters");
  static const json kEmpty = json::object();
  const json* parameters = &kEmpty;
  if (p != item.end() && !p->is_null()) {
    if (p->is_object()) {
      parameters = &*p;
    } else {
      Add(errors, "_event_parameters", "Invalid type");
    }
  }
  if (params != nullptr) {
    for (const auto& spec : *params) {
      auto v = parameters->find(spec.parameter);
      const std::string field = "_event_parameters." + spec.parameter;
      if (v == parameters->end() || v->is_null()) {
        if (spec.required) Add(errors, field, "Required");
        continue;
      }
      if (spec.max_length > 0 && v->is_string() &&
          v->get_ref<const std::string&>().size() > static_cast<size_t>(spec.max_length)) {
        Add(errors, field, "Too long");
      }
    }
  }
  auto user_data = item.find("_user_data");
  if (user_data != item.end() && !user_data->is_null()) {
    if (!user_data->is_object()) {
      Add(errors, "_user_data", "Invalid type");
    } else {
      auto uid = user_data->find("_user_id");
      if (uid != user_data->end() && item.contains("_user_id") && *uid != item["_user_id"]) {
        Add(errors, "_user_data._user_id", "Does not match _user_id");
      }
      CheckContactFields(*user_data, "_user_data.", errors);
    }
  }
  return errors;
}

}  // namespace cdc::emulator
