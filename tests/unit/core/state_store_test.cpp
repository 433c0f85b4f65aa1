#include "core/state/state_store.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace cdc::core {
namespace {

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cdc-state-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    path_ = (dir_ / "nested" / "shop.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<StateStore> Open(const std::string& pipeline = "shop") {
    auto store = StateStore::Open(path_, pipeline);
    EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().message);
    return std::move(*store);
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(StateStoreTest, ValuesSurviveReopenAndArePerPipeline) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Put("mysql.position", "{\"file\":\"b.000001\",\"pos\":4}"));
    ASSERT_TRUE(store->PutAll({{"a", "1"}, {"b", "2"}}));
    ASSERT_TRUE(store->Put("a", "3"));
  }
  auto store = Open();
  EXPECT_EQ(store->Get("mysql.position").value().value(), "{\"file\":\"b.000001\",\"pos\":4}");
  EXPECT_EQ(store->Get("a").value().value(), "3");
  EXPECT_EQ(store->Get("b").value().value(), "2");
  EXPECT_FALSE(store->Get("missing").value().has_value());
  auto values = store->Values().value();
  EXPECT_EQ(values.size(), 3u);
  EXPECT_EQ(values["b"], "2");
  ASSERT_TRUE(store->Erase("b"));
  EXPECT_FALSE(store->Get("b").value().has_value());

  auto other = Open("other");
  EXPECT_FALSE(other->Get("a").value().has_value());
}

TEST_F(StateStoreTest, DeadLettersListDropAndCount) {
  auto store = Open();
  for (int i = 0; i < 3; ++i) {
    DeadLetter d;
    d.destination = "default";
    d.kind = "contact_upsert";
    d.user_id = "u" + std::to_string(i);
    d.table = "public.customers";
    d.payload = "{\"_user_id\":\"u" + std::to_string(i) + "\",\"_email\":\"bad\"}";
    d.reason = "{\"_email\":[\"Invalid format\"]}";
    d.position = "0/16B3748";
    ASSERT_TRUE(store->PutDeadLetter(d));
  }
  EXPECT_EQ(store->CountDeadLetters().value(), 3);
  auto all = store->ListDeadLetters({}).value();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].user_id, "u1");
  EXPECT_EQ(all[1].reason, "{\"_email\":[\"Invalid format\"]}");
  EXPECT_EQ(all[1].position, "0/16B3748");
  EXPECT_GT(all[1].created_at_ms, 0);

  ASSERT_TRUE(store->DropDeadLetters({all[0].id, all[2].id}));
  auto left = store->ListDeadLetters({}).value();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].user_id, "u1");
  ASSERT_TRUE(store->DropDeadLetters({}));
  EXPECT_EQ(store->CountDeadLetters().value(), 0);
}

TEST_F(StateStoreTest, CountersAccumulate) {
  auto store = Open();
  ASSERT_TRUE(store->AddCounters({{"records.event.accepted", 5}, {"records.event.dead_lettered", 1}}));
  ASSERT_TRUE(store->AddCounters({{"records.event.accepted", 7}}));
  auto counters = store->Counters().value();
  EXPECT_EQ(counters["records.event.accepted"], 12);
  EXPECT_EQ(counters["records.event.dead_lettered"], 1);
}

}  // namespace
}  // namespace cdc::core
