#include "sink/instasent/success_scan.h"

#include <nlohmann/json.hpp>

#include <string>

namespace cdc::sink {

namespace {

using nlohmann::json;

// SAX events for the shape above; returning false stops the scan (not the
// shape, or an item that did not succeed: the full parse reads the reasons).
class SuccessScan final : public nlohmann::json_sax<json> {
 public:
  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool binary(binary_t&) override { return Value(); }
  bool string(string_t& value) override {
    if (expect_ == Expect::kStatus) {
      expect_ = Expect::kNothing;
      return value == "success";
    }
    return Value();
  }

  bool start_object(std::size_t) override {
    if (!Opening()) return false;
    if (depth_ == 0) {
      top_level_object_ = true;
    } else if (expect_ == Expect::kEntity) {
      entity_depth_ = depth_ + 1;
      ++entities_;
    }
    expect_ = Expect::kNothing;
    ++depth_;
    return true;
  }
  bool end_object() override {
    if (depth_ == entity_depth_) entity_depth_ = -1;
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    if (!Opening()) return false;
    if (expect_ == Expect::kItems) {
      items_depth_ = depth_ + 1;
      ++item_arrays_;
    }
    expect_ = Expect::kNothing;
    ++depth_;
    return true;
  }
  bool end_array() override {
    if (depth_ == items_depth_) items_depth_ = -1;
    --depth_;
    return true;
  }

  bool key(string_t& name) override {
    expect_ = Expect::kNothing;
    if (depth_ == 1 && name == "entity") {
      expect_ = Expect::kEntity;
    } else if (entity_depth_ > 0 && depth_ == entity_depth_ && name == "items") {
      expect_ = Expect::kItems;
    } else if (items_depth_ > 0 && depth_ == items_depth_ + 1 && name == "status") {
      expect_ = Expect::kStatus;
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

  std::optional<size_t> Result() const {
    if (!top_level_object_ || entities_ != 1 || item_arrays_ != 1) return std::nullopt;
    return items_;
  }

 private:
  enum class Expect { kNothing, kEntity, kItems, kStatus };

  // A scalar: it may be an item, and must not be where an object or array is wanted.
  bool Value() {
    const Expect expected = expect_;
    expect_ = Expect::kNothing;
    if (depth_ == items_depth_) ++items_;
    return expected == Expect::kNothing;
  }
  // An object or array starts: it may be an item; a status must be a string.
  bool Opening() {
    if (expect_ == Expect::kStatus) return false;
    if (depth_ == 0 && top_level_object_) return false;
    if (depth_ > 0 && depth_ == items_depth_) ++items_;
    return true;
  }

  int depth_ = 0;
  int entity_depth_ = -1;  // depth inside the entity object while it is open
  int items_depth_ = -1;   // depth inside the items array while it is open
  int entities_ = 0;
  int item_arrays_ = 0;
  bool top_level_object_ = false;
  size_t items_ = 0;
  Expect expect_ = Expect::kNothing;
};

}  // namespace

std::optional<size_t> CountItemsIfAllSucceeded(std::string_view body) {
  SuccessScan scan;
  try {
    if (!json::sax_parse(body, &scan)) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return scan.Result();
}

}  // namespace cdc::sink
