// The pipeline's promises with in-process parts: a scripted source, a mapping
// that makes one record per row, and a sink the test acknowledges by hand.
#include "core/pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <thread>

namespace cdc::core {
namespace {

using namespace std::chrono_literals;

template <class F>
bool Eventually(F condition, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return condition();
}

class ScriptedSource : public Source {
 public:
  explicit ScriptedSource(std::vector<SourceEvent> events) : events_(std::move(events)) {}
  Status Prepare() override { return {}; }
  Status Run(ChangeWriter& out, const std::atomic<bool>& stop) override {
    for (auto& e : events_) {
      if (!out.Emit(e)) return {};
    }
    out.Flush();
    emitted_ = true;
    while (!stop) std::this_thread::sleep_for(1ms);  // a source waits for more data
    return {};
  }
  void Confirm(const Position& p) override {
    std::lock_guard lock(mu_);
    confirmed_.push_back(p.commit);
  }
  SourceProgress Progress() const override {
    std::lock_guard lock(mu_);
    SourceProgress progress;
    progress.caught_up = emitted_;
    progress.confirmed_all = !confirmed_.empty() && confirmed_.back() == last_commit_;
    return progress;
  }
  std::vector<uint64_t> confirmed() const {
    std::lock_guard lock(mu_);
    return confirmed_;
  }
  uint64_t last_commit_ = 0;

 private:
  std::vector<SourceEvent> events_;
  std::atomic<bool> emitted_{false};
  mutable std::mutex mu_;
  std::vector<uint64_t> confirmed_;
};

class OneRecordPerRow : public Mapping {
 public:
  void Apply(const RowChange& change, std::vector<Record>& out, std::vector<MappingFailure>& failures) override {
    if (change.after[0].is_null()) {
      failures.push_back({Error::BadData("user id is NULL"), "mappings[0]"});
      return;
    }
    Record r;
    r.kind = RecordKind::kContactUpsert;
    r.user_id = change.after[0].ToText();
    r.json = "{\"_user_id\":\"" + r.user_id + "\"}";
    out.push_back(std::move(r));
  }
  std::vector<TableNeeds> Tables() const override { return {}; }
};

class HandAckedSink : public Sink {
 public:
  Status Start() override { return {}; }
  Status Submit(Record record) override {
    std::lock_guard lock(mu_);
    pending_.push_back(record.ticket);
    return {};
  }
  void Flush() override {}
  size_t Pending() const override {
    std::lock_guard lock(mu_);
    return pending_.size();
  }
  bool Drain(std::chrono::milliseconds) override { return Pending() == 0; }
  void Stop() override {}
  std::optional<Error> Failure() const override { return std::nullopt; }

  // Acknowledges the n-th submitted record still pending.
  void Ack(size_t n) {
    uint64_t ticket;
    {
      std::lock_guard lock(mu_);
      ticket = pending_.at(n);
      pending_.erase(pending_.begin() + n);
    }
    listener->OnDone(ticket);
  }
  AckListener* listener = nullptr;

 private:
  mutable std::mutex mu_;
  std::vector<uint64_t> pending_;
};

// Accepts (or, from the `fail_at`-th record on, refuses) every record within
// Submit, like the jsonl sink.
class AcceptingSink : public Sink {
 public:
  Status Start() override { return {}; }
  Status Submit(Record record) override {
    std::lock_guard lock(mu_);
    if (tickets_.size() + 1 >= fail_at) return Fail(Error::Fatal("cannot write"));
    tickets_.push_back(record.ticket);
    return {};
  }
  bool AcknowledgesOnSubmit() const override { return true; }
  void Flush() override {}
  size_t Pending() const override { return 0; }
  bool Drain(std::chrono::milliseconds) override { return true; }
  void Stop() override {}
  std::optional<Error> Failure() const override { return std::nullopt; }
  std::vector<uint64_t> tickets() const {
    std::lock_guard lock(mu_);
    return tickets_;
  }
  size_t fail_at = SIZE_MAX;

