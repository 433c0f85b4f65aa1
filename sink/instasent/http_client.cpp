#include "sink/instasent/http_client.h"

#include <curl/curl.h>

#include <mutex>
#include <vector>

namespace cdc::sink {

namespace {

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::optional<std::string> Header(CURL* easy, const char* name) {
  struct curl_header* header = nullptr;
  if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK) return std::nullopt;
  return std::string(header->value);
}

std::once_flag global_init;

// Finished handles kept for the next request: a fresh handle per request
// costs its allocation and every option again (a DELETE per contact makes
// that per record).
constexpr size_t kMaxIdleHandles = 64;

}  // namespace

struct HttpClient::Transfer {
  CURL* easy = nullptr;
  HttpRequest request;
  std::string response_body;
  char error[CURL_ERROR_SIZE] = {0};
  Callback done;
};

core::Result<std::unique_ptr<HttpClient>> HttpClient::Create(const Options& options) {
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<HttpClient> client(new HttpClient(options));
  if (client->multi_ == nullptr || client->headers_ == nullptr) {
    return core::Fail(core::Error::Fatal("libcurl could not be initialised"));
  }
  return client;
}

HttpClient::HttpClient(const Options& options) : options_(options) {
  multi_ = curl_multi_init();
  if (multi_ && options.max_connections > 0) {
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, options.max_connections);
  }
  const std::string auth = options.token_header.empty() ? "Authorization: Bearer " + options.token
                                                        : options.token_header + ": " + options.token;
  headers_ = curl_slist_append(nullptr, auth.c_str());
  headers_ = curl_slist_append(headers_, "Content-Type: application/json");
  headers_ = curl_slist_append(headers_, "Accept: application/json");
  // Without this, curl waits for a 100-continue on larger bodies.
  headers_ = curl_slist_append(headers_, "Expect:");
}

HttpClient::~HttpClient() {
  for (auto& [easy, transfer] : transfers_) {
    curl_multi_remove_handle(multi_, easy);
    curl_easy_cleanup(easy);
  }
  transfers_.clear();
  for (CURL* easy : idle_) curl_easy_cleanup(easy);
  if (multi_) curl_multi_cleanup(multi_);
  if (headers_) curl_slist_free_all(headers_);
}

CURL* HttpClient::NewHandle(Transfer& transfer) {
  CURL* easy = nullptr;
  if (!idle_.empty()) {
    easy = idle_.back();  // its fixed options are still set
    idle_.pop_back();
  } else {
    easy = curl_easy_init();
    if (easy == nullptr) return nullptr;
    SetFixedOptions(easy);
  }
  transfer.easy = easy;
  const HttpRequest& request = transfer.request;
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer.response_body);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error);
  // A reused handle still has the previous request's method: set all of it.
  if (request.method == "POST") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, nullptr);
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
  } else {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method == "GET" ? nullptr : request.method.c_str());
  }
  return easy;
}

void HttpClient::SetFixedOptions(CURL* easy) const {
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "instasent-cdc/0.1");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(options_.timeout_ms, 10000));
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  // Verification stays on unless the config says insecure_skip_verify: true.
  const bool verify = !options_.insecure_skip_verify;
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
  if (!options_.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, AppendBody);
}

void HttpClient::Release(CURL* easy) {
  if (idle_.size() < kMaxIdleHandles) {
    idle_.push_back(easy);
  } else {
    curl_easy_cleanup(easy);
  }
}

HttpResponse HttpClient::Finish(Transfer& transfer, int code) {
  HttpResponse response;
  if (code != CURLE_OK) {
    response.transport_error =
        transfer.error[0] ? transfer.error : curl_easy_strerror(static_cast<CURLcode>(code));
    response.tls_verification_failed = code == CURLE_PEER_FAILED_VERIFICATION ||
                                       code == CURLE_SSL_CACERT_BADFILE;
    return response;
  }
  curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &response.status);
  response.body = std::move(transfer.response_body);
  response.rate_limit_remaining = Header(transfer.easy, "X-RateLimit-Remaining");
  response.rate_limit_reset = Header(transfer.easy, "X-RateLimit-Reset");
  response.retry_after = Header(transfer.easy, "Retry-After");
  return response;
}

void HttpClient::Send(HttpRequest request, Callback done) {
  auto transfer = std::make_unique<Transfer>();
  transfer->request = std::move(request);
  transfer->done = std::move(done);
  CURL* easy = NewHandle(*transfer);
  if (easy == nullptr || curl_multi_add_handle(multi_, easy) != CURLM_OK) {
    if (easy) curl_easy_cleanup(easy);
    HttpResponse failed;
    failed.transport_error = "libcurl could not start the request";
    transfer->done(std::move(failed));
    return;
  }
  transfers_.emplace(easy, std::move(transfer));
}

void HttpClient::Poll(std::chrono::milliseconds timeout) {
  int running = 0;
  curl_multi_perform(multi_, &running);
  // Only wait when nothing finished already: a transfer completed by this
  // perform leaves no socket to wake the poll, which would then sleep the
  // whole timeout.
  if (static_cast<size_t>(running) == transfers_.size()) {
    curl_multi_poll(multi_, nullptr, 0, static_cast<int>(timeout.count()), nullptr);
    curl_multi_perform(multi_, &running);
  }

  // Callbacks may Send; collect the finished transfers before running any.
  std::vector<std::pair<std::unique_ptr<Transfer>, int>> finished;
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    const int code = message->data.result;
    curl_multi_remove_handle(multi_, easy);
    auto it = transfers_.find(easy);
    if (it == transfers_.end()) continue;
    finished.emplace_back(std::move(it->second), code);
    transfers_.erase(it);
  }
  for (auto& [transfer, code] : finished) {
    HttpResponse response = Finish(*transfer, code);
    Release(transfer->easy);
    transfer->done(std::move(response));
  }
}

void HttpClient::Wakeup() { curl_multi_wakeup(multi_); }

HttpResponse HttpClient::Perform(const HttpRequest& request) {
  Transfer transfer;
  transfer.request = request;
  CURL* easy = NewHandle(transfer);
  if (easy == nullptr) {
    HttpResponse failed;
    failed.transport_error = "libcurl could not start the request";
    return failed;
  }
  const CURLcode code = curl_easy_perform(easy);
  HttpResponse response = Finish(transfer, code);
  // Not back to the pool: a blocking transfer keeps its connection in the
  // handle, apart from the multi's shared cache.
  curl_easy_cleanup(easy);
  return response;
}

}  // namespace cdc::sink
