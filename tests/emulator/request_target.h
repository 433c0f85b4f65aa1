// RequestTarget: a request target split into percent-decoded path segments and
// query parameters. Segments are decoded one by one, so `%2F` stays inside its segment.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cdc::emulator {

class RequestTarget {
 public:
  static RequestTarget Parse(std::string_view target);

  const std::vector<std::string>& segments() const { return segments_; }
  // The value of `name` ("" for a valueless flag), or nullopt when absent.
  std::optional<std::string> Query(const std::string& name) const;
  // A flag such as `?_sync`: present, valueless or with a value other than 0/false.
  bool Flag(const std::string& name) const;

  // Percent-decoding; `+` becomes a space only in query strings.
  static std::string Decode(std::string_view s, bool plus_is_space);

 private:
  std::vector<std::string> segments_;
  std::map<std::string, std::string> query_;
};

}  // namespace cdc::emulator
