#include "tests/emulator/http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <thread>
#include <vector>

namespace cdc::emulator {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kMaxBodyBytes = 32 * 1024 * 1024;

http::response<http::string_body> ToBeast(HttpResponse& out, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(out.status), version};
  res.set(http::field::server, "instasent-emulator");
  for (auto& [name, value] : out.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  res.body() = std::move(out.body);
  res.prepare_payload();
  return res;
}

}  // namespace

struct HttpServer::Impl {
  Impl(Emulator& e, int t) : emulator(e), threads(t < 1 ? 1 : t), acceptor(ioc) {}

  asio::awaitable<void> Accept() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        continue;  // e.g. too many open files: keep serving the others
      }
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(ioc, Serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> Serve(tcp::socket socket) {
    // No idle timeout: a timer per read costs syscalls on every request, and an idle
    // keep-alive connection of a test costs nothing.
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kMaxBodyBytes);
      co_await http::async_read_header(stream, buffer, parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;  // peer closed, idle timeout or an unparsable request
      // libcurl asks before sending bodies over 1 KiB; without this answer every
      // batch would wait for curl's expect timeout.
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
        co_await http::async_write(stream, go_on, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
      }
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      auto& req = parser.get();
      const bool keep_alive = req.keep_alive();
      const unsigned version = req.version();
      HttpRequest in{std::string(req.method_string()), std::string(req.target()),
                     std::string(req[http::field::authorization]), std::move(req.body())};
      const bool api = !in.target.starts_with("/_emulator");
      if (api) emulator.store().RequestStarted();
      HttpResponse out = emulator.Handle(in);
      if (out.delay.count() > 0) {
        asio::steady_timer timer(stream.get_executor());
        timer.expires_after(out.delay);
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      // Counted out before the answer is written: a client that has its answer
      // must never still find its request in flight.
      if (api) emulator.store().RequestFinished();
      if (out.drop) break;  // close without an answer
      auto res = ToBeast(out, version, keep_alive);
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !keep_alive) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.socket().close(ec);
  }

  Emulator& emulator;
  int threads;
  asio::io_context ioc;
  tcp::acceptor acceptor;
};

HttpServer::HttpServer(Emulator& emulator, int threads)
    : impl_(std::make_unique<Impl>(emulator, threads)) {}

HttpServer::~HttpServer() = default;

core::Result<uint16_t> HttpServer::Listen(const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return core::Fail(core::Error::Config("invalid listen address " + host));
  tcp::endpoint endpoint(address, port);
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return core::Fail(core::Error::Config("cannot listen on " + host + ": " + ec.message()));
  return acc.local_endpoint().port();
}

void HttpServer::Run() {
  asio::signal_set signals(impl_->ioc, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code&, int) { Stop(); });
  asio::co_spawn(impl_->ioc, impl_->Accept(), asio::detached);
  std::vector<std::thread> pool;
  for (int i = 1; i < impl_->threads; ++i) pool.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : pool) t.join();
}

void HttpServer::Stop() {
  asio::post(impl_->ioc, [this] { impl_->ioc.stop(); });
}

}  // namespace cdc::emulator
