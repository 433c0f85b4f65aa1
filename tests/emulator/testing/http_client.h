// HttpClient: a small libcurl (easy) client for tests; one handle, so requests
// reuse one keep-alive connection. Not thread-safe.
#pragma once

#include <curl/curl.h>

#include <map>
#include <memory>
#include <string>

namespace cdc::emulator::testing {

struct HttpResult {
  CURLcode code = CURLE_OK;  // CURLE_GOT_NOTHING: closed without a response
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

class HttpClient {
 public:
  // `token` empty: no Authorization header.
  HttpClient(std::string base_url, std::string token = "test-token");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult Request(const std::string& method, const std::string& path,
                     const std::string& body = "");
  HttpResult Get(const std::string& path) { return Request("GET", path); }
  HttpResult Post(const std::string& path, const std::string& body) {
    return Request("POST", path, body);
  }
  void set_token(std::string token) { token_ = std::move(token); }

  // Connections opened so far (1 when keep-alive worked throughout).
  long connects() const { return connects_; }

 private:
  std::string base_;
  std::string token_;
  CURL* curl_;
  long connects_ = 0;
};

}  // namespace cdc::emulator::testing
