#include "tests/emulator/inspection_handler.h"

namespace cdc::emulator {

using nlohmann::json;

HttpResponse InspectionHandler::Handle(const HttpRequest& req, const RequestTarget& target) {
  HttpResponse resp = Route(req, target);
  const RateLimitState rl = limiter_.Peek("_emulator", 0);
  resp.headers.emplace_back("X-RateLimit-Limit", std::to_string(rl.limit));
  resp.headers.emplace_back("X-RateLimit-Remaining", std::to_string(rl.remaining));
  resp.headers.emplace_back("X-RateLimit-Reset", std::to_string(rl.reset_epoch));
  return resp;
}

HttpResponse InspectionHandler::Route(const HttpRequest& req, const RequestTarget& target) {
  const auto& seg = target.segments();
  DatasourceId ds = auth_.Default();
  if (auto p = target.Query("project")) ds.project = *p;
  if (auto d = target.Query("datasource")) ds.datasource = *d;
  const std::optional<std::string> user = target.Query("user_id");
  const std::string what = seg.size() >= 2 ? seg[1] : "";
  const bool get = req.method == "GET";

  if (get && what == "contacts" && seg.size() == 2) {
    return HttpResponse::Json(200, store_.ContactsJson(ds).dump());
  }
  if (get && what == "contacts" && seg.size() == 3) {
    auto contact = store_.Contact(ds, seg[2]);
    if (!contact) return HttpResponse::Message(404, "Not found");
    return HttpResponse::Json(200, contact->dump());
  }
  if (get && what == "events" && seg.size() == 2) {
    return HttpResponse::Json(200, store_.EventsJson(ds, user).dump());
  }
  if (get && what == "oplog" && seg.size() == 2) {
    return HttpResponse::Json(200, store_.OplogJson(ds, user).dump());
  }
  if (get && what == "stats" && seg.size() == 2) {
    return HttpResponse::Json(200, store_.StatsJson(ds).dump());
  }
  if (req.method == "POST" && what == "reset" && seg.size() == 2) {
    store_.Reset();
    limiter_.Reset();
    faults_.ResetCounters();
    return HttpResponse::Json(200, R"({"reset":true})");
  }
  if (what == "faults" && seg.size() == 2) {
    if (req.method == "POST") {
      json patch = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
      if (patch.is_discarded()) return HttpResponse::Message(400, "Malformed JSON");
      if (auto st = faults_.Update(patch); !st)
        return HttpResponse::Message(400, st.error().message);
    } else if (!get) {
      return HttpResponse::Message(404, "Not found");
    }
    return HttpResponse::Json(200, faults_.Settings().ToJson().dump());
  }
  return HttpResponse::Message(404, "Not found");
}

}  // namespace cdc::emulator
