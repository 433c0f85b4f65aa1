// EnchargeSink against the real encharge-test-server binary: order across a
// user-id change, retries, dead letters, the sticky configuration failure.
#include "sink/encharge/encharge_sink.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/unit/sink/emulator_process.h"
#include "tests/unit/sink/sink_test_support.h"

namespace cdc::sink {
namespace {

using nlohmann::json;
using testing::EmulatorProcess;
using testing::HttpCall;
using testing::MemoryDeadLetterStore;
using testing::RecordingAckListener;

constexpr char kServer[] = "/tests/encharge_server/encharge-test-server";
constexpr char kToken[] = "encharge-sink-test-token";
constexpr auto kWait = std::chrono::seconds(30);

class EnchargeSinkTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.ok()); }

  std::unique_ptr<core::Sink> MakeSink(const std::string& token = kToken) {
    EnchargeSinkOptions options;
    options.name = "encharge";
    options.url = server_.url() + "/v1/";
    options.token = token;
    options.retry.base = std::chrono::milliseconds(5);
    options.retry.max = std::chrono::milliseconds(50);
    return MakeEnchargeSink(options, acks_, dead_letters_, metrics_);
  }

  core::Record Upsert(const std::string& uid, const std::string& item) {
    core::Record r;
    r.kind = core::RecordKind::kContactUpsert;
    r.user_id = uid;
    r.json = item;
    r.ticket = ++next_ticket_;
    return r;
  }

  json Inspect(const std::string& path) { return json::parse(HttpCall("GET", server_.url() + path).body); }

  EmulatorProcess server_{kServer, {"--token", kToken}};
  RecordingAckListener acks_;
  MemoryDeadLetterStore dead_letters_;
  core::Metrics metrics_;
  uint64_t next_ticket_ = 0;
};

TEST_F(EnchargeSinkTest, UserIdChangeRenamesAfterEverythingOfTheOldIdAndBeforeTheNewOne) {
  auto sink = MakeSink();
  ASSERT_TRUE(sink->Start());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(sink->Submit(Upsert("old", R"({"_user_id":"old","step":)" + std::to_string(i) + "}")));
  }
  core::Record removed;
  removed.kind = core::RecordKind::kContactDelete;
  removed.user_id = "old";
  removed.renamed = true;
  removed.ticket = ++next_ticket_;
  ASSERT_TRUE(sink->Submit(removed));
  core::Record renamed = Upsert("new", R"({"_user_id":"new","_email":"n@x.io"})");
  renamed.previous_user_id = "old";
  ASSERT_TRUE(sink->Submit(renamed));
  ASSERT_TRUE(sink->Drain(kWait));
  EXPECT_EQ(acks_.distinct(), next_ticket_);
  EXPECT_EQ(Inspect("/_test/people")["people"],
            json::parse(R"([{"userId":"new","step":19,"email":"n@x.io"}])"));
  EXPECT_EQ(Inspect("/_test/stats")["by_status"], json::parse(R"({"200":22})"));  // 20 + alias + identify
  sink->Stop();
}

TEST_F(EnchargeSinkTest, ServerErrorsAreRetriedUntilAccepted) {
  HttpCall("POST", server_.url() + "/_test/faults", R"({"fail_next":4})");
  auto sink = MakeSink();
  ASSERT_TRUE(sink->Start());
  for (int i = 0; i < 10; ++i) {
    const std::string uid = "u" + std::to_string(i);
    ASSERT_TRUE(sink->Submit(Upsert(uid, R"({"_user_id":")" + uid + R"("})")));
  }
  ASSERT_TRUE(sink->Drain(kWait));
  EXPECT_EQ(acks_.distinct(), 10u);
  EXPECT_TRUE(dead_letters_.letters().empty());
  EXPECT_EQ(Inspect("/_test/stats")["by_status"], json::parse(R"({"200":10,"503":4})"));
  EXPECT_EQ(metrics_.Sum("instasent_cdc_sink_retries_total"), 4);
  sink->Stop();
}

TEST_F(EnchargeSinkTest, RejectedBodyIsDeadLetteredAndAcknowledged) {
  auto sink = MakeSink();
  ASSERT_TRUE(sink->Start());
  // An Encharge body as replayed from the dead-letter store, with a date the API refuses.
  core::Record bad = Upsert("1", R"({"name":"x","user":{"userId":"1"},"timestamp":"yesterday"})");
  bad.kind = core::RecordKind::kEvent;
  ASSERT_TRUE(sink->Submit(bad));
  ASSERT_TRUE(sink->Drain(kWait));
  EXPECT_EQ(acks_.distinct(), 1u);
  ASSERT_EQ(dead_letters_.letters().size(), 1u);
  EXPECT_EQ(dead_letters_.letters()[0].destination, "encharge");
  EXPECT_NE(dead_letters_.letters()[0].reason.find("HTTP 400"), std::string::npos);
  EXPECT_EQ(dead_letters_.letters()[0].payload, bad.json);
  sink->Stop();
}

TEST_F(EnchargeSinkTest, ContactDeleteIsSkippedAndAcknowledgedWithoutARequest) {
  auto sink = MakeSink();
  ASSERT_TRUE(sink->Start());
  core::Record removed;
  removed.kind = core::RecordKind::kContactDelete;
  removed.user_id = "1";
  removed.ticket = ++next_ticket_;
  ASSERT_TRUE(sink->Submit(removed));
  ASSERT_TRUE(sink->Drain(kWait));
  EXPECT_EQ(acks_.distinct(), 1u);
  EXPECT_EQ(metrics_.Sum("instasent_cdc_sink_records_total", {{"outcome", "skipped"}}), 1);
  EXPECT_EQ(Inspect("/_test/stats")["by_status"], json::object());
  sink->Stop();
}

TEST_F(EnchargeSinkTest, WrongTokenIsAStickyConfigurationFailure) {
  auto sink = MakeSink("not-the-token");
  ASSERT_TRUE(sink->Start());
  ASSERT_TRUE(sink->Submit(Upsert("1", R"({"_user_id":"1"})")));
  EXPECT_FALSE(sink->Drain(kWait));
  ASSERT_TRUE(sink->Failure().has_value());
  EXPECT_EQ(sink->Failure()->kind, core::ErrorKind::kConfig);
  EXPECT_NE(sink->Failure()->message.find("401"), std::string::npos);
  EXPECT_FALSE(sink->Submit(Upsert("2", R"({"_user_id":"2"})")));
  EXPECT_EQ(acks_.distinct(), 0u);
  sink->Stop();
}

}  // namespace
}  // namespace cdc::sink
