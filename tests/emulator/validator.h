// Validator: per-item validation of contact and event items against the specs.
// Returns the item's field errors as a JSON object `{field: [message, ...]}`,
// empty when the item is valid. Stateless; safe from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "tests/emulator/specs.h"

namespace cdc::emulator {

class Validator {
 public:
  explicit Validator(const Specs& specs) : specs_(specs) {}

  nlohmann::json ValidateContact(const nlohmann::json& item) const;
  // Includes `_user_data` (its errors are keyed `_user_data.<field>`).
  nlohmann::json ValidateEvent(const nlohmann::json& item) const;

  static bool IsValidEmail(const std::string& email);
  static bool IsValidE164(const std::string& phone);

 private:
  void CheckAttribute(const std::string& key, const nlohmann::json& value,
                      const std::string& prefix, nlohmann::json& errors) const;
  void CheckContactFields(const nlohmann::json& item, const std::string& prefix,
                          nlohmann::json& errors) const;

  const Specs& specs_;
};

}  // namespace cdc::emulator
