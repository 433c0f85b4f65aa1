// Specs: the datasource's attribute, event-type and event-parameter specs, as served
// by `/stream/specs/*` and used by validation. Immutable after construction.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/model/result.h"

namespace cdc::emulator {

struct AttributeSpec {
  std::string uid;
  std::string data_type;  // string, text, payload, bool, date, number, ...
  int multivalue = 1;     // > 1: a JSON array of at most this many values
  nlohmann::json item;    // the §8 item as served
};

struct EventParameterSpec {
  std::string parameter;
  std::string data_type;
  bool required = false;
  int max_length = 0;  // 0: no limit
  nlohmann::json item;
};

class Specs {
 public:
  // Reserved attributes plus a few custom ones; event types purchase,
  // viewed_product, reservation_made, appointment, ecommerce_order_create.
  static Specs Defaults();
  // `{"attributes":[...],"events":[...],"event_parameters":{"TYPE":[...]}}`.
  static core::Result<Specs> FromJson(const nlohmann::json& doc);
  static core::Result<Specs> LoadFile(const std::string& path);

  const AttributeSpec* FindAttribute(const std::string& uid) const;
  bool HasEventType(const std::string& uid) const;
  // nullptr for an unknown event type.
  const std::vector<EventParameterSpec>* EventParameters(const std::string& type) const;

  nlohmann::json AttributesJson() const;
  nlohmann::json EventsJson() const;
  nlohmann::json EventParametersJson(const std::string& type) const;

 private:
  std::vector<AttributeSpec> attributes_;
  std::map<std::string, size_t> attribute_index_;
  std::vector<nlohmann::json> events_;
  std::map<std::string, std::vector<EventParameterSpec>> parameters_;
};

}  // namespace cdc::emulator
