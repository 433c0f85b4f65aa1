// encharge-test-server: a small stand-in for Encharge's Ingest API
// (POST /v1/ with X-Encharge-Token) plus /_test/* inspection routes.
// Prints `listening on http://HOST:PORT` once bound; SIGTERM ends it.
// One thread per connection (keep-alive): tests open a handful at most.
#include <CLI/CLI.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

#include "tests/encharge_server/encharge_store.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

void Serve(tcp::socket socket, cdc::encharge_server::EnchargeStore& store) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    http::request<http::string_body> req;
    http::read(socket, buffer, req, ec);
    if (ec) break;
    const auto token = req.find("X-Encharge-Token");
    const auto reply =
        store.Handle(std::string(req.method_string()), std::string(req.target()),
                     token == req.end() ? std::string() : std::string(token->value()), req.body());
    http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
    res.set(http::field::server, "encharge-test-server");
    if (!reply.body.empty()) res.set(http::field::content_type, "application/json");
    res.body() = reply.body;
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    http::write(socket, res, ec);
    if (ec || !res.keep_alive()) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Encharge Ingest API test server"};
  std::string listen = "127.0.0.1:0";
  std::string token = "encharge-test-token";
  app.add_option("--listen", listen, "HOST:PORT to bind (port 0: any free port)");
  app.add_option("--token", token, "the accepted X-Encharge-Token");
  CLI11_PARSE(app, argc, argv);
  const auto colon = listen.rfind(':');
  const std::string host = colon == std::string::npos ? listen : listen.substr(0, colon);
  int port = -1;
  try {
    port = colon == std::string::npos ? -1 : std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) {
    std::cerr << "encharge-test-server: --listen must be HOST:PORT\n";
    return 2;
  }

  try {
    boost::asio::io_context io;
    tcp::acceptor acceptor(io, {boost::asio::ip::make_address(host), static_cast<unsigned short>(port)});
    cdc::encharge_server::EnchargeStore store(token);
    std::printf("listening on http://%s:%u\n", host.c_str(),
                static_cast<unsigned>(acceptor.local_endpoint().port()));
    std::fflush(stdout);
    for (;;) {
      tcp::socket socket(io);
      acceptor.accept(socket);
      std::thread(Serve, std::move(socket), std::ref(store)).detach();
    }
  } catch (const std::exception& e) {
    std::cerr << "encharge-test-server: " << e.what() << "\n";
    return 2;
  }
}
