// The admin endpoint over real HTTP on loopback: routes, status codes, content type.
#include "core/admin/admin_server.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace cdc::core {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
};

Reply Get(uint16_t port, const std::string& target, http::verb verb = http::verb::get) {
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  http::request<http::empty_body> req{verb, target, 11};
  req.set(http::field::host, "localhost");
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(verb == http::verb::head);
  http::read(socket, buffer, parser);
  auto& res = parser.get();
  return {static_cast<int>(res.result_int()), std::string(res[http::field::content_type]), res.body()};
}

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    metrics
        .Counter("instasent_cdc_sink_records_total", "Records", {{"kind", "event"}, {"outcome", "accepted"}})
        .Add(7);
    auto started = AdminServer::Start({"127.0.0.1", 0}, metrics, health);
    ASSERT_TRUE(started) << started.error().message;
    server = std::move(*started);
    port = server->bound().port;
  }
  Metrics metrics;
  Health health;
  std::unique_ptr<AdminServer> server;
  uint16_t port = 0;
};

TEST_F(AdminServerTest, PortZeroBindsAFreeLoopbackPort) {
  EXPECT_NE(port, 0);
  EXPECT_EQ(server->bound().host, "127.0.0.1");
  EXPECT_EQ(server->bound().ToString(), "127.0.0.1:" + std::to_string(port));
}

TEST_F(AdminServerTest, MetricsAreThePrometheusTextFormat) {
  Reply r = Get(port, "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type.rfind("text/plain; version=0.0.4", 0), 0u) << r.content_type;
  EXPECT_NE(r.body.find("# TYPE instasent_cdc_sink_records_total counter\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("instasent_cdc_sink_records_total{kind=\"event\",outcome=\"accepted\"} 7\n"),
            std::string::npos)
      << r.body;
}

TEST_F(AdminServerTest, ReadyOnlyAfterAReadyBeatAndNeitherAfterAFatalError) {
  EXPECT_EQ(Get(port, "/healthz").status, 200);  // starting: alive
  Reply starting = Get(port, "/readyz");
  EXPECT_EQ(starting.status, 503);
  EXPECT_EQ(starting.body, "starting\n");

  health.Beat(false, "source not connected");
  EXPECT_EQ(Get(port, "/readyz").body, "source not connected\n");
  health.Beat(true, "");
  EXPECT_EQ(Get(port, "/readyz").status, 200);
  EXPECT_EQ(Get(port, "/healthz").status, 200);

  health.SetFatal("sink default: 401");
  Reply live = Get(port, "/healthz");
  EXPECT_EQ(live.status, 503);
  EXPECT_NE(live.body.find("401"), std::string::npos);
  EXPECT_EQ(Get(port, "/readyz").status, 503);
}

TEST_F(AdminServerTest, UnknownPathsAndQueriesAreHandled) {
  EXPECT_EQ(Get(port, "/").status, 404);
  EXPECT_EQ(Get(port, "/metrics/extra").status, 404);
  EXPECT_EQ(Get(port, "/metrics?name[]=x").status, 200);
  EXPECT_EQ(Get(port, "/metrics", http::verb::post).status, 404);
  Reply head = Get(port, "/healthz", http::verb::head);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
}

TEST(AdminServer, ABusyPortIsAConfigError) {
  Metrics metrics;
  Health health;
  auto first = AdminServer::Start({"127.0.0.1", 0}, metrics, health);
  ASSERT_TRUE(first);
  auto second = AdminServer::Start({"127.0.0.1", (*first)->bound().port}, metrics, health);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorKind::kConfig);
  EXPECT_NE(second.error().message.find("cannot listen"), std::string::npos);
}

TEST(ListenAddress, APortAloneListensOnLoopback) {
  auto a = ParseListenAddress("9187");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9187);
  auto b = ParseListenAddress(":0");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->ToString(), "127.0.0.1:0");
  auto c = ParseListenAddress("0.0.0.0:9187");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "0.0.0.0");
  auto d = ParseListenAddress("[::1]:9187");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host, "::1");
  EXPECT_EQ(d->ToString(), "[::1]:9187");
  for (const char* bad : {"", "host:", "1:2:3", "127.0.0.1:70000", "x:http"}) {
    auto r = ParseListenAddress(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kConfig);
  }
}

}  // namespace
}  // namespace cdc::core
