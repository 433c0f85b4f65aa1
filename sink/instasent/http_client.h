// HttpClient: libcurl multi driven by one thread (the sink's). Requests run
// concurrently over kept-alive connections; TLS peers are always verified.
// Send/Poll/Perform belong to the owning thread; Wakeup may be called from any
// thread to end a Poll early. The token is only ever put in a header (a bearer
// token by default). Also used by sink/encharge.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/model/result.h"

typedef void CURLM;
typedef void CURL;
struct curl_slist;

namespace cdc::sink {

struct HttpRequest {
  std::string method;  // "GET", "POST", "DELETE"
  std::string url;
  std::string body;  // POST only (JSON)
};

struct HttpResponse {
  long status = 0;              // 0 when no HTTP answer arrived
  std::string transport_error;  // curl's message when status == 0
  // The server's certificate did not verify (wrong or missing CA, name
  // mismatch) or the CA file is unreadable: retrying cannot help.
  bool tls_verification_failed = false;
  std::string body;
  std::optional<std::string> rate_limit_remaining;  // X-RateLimit-Remaining
  std::optional<std::string> rate_limit_reset;      // X-RateLimit-Reset
  std::optional<std::string> retry_after;           // Retry-After
};

class HttpClient {
 public:
  struct Options {
    std::string token;
    std::string ca_file;  // extra CA bundle; empty = the system store
    long timeout_ms = 30000;
    // Turns off peer and host name verification (config: insecure_skip_verify).
    bool insecure_skip_verify = false;
    // The header that carries the token, e.g. "X-Encharge-Token"; empty =
    // "Authorization: Bearer <token>".
    std::string token_header;
    // Idle connections kept open for reuse; at least the requests that run
    // at once, or every burst above curl's default (4 per handle running
    // when it fills) would open and close connections. 0 = curl's default.
    long max_connections = 0;
  };
  using Callback = std::function<void(HttpResponse)>;

  static core::Result<std::unique_ptr<HttpClient>> Create(const Options& options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts a request; `done` runs inside a later Poll.
  void Send(HttpRequest request, Callback done);

  // Drives transfers, waiting up to `timeout` for activity or Wakeup, then
  // runs the callbacks of finished requests.
  void Poll(std::chrono::milliseconds timeout);

  // Ends a Poll early (thread-safe).
  void Wakeup();

  // A blocking request on its own handle (the start-up probe).
  HttpResponse Perform(const HttpRequest& request);

  size_t InFlight() const { return transfers_.size(); }

 private:
  struct Transfer;
  explicit HttpClient(const Options& options);
  // An idle handle, or a new one, set up for `transfer`'s request.
  CURL* NewHandle(Transfer& transfer);
  void SetFixedOptions(CURL* easy) const;
  void Release(CURL* easy);  // back to idle_, or cleaned up
  static HttpResponse Finish(Transfer& transfer, int code);

  Options options_;
  CURLM* multi_ = nullptr;
  struct curl_slist* headers_ = nullptr;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers_;
  std::vector<CURL*> idle_;  // finished handles, reused by NewHandle
};

}  // namespace cdc::sink