 private:
  mutable std::mutex mu_;
  std::vector<uint64_t> tickets_;
};

std::shared_ptr<TableSchema> Schema() {
  auto s = std::make_shared<TableSchema>();
  s->schema = "public";
  s->name = "t";
  s->columns = {"id"};
  return s;
}

RowChange Row(std::shared_ptr<TableSchema> schema, Value id, uint64_t commit) {
  RowChange c;
  c.table = schema;
  c.op = Op::kInsert;
  c.after = {std::move(id)};
  c.position = {SourceKind::kPostgres, commit, commit, 0};
  return c;
}

// Rows 1 and 2 committed at 100, row 3 at 200.
std::vector<SourceEvent> TwoTransactions(const std::shared_ptr<TableSchema>& schema) {
  return {Row(schema, Value::Int(1), 100), Row(schema, Value::Int(2), 100),
          TxEnd{{SourceKind::kPostgres, 100, 0, 0}}, Row(schema, Value::Int(3), 200),
          TxEnd{{SourceKind::kPostgres, 200, 0, 0}}};
}

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() / ("cdc-pipeline-test-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path_);
    state_ = std::move(*StateStore::Open(path_.string(), "p"));
  }
  void TearDown() override {
    state_.reset();
    std::filesystem::remove(path_);
    std::filesystem::remove(path_.string() + "-wal");
    std::filesystem::remove(path_.string() + "-shm");
  }
  std::filesystem::path path_;
  std::unique_ptr<StateStore> state_;
  Metrics metrics_;
};

TEST_F(PipelineTest, ConfirmsOnlyTransactionsWhoseRecordsAreAllAcknowledged) {
  auto schema = Schema();
  ScriptedSource source(TwoTransactions(schema));
  source.last_commit_ = 200;
  OneRecordPerRow mapping;
  HandAckedSink sink;
  Pipeline pipeline({.name = "p"}, source, mapping, {{"default", &sink}}, *state_, metrics_);
  sink.listener = &pipeline;
  std::atomic<bool> stop{false};
  std::thread runner([&] { ASSERT_TRUE(pipeline.Run(stop)); });

  ASSERT_TRUE(Eventually([&] { return sink.Pending() == 3; }));
  sink.Ack(2);  // the second transaction's record: nothing confirmable yet
  sink.Ack(0);
  EXPECT_FALSE(Eventually([&] { return !source.confirmed().empty(); }, 100ms));
  sink.Ack(0);  // the last record of the first transaction: both are now done
  ASSERT_TRUE(Eventually([&] { return !source.confirmed().empty(); }));
  EXPECT_EQ(source.confirmed().back(), 200u);
  stop = true;
  runner.join();
  EXPECT_EQ(state_->Get("checkpoint.acknowledged").value().value(), "0/C8");
}

TEST_F(PipelineTest, UnmappableRowsAreDeadLetteredAndTheStreamGoesOn) {
  auto schema = Schema();
  ScriptedSource source({Row(schema, Value::Null(), 100), Row(schema, Value::Int(5), 100),
                         TxEnd{{SourceKind::kPostgres, 100, 0, 0}}});
  source.last_commit_ = 100;
  OneRecordPerRow mapping;
  HandAckedSink sink;
  PipelineOptions options{.name = "p"};
  options.until_idle = 50ms;
  Pipeline pipeline(options, source, mapping, {{"default", &sink}}, *state_, metrics_);
  sink.listener = &pipeline;
  std::atomic<bool> stop{false};
  std::thread acker([&] {
    ASSERT_TRUE(Eventually([&] { return sink.Pending() == 1; }));
    sink.Ack(0);
  });
  ASSERT_TRUE(pipeline.Run(stop));  // returns by itself once idle and confirmed
  acker.join();
  auto letters = state_->ListDeadLetters({}).value();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].kind, "row");
  EXPECT_EQ(letters[0].table, "public.t");
  EXPECT_EQ(letters[0].payload, "{\"id\":null}");
  EXPECT_NE(letters[0].reason.find("user id is NULL"), std::string::npos);
  EXPECT_EQ(letters[0].position, "0/64");
  EXPECT_EQ(source.confirmed().back(), 100u);
}

TEST_F(PipelineTest, StopDrainsAndConfirmsWhatWasAcknowledged) {
  auto schema = Schema();
  ScriptedSource source({Row(schema, Value::Int(1), 100), TxEnd{{SourceKind::kPostgres, 100, 0, 0}},
                         Row(schema, Value::Int(2), 200), TxEnd{{SourceKind::kPostgres, 200, 0, 0}}});
  OneRecordPerRow mapping;
  HandAckedSink sink;
  PipelineOptions options{.name = "p"};
  options.drain_timeout = 200ms;
  Pipeline pipeline(options, source, mapping, {{"default", &sink}}, *state_, metrics_);
  sink.listener = &pipeline;
  std::atomic<bool> stop{false};
  std::thread runner([&] { ASSERT_TRUE(pipeline.Run(stop)); });
  ASSERT_TRUE(Eventually([&] { return sink.Pending() == 2; }));
  sink.Ack(0);
  stop = true;  // the second record is never acknowledged: its transaction is not confirmed
  runner.join();
  ASSERT_FALSE(source.confirmed().empty());
  EXPECT_EQ(source.confirmed().back(), 100u);
}


TEST_F(PipelineTest, RecordsAcceptedWithinSubmitTakeNoTicketAndTheirTransactionsAreConfirmed) {
  auto schema = Schema();
  ScriptedSource source(TwoTransactions(schema));
  source.last_commit_ = 200;
  OneRecordPerRow mapping;
  AcceptingSink sink;
  Pipeline pipeline({.name = "p", .until_idle = 0ms}, source, mapping, {{"default", &sink}}, *state_, metrics_);
  std::atomic<bool> stop{false};
  ASSERT_TRUE(pipeline.Run(stop));  // until_idle: returns once everything is confirmed
  EXPECT_EQ(sink.tickets(), (std::vector<uint64_t>{0, 0, 0}));
  ASSERT_FALSE(source.confirmed().empty());
  EXPECT_EQ(source.confirmed().back(), 200u);
  EXPECT_EQ(state_->Get("checkpoint.acknowledged").value().value(), "0/C8");
}

TEST_F(PipelineTest, TransactionWhoseRecordASinkRefusedWithinSubmitIsNeverConfirmed) {
  auto schema = Schema();
  ScriptedSource source({Row(schema, Value::Int(1), 100), TxEnd{{SourceKind::kPostgres, 100, 0, 0}},
                         Row(schema, Value::Int(2), 200), Row(schema, Value::Int(3), 200),
                         TxEnd{{SourceKind::kPostgres, 200, 0, 0}}});
  source.last_commit_ = 200;
  OneRecordPerRow mapping;
  AcceptingSink sink;
  sink.fail_at = 3;  // the second record of the second transaction
  Pipeline pipeline({.name = "p"}, source, mapping, {{"default", &sink}}, *state_, metrics_);
  std::atomic<bool> stop{false};
  auto result = pipeline.Run(stop);
  ASSERT_FALSE(result);
  EXPECT_EQ(sink.tickets().size(), 2u);
  for (uint64_t commit : source.confirmed()) EXPECT_LE(commit, 100u);
}

}  // namespace
}  // namespace cdc::core
