#include "core/admin/admin_server.h"

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <thread>

namespace cdc::core {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A scraper or probe that stalls must not hold a connection for ever.
constexpr auto kIoTimeout = std::chrono::seconds(10);

http::response<http::string_body> Route(const http::request<http::string_body>& req, const Metrics& metrics,
                                        const Health& health) {
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::server, "instasent-cdc");
  res.set(http::field::cache_control, "no-store");
  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  if (get && path == "/metrics") {
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = metrics.RenderPrometheus();
  } else if (get && (path == "/healthz" || path == "/readyz")) {
    const Health::Verdict verdict = path == "/healthz" ? health.Live() : health.Ready();
    res.result(verdict.ok ? http::status::ok : http::status::service_unavailable);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = verdict.reason + "\n";
  } else {
    res.result(http::status::not_found);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = "not found: GET /metrics, /healthz or /readyz\n";
  }
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();  // Content-Length stays the GET's
  return res;
}

}  // namespace

std::string ListenAddress::ToString() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ListenAddress> ParseListenAddress(const std::string& text) {
  auto bad = [&] {
    return Fail(Error::Config("admin listen address '" + text + "' must be HOST:PORT, :PORT or PORT"));
  };
  ListenAddress out;
  std::string port = text;
  const size_t colon = text.rfind(':');
  if (colon != std::string::npos) {
    out.host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
      out.host = out.host.substr(1, out.host.size() - 2);
    } else if (out.host.find(':') != std::string::npos) {
      return bad();
    }
  }
  if (out.host.empty()) out.host = "127.0.0.1";
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) return bad();
  out.port = static_cast<uint16_t>(value);
  return out;
}

struct AdminServer::Impl {
  Impl(const Metrics& m, const Health& h) : metrics(m), health(h), acceptor(ioc) {}

  asio::awaitable<void> Accept() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        continue;  // e.g. out of file descriptors: keep accepting
      }
      asio::co_spawn(ioc, Serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> Serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
      http::request<http::string_body> req;
      stream.expires_after(kIoTimeout);
      co_await http::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      auto res = Route(req, metrics, health);
      res.keep_alive(req.keep_alive());
      stream.expires_after(kIoTimeout);
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !req.keep_alive()) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  const Metrics& metrics;
  const Health& health;
  asio::io_context ioc{1};
  tcp::acceptor acceptor;
  std::thread thread;
};

Result<std::unique_ptr<AdminServer>> AdminServer::Start(const ListenAddress& address, const Metrics& metrics,
                                                        const Health& health) {
  auto impl = std::make_unique<Impl>(metrics, health);
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address.host, ec);
  if (ec) {
    return Fail(Error::Config("admin listen address: '" + address.host + "' is not an IP address"));
  }
  const tcp::endpoint endpoint(ip, address.port);
  auto& acceptor = impl->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(
        Error::Config("admin endpoint: cannot listen on " + address.ToString() + ": " + ec.message()));
  }
  ListenAddress bound = address;
  bound.port = acceptor.local_endpoint().port();
  asio::co_spawn(impl->ioc, impl->Accept(), asio::detached);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->ioc.run(); });
  return std::unique_ptr<AdminServer>(new AdminServer(std::move(impl), std::move(bound)));
}

AdminServer::AdminServer(std::unique_ptr<Impl> impl, ListenAddress bound)
    : impl_(std::move(impl)), bound_(std::move(bound)) {}

AdminServer::~AdminServer() {
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace cdc::core
