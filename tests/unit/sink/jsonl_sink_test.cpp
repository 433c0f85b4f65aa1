#include "sink/jsonl/jsonl_sink.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/unit/sink/sink_test_support.h"

namespace cdc::sink {
namespace {

using testing::RecordingAckListener;

std::string TempPath() {
  std::string dir = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  std::string path = dir + "/jsonl_sink_test_XXXXXX";
  const int fd = mkstemp(path.data());
  close(fd);
  return path;
}

std::vector<nlohmann::json> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(JsonlSinkTest, WritesOneLinePerRecordAndAcksAtOnce) {
  const std::string path = TempPath();
  RecordingAckListener acks;
  core::Metrics metrics;
  auto sink = MakeJsonlSink({"dry", path}, acks, metrics);
  ASSERT_TRUE(sink->Start());

  core::Record contact;
  contact.kind = core::RecordKind::kContactUpsert;
  contact.user_id = "42";
  contact.json = R"({"_user_id":"42","_email":null,"plan":"pro"})";
  contact.ticket = 1;
  core::Record removed;
  removed.kind = core::RecordKind::kContactDelete;
  removed.user_id = "a\"b";
  removed.destination = "other";
  removed.ticket = 2;
  ASSERT_TRUE(sink->Submit(contact));
  ASSERT_TRUE(sink->Submit(removed));
  EXPECT_EQ(acks.order(), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(sink->Pending(), 0u);
  EXPECT_TRUE(sink->Drain(std::chrono::milliseconds(100)));

  const auto lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["kind"], "contact_upsert");
  EXPECT_EQ(lines[0]["user_id"], "42");
  EXPECT_EQ(lines[0]["destination"], "dry");
  EXPECT_EQ(lines[0]["item"], nlohmann::json::parse(contact.json));
  EXPECT_EQ(lines[1]["kind"], "contact_delete");
  EXPECT_EQ(lines[1]["user_id"], "a\"b");
  EXPECT_EQ(lines[1]["destination"], "other");
  EXPECT_TRUE(lines[1]["item"].is_null());
  EXPECT_EQ(metrics.Sum("instasent_cdc_sink_records_total", {{"outcome", "accepted"}}), 2);
  sink->Stop();
  unlink(path.c_str());
}

TEST(JsonlSinkTest, LinesBeyondOneWriteBlockArriveWholeAndInOrderAtStop) {
  const std::string path = TempPath();
  RecordingAckListener acks;
  core::Metrics metrics;
  auto sink = MakeJsonlSink({"dry", path}, acks, metrics);
  ASSERT_TRUE(sink->Start());
  // About 300 KB: several full blocks written while submitting, a tail at Stop.
  constexpr int kRecords = 3000;
  const std::string padding(80, 'x');
  for (int i = 0; i < kRecords; ++i) {
    core::Record r;
    r.kind = core::RecordKind::kEvent;
    r.user_id = std::to_string(i);
    r.json = R"({"_user_id":")" + r.user_id + R"(","pad":")" + padding + R"("})";
    ASSERT_TRUE(sink->Submit(std::move(r)));
  }
  sink->Stop();
  const auto lines = ReadLines(path);
  ASSERT_EQ(lines.size(), static_cast<size_t>(kRecords));
  for (int i = 0; i < kRecords; ++i) {
    ASSERT_EQ(lines[static_cast<size_t>(i)]["user_id"], std::to_string(i));
    ASSERT_EQ(lines[static_cast<size_t>(i)]["item"]["pad"], padding);
  }
  EXPECT_EQ(metrics.Sum("instasent_cdc_sink_records_total", {{"outcome", "accepted"}}), kRecords);
  unlink(path.c_str());
}

TEST(JsonlSinkTest, RecordWithoutTicketIsWrittenAndNotReported) {
  const std::string path = TempPath();
  RecordingAckListener acks;
  core::Metrics metrics;
  auto sink = MakeJsonlSink({"dry", path}, acks, metrics);
  ASSERT_TRUE(sink->Start());
  EXPECT_TRUE(sink->AcknowledgesOnSubmit());

  core::Record untracked;
  untracked.user_id = "1";
  untracked.json = R"({"_user_id":"1"})";
  core::Record tracked = untracked;
  tracked.ticket = 7;
  ASSERT_TRUE(sink->Submit(untracked));
  ASSERT_TRUE(sink->Submit(tracked));
  EXPECT_EQ(acks.order(), (std::vector<uint64_t>{7}));
  sink->Stop();
  EXPECT_EQ(ReadLines(path).size(), 2u);
  unlink(path.c_str());
}

TEST(JsonlSinkTest, UnwritableFileIsAConfigError) {
  RecordingAckListener acks;
  core::Metrics metrics;
  auto sink = MakeJsonlSink({"dry", "/nonexistent-dir/out.jsonl"}, acks, metrics);
  auto started = sink->Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().kind, core::ErrorKind::kConfig);
}

}  // namespace
}  // namespace cdc::sink
