#include "tests/emulator/batch_parser.h"

namespace cdc::emulator {

HttpResponse HttpResponse::Message(int status, const std::string& message) {
  return Json(status, nlohmann::json{{"message", message}}.dump());
}

std::variant<nlohmann::json, HttpResponse> ParseBatch(std::string_view body) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return HttpResponse::Message(400, "Malformed JSON");
  if (!doc.is_array()) return HttpResponse::Message(400, "Body should be an array");
  if (doc.empty()) return HttpResponse::Message(400, "Body should not be an empty array");
  if (doc.size() > kMaxBatchItems) {
    return HttpResponse::Message(400, "Too many items: at most 100 per request");
  }
  for (const auto& item : doc) {
    if (!item.is_object()) return HttpResponse::Message(400, "Every item should be an object");
  }
  return doc;
}

}  // namespace cdc::emulator
