// RunMonitor against a scripted source and sink and a real state store: the
// gauges, the readiness verdict and what `status` will read.
#include "core/admin/run_monitor.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace cdc::core {
namespace {

class ScriptedSource : public Source {
 public:
  Status Prepare() override { return {}; }
  Status Run(ChangeWriter&, const std::atomic<bool>&) override { return {}; }
  void Confirm(const Position&) override {}
  SourceProgress Progress() const override { return progress; }
  SourceProgress progress;
};

class ScriptedSink : public Sink {
 public:
  Status Start() override { return {}; }
  Status Submit(Record) override { return {}; }
  void Flush() override {}
  size_t Pending() const override { return 0; }
  bool Drain(std::chrono::milliseconds) override { return true; }
  void Stop() override {}
  std::optional<Error> Failure() const override { return failure; }
  std::optional<Error> failure;
};

class RunMonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cdc-monitor-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    state_ = std::move(*StateStore::Open((dir_ / "state.db").string(), "shop"));
    options_.pipeline = "shop";
    options_.tick = std::chrono::hours(1);  // the test drives Tick itself
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Value(const std::string& key) { return state_->Get(key).value().value_or(""); }

  std::filesystem::path dir_;
  std::unique_ptr<StateStore> state_;
  RunMonitorOptions options_;
  Metrics metrics_;
  Health health_;
  ScriptedSource source_;
  ScriptedSink sink_;
};

TEST_F(RunMonitorTest, GaugesFollowTheSourceAndReadinessNeedsSourceAndCredentials) {
  RunMonitor monitor(options_, source_, {{"default", &sink_}}, metrics_, *state_, health_);
  auto& authorized = metrics_.Gauge("instasent_cdc_sink_authorized", "", {{"sink", "default"}});
  monitor.Tick(false);
  EXPECT_EQ(health_.Ready().reason, "source not connected");

  source_.progress.connected = true;
  monitor.Tick(false);
  EXPECT_FALSE(health_.Ready().ok);
  EXPECT_NE(health_.Ready().reason.find("credentials"), std::string::npos);

  authorized.Set(1);
  source_.progress.lag_bytes = 4096;
  source_.progress.last_commit_time_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count() -
                                         90'000'000;
  source_.progress.snapshot_rows = 10;
  source_.progress.snapshot_rows_estimate = 40;
  source_.progress.snapshot_tables = {{"public.customers", 10, 15}, {"public.orders", 0, 25}};
  monitor.Tick(false);
  EXPECT_TRUE(health_.Ready().ok) << health_.Ready().reason;
  EXPECT_EQ(metrics_.Sum("instasent_cdc_source_connected"), 1);
  EXPECT_EQ(metrics_.Sum("instasent_cdc_snapshot_rows"), 10);
  EXPECT_EQ(metrics_.Sum("instasent_cdc_snapshot_rows_estimated"), 40);
  EXPECT_EQ(metrics_.Find("instasent_cdc_snapshot_table_rows",
                          {{"pipeline", "shop"}, {"table", "public.customers"}}),
            10);
  EXPECT_EQ(metrics_.Find("instasent_cdc_snapshot_table_rows_estimated",
                          {{"pipeline", "shop"}, {"table", "public.orders"}}),
            25);

  sink_.failure = Error::Config("the Instasent API answered 401");
  monitor.Tick(false);
  EXPECT_FALSE(health_.Live().ok);
  EXPECT_NE(health_.Live().reason.find("401"), std::string::npos);
}

TEST_F(RunMonitorTest, CountersAndPositionsReachTheStateStoreAsDeltas) {
  auto& accepted = metrics_.Counter("instasent_cdc_sink_records_total", "",
                                    {{"sink", "default"}, {"kind", "event"}, {"outcome", "accepted"}});
  auto& rejected =
      metrics_.Counter("instasent_cdc_sink_records_total", "",
                       {{"sink", "default"}, {"kind", "contact_upsert"}, {"outcome", "rejected"}});
  metrics_.Counter("instasent_cdc_events_outside_window_total", "", {{"pipeline", "shop"}}).Add(2);
  ASSERT_TRUE(state_->AddCounters({{"records.event.accepted", 100}}));  // an earlier run's
  source_.progress.received = "0/16B3F28";
  source_.progress.confirmed = "0/16B3F00";
  source_.progress.lag_bytes = 40;
  {
    RunMonitor monitor(options_, source_, {{"default", &sink_}}, metrics_, *state_, health_);
    EXPECT_EQ(Value(kRunPidKey), std::to_string(getpid()));
    accepted.Add(5);
    rejected.Add(1);
    monitor.Tick(true);
    auto counters = state_->Counters().value();
    EXPECT_EQ(counters["records.event.accepted"], 105);
    EXPECT_EQ(counters["records.contact_upsert.rejected"], 1);
    EXPECT_EQ(counters["events.outside_window"], 2);
    EXPECT_EQ(Value("source.received"), "0/16B3F28");
    EXPECT_EQ(Value("source.confirmed"), "0/16B3F00");
    EXPECT_EQ(Value("source.lag_bytes"), "40");
    accepted.Add(3);
    monitor.Tick(true);
    EXPECT_EQ(state_->Counters().value()["records.event.accepted"], 108);
    accepted.Add(1);
  }  // the last write happens at destruction, and the run is no longer marked
  EXPECT_EQ(state_->Counters().value()["records.event.accepted"], 109);
  EXPECT_EQ(Value(kRunPidKey), "");
  EXPECT_NE(Value(kRunUpdatedAtKey), "");
}

TEST_F(RunMonitorTest, DeadLettersInTheStoreAreAGauge) {
  DeadLetter letter;
  letter.pipeline = "shop";
  letter.kind = "event";
  letter.reason = "bad";
  ASSERT_TRUE(state_->PutDeadLetter(letter));
  ASSERT_TRUE(state_->PutDeadLetter(letter));
  RunMonitor monitor(options_, source_, {}, metrics_, *state_, health_);
  monitor.Tick(true);
  EXPECT_EQ(metrics_.Sum("instasent_cdc_dead_letters"), 2);
}

}  // namespace
}  // namespace cdc::core
