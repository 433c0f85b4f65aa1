#include "tests/encharge_server/encharge_store.h"

#include <algorithm>
#include <regex>

namespace cdc::encharge_server {
namespace {

using nlohmann::json;

Reply Error(int status, const std::string& message) { return {status, json{{"error", message}}.dump()}; }

bool NonEmptyString(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
}

// ISO 8601 date-time with a zone (Z or ±HH:MM), as Encharge's examples show.
bool IsIsoDateTime(const std::string& text) {
  static const std::regex kIso(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2}))");
  return std::regex_match(text, kIso);
}

// Identity keys are not fields of a person: they say who it is.
bool IsIdentity(const std::string& key) { return key == "userId" || key == "email"; }

}  // namespace

Reply EnchargeStore::Handle(const std::string& method, const std::string& target, const std::string& token,
                            const std::string& body) {
  const std::string path = target.substr(0, target.find('?'));
  if (path.rfind("/_test/", 0) == 0) return Inspect(method, path, body);
  Reply reply;
  if (path != "/v1/" && path != "/v1") {
    reply = Error(404, "Not found");
  } else if (method != "POST") {
    reply = Error(405, "Method not allowed");
  } else if (token != token_) {
    reply = Error(401, "Invalid or missing X-Encharge-Token");
  } else {
    std::lock_guard lock(mu_);
    if (fail_next_ > 0) {
      --fail_next_;
      reply = Error(503, "Service unavailable");
    }
  }
  if (reply.status == 200) reply = Ingest(body);
  std::lock_guard lock(mu_);
  ++requests_[std::to_string(reply.status)];
  return reply;
}

Reply EnchargeStore::Ingest(const std::string& text) {
  json body = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return Error(400, "The body must be a JSON object");
  auto user = body.find("user");
  if (user == body.end() || !user->is_object() ||
      !(NonEmptyString(*user, "userId") || NonEmptyString(*user, "email"))) {
    return Error(400, "user with email or userId is required");
  }
  if (auto props = body.find("properties"); props != body.end() && !props->is_object()) {
    return Error(400, "properties must be an object");
  }
  if (auto ts = body.find("timestamp"); ts != body.end() && !(ts->is_string() && IsIsoDateTime(*ts))) {
    return Error(400, "timestamp must be an ISO 8601 date-time");
  }
  std::lock_guard lock(mu_);
  if (auto type = body.find("type"); type != body.end()) {
    if (*type == "alias") return Alias(body);
    return Error(400, "unsupported type (this test server knows only alias)");
  }
  if (!NonEmptyString(body, "name")) return Error(400, "name is required");
  if (body["name"] == "identify") return Identify(*user);
  return Event(body);
}

std::vector<json>::iterator EnchargeStore::Find(const json& user) {
  if (NonEmptyString(user, "userId")) {
    return std::find_if(people_.begin(), people_.end(),
                        [&](const json& p) { return p.value("userId", json()) == user["userId"]; });
  }
  return std::find_if(people_.begin(), people_.end(),
                      [&](const json& p) { return p.value("email", json()) == user["email"]; });
}

void EnchargeStore::Merge(json& person, const json& user) {
  for (const auto& [key, value] : user.items()) {
    if (value.is_null()) {
      person.erase(key);  // null clears, like omitting keeps
    } else {
      person[key] = value;
    }
  }
}

Reply EnchargeStore::Identify(const json& user) {
  auto it = Find(user);
  if (it == people_.end()) {
    people_.push_back(json::object());
    it = people_.end() - 1;
  }
  Merge(*it, user);
  return {200, ""};
}

Reply EnchargeStore::Alias(const json& body) {
  json previous = json::object();
  if (NonEmptyString(body, "previousUserId")) previous["userId"] = body["previousUserId"];
  if (NonEmptyString(body, "previousEmail")) previous["email"] = body["previousEmail"];
  if (previous.empty()) return Error(400, "alias needs previousUserId or previousEmail");
  const json& user = body["user"];
  json identity = json::object();
  for (const char* key : {"userId", "email"}) {
    if (user.contains(key)) identity[key] = user[key];
  }
  auto old = Find(previous);
  if (old == people_.end()) {
    // Nothing to rename: the new identity is created if it does not exist.
    if (Find(identity) == people_.end()) people_.push_back(identity);
    return {200, ""};
  }
  json renamed = *old;
  people_.erase(old);
  Merge(renamed, identity);
  auto existing = Find(identity);
  if (existing != people_.end()) {
    // The new identity exists already: the old person merges into it, its own fields win.
    json merged = renamed;
    Merge(merged, *existing);
    *existing = std::move(merged);
  } else {
    people_.push_back(std::move(renamed));
  }
  return {200, ""};
}

Reply EnchargeStore::Event(const json& body) {
  const json& user = body["user"];
  auto it = Find(user);
  if (it == people_.end()) {
    // An event for someone unknown creates the person, as Encharge does for a new email/userId.
    people_.push_back(json::object());
    it = people_.end() - 1;
  }
  Merge(*it, user);
  json event = {{"name", body["name"]},
                {"user", json::object()},
                {"properties", body.value("properties", json::object())}};
  for (const auto& [key, value] : user.items()) {
    if (IsIdentity(key)) event["user"][key] = value;
  }
  if (body.contains("timestamp")) event["timestamp"] = body["timestamp"];
  events_.push_back(std::move(event));
  return {200, ""};
}

Reply EnchargeStore::Inspect(const std::string& method, const std::string& path, const std::string& body) {
  std::lock_guard lock(mu_);
  if (method == "GET" && path == "/_test/people") {
    std::vector<json> sorted = people_;
    std::sort(sorted.begin(), sorted.end(), [](const json& a, const json& b) {
      return a.value("userId", std::string()) + "\n" + a.value("email", std::string()) <
             b.value("userId", std::string()) + "\n" + b.value("email", std::string());
    });
    return {200, json{{"people", sorted}}.dump()};
  }
  if (method == "GET" && path == "/_test/events") return {200, json{{"events", events_}}.dump()};
  if (method == "GET" && path == "/_test/stats") {
    return {200, json{{"people", people_.size()},
                      {"events", events_.size()},
                      {"by_status", requests_},
                      {"fail_next", fail_next_}}
                     .dump()};
  }
  if (method == "POST" && path == "/_test/faults") {
    json patch = json::parse(body, nullptr, false);
    if (!patch.is_object() || !patch.contains("fail_next") || !patch["fail_next"].is_number_integer()) {
      return Error(400, "expected {\"fail_next\": N}");
    }
    fail_next_ = patch["fail_next"].get<int64_t>();
    return {200, json{{"fail_next", fail_next_}}.dump()};
  }
  if (method == "POST" && path == "/_test/reset") {
    people_.clear();
    events_.clear();
    requests_.clear();
    fail_next_ = 0;
    return {200, "{}"};
  }
  return Error(404, "Not found");
}

}  // namespace cdc::encharge_server
