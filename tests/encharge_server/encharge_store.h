// EnchargeStore: the state and the rules of the Encharge test server — people
// (identify merges, alias renames), events, the token check, the 5xx fault and
// the /_test inspection routes. Transport-neutral (main.cpp owns the sockets);
// thread-safe (one mutex).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cdc::encharge_server {

struct Reply {
  int status = 200;
  std::string body;  // JSON or empty
};

class EnchargeStore {
 public:
  explicit EnchargeStore(std::string token) : token_(std::move(token)) {}

  // `target` is the request path (and query); `token` the X-Encharge-Token header.
  Reply Handle(const std::string& method, const std::string& target, const std::string& token,
               const std::string& body);

 private:
  Reply Ingest(const std::string& body);
  Reply Identify(const nlohmann::json& user);
  Reply Alias(const nlohmann::json& body);
  Reply Event(const nlohmann::json& body);
  Reply Inspect(const std::string& method, const std::string& path, const std::string& body);
  // The person a `user` object names (userId first, then email); people_.end() if none.
  std::vector<nlohmann::json>::iterator Find(const nlohmann::json& user);
  void Merge(nlohmann::json& person, const nlohmann::json& user);

  const std::string token_;
  std::mutex mu_;
  std::vector<nlohmann::json> people_;       // guarded by mu_
  std::vector<nlohmann::json> events_;       // guarded by mu_
  std::map<std::string, int64_t> requests_;  // by status, guarded by mu_
  int64_t fail_next_ = 0;                    // guarded by mu_: ingest requests to answer 503
};

}  // namespace cdc::encharge_server
