#include "core/model/shared_name.h"

#include <mutex>
#include <unordered_set>

namespace cdc::core {
namespace {

struct Names {
  std::mutex mu;
  std::unordered_set<std::string> set;  // nodes never move: their addresses are the names
};

// Never destroyed: records may outlive static destruction order.
Names& AllNames() {
  static Names* names = new Names;
  return *names;
}

}  // namespace

const std::string& SharedName::Empty() {
  static const std::string* empty = new std::string;
  return *empty;
}

SharedName::SharedName(std::string_view text) {
  if (text.empty()) return;
  Names& names = AllNames();
  std::lock_guard lock(names.mu);
  text_ = &*names.set.emplace(text).first;
}

}  // namespace cdc::core
