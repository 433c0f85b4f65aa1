// SharedName: a short name that many records carry (their source table, their
// sink), stored once for the life of the process so that copying one copies a
// pointer instead of a string (a heap block for names of 16 bytes or more).
// Names come from the config, the source's tables and dead letters: few.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace cdc::core {

class SharedName {
 public:
  SharedName() = default;  // ""
  // Implicit, like a string's: a lock and a lookup, so build a name once and copy it.
  SharedName(std::string_view text);  // NOLINT(google-explicit-constructor)
  SharedName(const std::string& text) : SharedName(std::string_view(text)) {}  // NOLINT
  SharedName(const char* text) : SharedName(std::string_view(text)) {}         // NOLINT

  const std::string& str() const { return *text_; }
  operator const std::string&() const { return *text_; }  // NOLINT(google-explicit-constructor)
  bool empty() const { return text_->empty(); }

  // Equal names share their storage, so comparing two is comparing pointers.
  friend bool operator==(const SharedName& a, const SharedName& b) { return a.text_ == b.text_; }
  friend bool operator==(const SharedName& a, std::string_view b) { return *a.text_ == b; }
  // Exact matches, so that comparing with a string or a literal is not ambiguous.
  friend bool operator==(const SharedName& a, const std::string& b) { return *a.text_ == b; }
  friend bool operator==(const SharedName& a, const char* b) { return *a.text_ == b; }
  friend std::ostream& operator<<(std::ostream& out, const SharedName& name) { return out << *name.text_; }

 private:
  static const std::string& Empty();

  const std::string* text_ = &Empty();
};

}  // namespace cdc::core
