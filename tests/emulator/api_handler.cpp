#include "tests/emulator/api_handler.h"

#include <variant>

#include "tests/emulator/batch_parser.h"
#include "tests/emulator/batch_response.h"

namespace cdc::emulator {
namespace {

using nlohmann::json;

// Path after `/v1/project/{p}/datasource/{d}` → endpoint name (also the stats key).
std::string Resolve(const std::string& method, const std::vector<std::string>& seg,
                    std::string& user_id) {
  const size_t n = seg.size() - 5;
  auto at = [&](size_t i) -> const std::string& { return seg[5 + i]; };
  if (n == 1 && at(0) == "stats" && method == "GET") return "stats";
  if (n == 0 || at(0) != "stream") return "unknown";
  if (n == 1) return method == "GET" ? "stream" : "unknown";
  if (at(1) == "contacts") {
    if (n == 2) return method == "POST" ? "contacts" : "unknown";
    if (n == 3) {
      user_id = at(2);
      if (method == "DELETE") return "delete";
      if (method == "GET") return "get_contact";
    }
    return "unknown";
  }
  if (at(1) == "events" && n == 2) return method == "POST" ? "events" : "unknown";
  if (at(1) == "specs" && method == "GET") {
    if (n == 3 && at(2) == "attributes") return "specs_attributes";
    if (n == 3 && at(2) == "events") return "specs_events";
    if (n == 4 && at(2) == "event-parameters") {
      user_id = at(3);  // the event type
      return "specs_event_parameters";
    }
  }
  return "unknown";
}

bool IsIngest(const std::string& endpoint) {
  return endpoint == "contacts" || endpoint == "events" || endpoint == "delete";
}

HttpResponse Empty(int status) {
  HttpResponse r;
  r.status = status;
  return r;
}

HttpResponse FaultResponse(int status) {
  switch (status) {
    case 502:
      return HttpResponse::Message(502, "Bad gateway");
    case 503:
      return HttpResponse::Message(503, "Service unavailable");
    default:
      return HttpResponse::Message(500, "Internal server error");
  }
}

}  // namespace

HttpResponse ApiHandler::Handle(const HttpRequest& req, const RequestTarget& target) {
  const auto& seg = target.segments();
  Call call{req, target, {}, "unknown", "", clock_.Now(), faults_.Settings()};
  const auto delay = faults_.Latency();
  HttpResponse resp;
  RateLimitState rl;
  const bool prefix =
      seg.size() >= 5 && seg[0] == "v1" && seg[1] == "project" && seg[3] == "datasource";
  const bool project_route = seg.size() == 3 && seg[0] == "v1" && seg[1] == "project" && req.method == "GET";
  if (project_route) {
    call.endpoint = "project";
    rl = limiter_.Peek("project/" + seg[2], call.settings.rate_limit);
    switch (auth_.CheckProject(seg[2], req.authorization)) {
      case AuthOutcome::kOk:
        resp = GetProject(seg[2]);
        break;
      case AuthOutcome::kForbidden:
        resp = HttpResponse::Message(403, "Forbidden");
        break;
      case AuthOutcome::kNotFound:
        resp = HttpResponse::Message(404, "Not found");
        break;
      case AuthOutcome::kUnauthorized:
        resp = HttpResponse::Message(401, "Unauthorized");
        break;
    }
  } else if (!prefix) {
    resp = HttpResponse::Message(404, "Not found");
    rl = limiter_.Peek("", call.settings.rate_limit);
  } else {
    call.ds = {seg[2], seg[4]};
    call.endpoint = Resolve(req.method, seg, call.user_id);
    const AuthOutcome auth = auth_.Check(call.ds, req.authorization);
    const std::string key = call.ds.project + "/" + call.ds.datasource + "/" + call.endpoint;
    if (auth == AuthOutcome::kUnauthorized) {
      resp = HttpResponse::Message(401, "Unauthorized");
      rl = limiter_.Peek(key, call.settings.rate_limit);
    } else if (auth == AuthOutcome::kNotFound || call.endpoint == "unknown") {
      resp = HttpResponse::Message(404, "Not found");
      rl = limiter_.Peek(key, call.settings.rate_limit);
    } else {
      rl = limiter_.Hit(key, call.settings.rate_limit);
      resp = rl.allowed ? Execute(call) : Empty(429);
    }
  }
  if (resp.status == 429) {
    rl.remaining = 0;
    resp.headers.emplace_back("Retry-After", std::to_string(rl.allowed ? 1 : rl.retry_after));
  }
  resp.headers.emplace_back("X-RateLimit-Limit", std::to_string(rl.limit));
  resp.headers.emplace_back("X-RateLimit-Remaining", std::to_string(rl.remaining));
  resp.headers.emplace_back("X-RateLimit-Reset", std::to_string(rl.reset_epoch));
  resp.delay = delay;
  store_.RecordRequest(call.endpoint, resp.drop ? 0 : resp.status);
  return resp;
}

HttpResponse ApiHandler::Execute(const Call& call) {
  bool drop = false;
  if (IsIngest(call.endpoint)) {
    const FaultDecision fault = faults_.DecideIngest();
    switch (fault.kind) {
      case FaultKind::kBurst429:
        return Empty(429);
      case FaultKind::kFail:
        return FaultResponse(fault.status);
      case FaultKind::kDropUnapplied: {
        HttpResponse r;
        r.drop = true;
        return r;
      }
      case FaultKind::kDropApplied:
        drop = true;
        break;
      case FaultKind::kNone:
        break;
    }
  }
  HttpResponse resp;
  if (call.endpoint == "contacts") {
    resp = PostContacts(call);
  } else if (call.endpoint == "events") {
    resp = PostEvents(call);
  } else if (call.endpoint == "delete") {
    resp = DeleteContact(call);
  } else if (call.endpoint == "stream") {
    resp = GetStream(call);
  } else if (call.endpoint == "get_contact") {
    resp = GetContact(call);
  } else if (call.endpoint == "stats") {
    resp = GetStats(call);
  } else {
    resp = GetSpecs(call);
  }
  resp.drop = drop;
  return resp;
}

HttpResponse ApiHandler::PostContacts(const Call& call) {
  auto parsed = ParseBatch(call.req.body);
  if (auto* bad = std::get_if<HttpResponse>(&parsed)) return std::move(*bad);
  json& items = std::get<json>(parsed);
  std::vector<ItemResult> results;
  results.reserve(items.size());
  size_t valid = 0;
  for (const json& item : items) {
    results.push_back({&item, validator_.ValidateContact(item), false});
    valid += results.back().ok() ? 1 : 0;
  }
  // The answer does not depend on the store, so render it first and then move the
  // valid items into the store instead of copying them.
  HttpResponse resp = BuildBatchResponse(results, call.settings.response_shape, call.ds);
  if (!call.target.Flag("_dryRun")) {
    std::vector<json> accepted;
    accepted.reserve(valid);
    for (size_t i = 0; i < items.size(); ++i) {
      if (results[i].ok()) accepted.push_back(std::move(items[i]));
    }
    const auto delay = call.target.Flag("_sync")
                           ? std::chrono::milliseconds(0)
                           : std::chrono::milliseconds(call.settings.queue_contacts_ms);
    if (!accepted.empty()) store_.UpsertContacts(call.ds, std::move(accepted), delay);
    const auto rejected = static_cast<int64_t>(items.size() - valid);
    if (rejected > 0) store_.CountRejected(call.ds, rejected, 0);
  }
  return resp;
}

HttpResponse ApiHandler::PostEvents(const Call& call) {
  auto parsed = ParseBatch(call.req.body);
  if (auto* bad = std::get_if<HttpResponse>(&parsed)) return std::move(*bad);
  const json& items = std::get<json>(parsed);
  std::vector<ItemResult> results;
  results.reserve(items.size());
  std::vector<const json*> valid;
  for (const json& item : items) {
    results.push_back({&item, validator_.ValidateEvent(item), true});
    if (results.back().ok()) valid.push_back(&item);
  }
  if (!call.target.Flag("_dryRun")) {
    const int64_t rejected = static_cast<int64_t>(items.size() - valid.size());
    if (!valid.empty()) store_.AddEvents(call.ds, valid, call.received);
    if (rejected > 0) store_.CountRejected(call.ds, 0, rejected);
  }
  return BuildBatchResponse(results, call.settings.response_shape, call.ds);
}

HttpResponse ApiHandler::DeleteContact(const Call& call) {
  if (!call.target.Flag("_dryRun")) store_.DeleteContact(call.ds, call.user_id);
  return Empty(204);
}

HttpResponse ApiHandler::GetStream(const Call& call) {
  const auto [contacts, events] = store_.Sizes(call.ds);
  json body = {
      {"organization", {{"id", "org_emulator"}, {"name", "Instasent emulator"}}},
      {"project", {{"id", call.ds.project}, {"name", call.ds.project}}},
      {"datasource", {{"id", call.ds.datasource}, {"name", call.ds.datasource}, {"type", "api"}}},
      {"stream",
       {{"id", "stream_" + call.ds.datasource}, {"contacts", contacts}, {"events", events}}},
      {"usage", {{"contacts", contacts}, {"events", events}}}};
  return HttpResponse::Json(200, body.dump());
}

HttpResponse ApiHandler::GetProject(const std::string& project) {
  json datasources = json::array();
  for (const auto& ds : auth_.DatasourcesOf(project)) {
    datasources.push_back({{"id", ds}, {"name", ds}, {"type", "api"}});
  }
  json body = {{"entity", {{"uid", project}, {"name", project}, {"datasources", std::move(datasources)}}}};
  return HttpResponse::Json(200, body.dump());
}

HttpResponse ApiHandler::GetContact(const Call& call) {
  auto contact = store_.Contact(call.ds, call.user_id);
  if (!contact) return HttpResponse::Message(404, "Not found");
  return HttpResponse::Json(200, json{{"entity", *contact}}.dump());
}

HttpResponse ApiHandler::GetStats(const Call& call) {
  const auto [contacts, events] = store_.Sizes(call.ds);
  json items = store_.StatsJson(call.ds)["items"];
  json body = {{"contacts", contacts}, {"events", events}, {"items", std::move(items)}};
  return HttpResponse::Json(200, body.dump());
}

HttpResponse ApiHandler::GetSpecs(const Call& call) {
  json specs;
  if (call.endpoint == "specs_attributes") {
    specs = specs_.AttributesJson();
    for (const auto& name : store_.CustomAttributes(call.ds)) {
      specs.push_back({{"uid", name},
                       {"displayLabel", name},
                       {"description", ""},
                       {"dataType", "string"},
                       {"multivalue", 1},
                       {"readOnly", false},
                       {"requiredInWebhook", false},
                       {"important", false},
                       {"visible", true},
                       {"custom", true}});
    }
  } else if (call.endpoint == "specs_events") {
    specs = specs_.EventsJson();
  } else {
    if (!specs_.HasEventType(call.user_id)) return HttpResponse::Message(404, "Not found");
    specs = specs_.EventParametersJson(call.user_id);
  }
  return HttpResponse::Json(200, json{{"specs", std::move(specs)}}.dump());
}

}  // namespace cdc::emulator
