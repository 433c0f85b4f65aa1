// HttpRequest/HttpResponse: the transport-neutral request and response the
// handlers work on, so Beast stays inside HttpServer.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace cdc::emulator {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as received (percent-encoded)
  std::string authorization;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string body;  // empty: no body (and no Content-Type)
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};  // wait this long before answering
  bool drop = false;                   // close the connection without answering

  static HttpResponse Json(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers.emplace_back("Content-Type", "application/json");
    return r;
  }
  static HttpResponse Message(int status, const std::string& message);  // {"message":...}
};

}  // namespace cdc::emulator
