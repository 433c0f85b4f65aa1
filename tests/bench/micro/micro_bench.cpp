// cdc_micro_bench: feeds synthetic row changes shaped like the bench tables
// (tests/bench/bench_common.py) through the real config loader, mapping
// compiler, core::Pipeline and jsonl sink (to /dev/null), and prints the CPU
// time per change. Run it under `valgrind --tool=callgrind` for instruction
// counts that do not depend on what else the machine runs.
//
//   cdc_micro_bench WORKLOAD [CHANGES]
//   WORKLOAD: mixed (60 inserts, 30 updates with the full old row, 10 deletes
//   per transaction of customers), orders (inserts of orders, 100 per
//   transaction), inserts | updates | deletes (customers, one op only),
//   startup (load, compile, open state and sink; no changes).
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.h"
#include "core/pipeline/pipeline.h"
#include "core/state/state_store.h"
#include "sink/jsonl/jsonl_sink.h"

namespace {

using cdc::core::Op;
using cdc::core::Value;

constexpr const char* kConfig = R"(pipeline: bench
source:
  kind: mysql
  dsn: mysql://root@127.0.0.1:1/test
sink:
  kind: jsonl
  path: /dev/null
mappings:
  - table: customers
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
        _first_name: "{first_name}"
        plan: "{plan}"
    on_delete: delete_contact
  - table: orders
    event:
      type: purchase
      id: "order-{id}"
      user_id: "{customer_id}"
      date: "{created_at}"
      parameters:
        amount: "{amount}"
        currency: "{currency}"
)";

std::shared_ptr<const cdc::core::TableSchema> Table(const char* name, std::vector<std::string> columns,
                                                    std::vector<std::string> types) {
  auto t = std::make_shared<cdc::core::TableSchema>();
  t->schema = "test";
  t->name = name;
  t->columns = std::move(columns);
  t->types = std::move(types);
  t->key = {0};
  t->version = 1;
  return t;
}

// A source emitting `total` changes as a decoder would (fresh Values per row).
class SyntheticSource : public cdc::core::Source {
 public:
  SyntheticSource(std::string workload, uint64_t total) : workload_(std::move(workload)), total_(total) {}

  cdc::core::Status Prepare() override { return {}; }

  cdc::core::Status Run(cdc::core::ChangeWriter& out, const std::atomic<bool>& stop) override {
    uint64_t emitted = 0;
    uint64_t tx = 0;
    while (emitted < total_ && !stop) {
      ++tx;
      for (int i = 0; i < 100 && emitted < total_; ++i, ++emitted) {
        if (!out.Emit(Make(tx, i))) return {};
      }
      cdc::core::TxEnd end;
      end.position = Pos(tx, 999);
      end.commit_time_us = kCommitUs;
      last_tx_ = tx;
      if (!out.Emit(std::move(end))) return {};
    }
    out.Flush();
    caught_up_ = true;
    return {};
  }

  void Confirm(const cdc::core::Position& p) override { confirmed_ = p.commit; }

  cdc::core::SourceProgress Progress() const override {
    cdc::core::SourceProgress progress;
    progress.caught_up = caught_up_;
    progress.confirmed_all = caught_up_ && confirmed_ == Pos(last_tx_, 999).commit;
    return progress;
  }

 private:
  static constexpr int64_t kCommitUs = 1700000000123456;

  static cdc::core::Position Pos(uint64_t tx, int i) {
    cdc::core::Position p;
    p.source = cdc::core::SourceKind::kMysql;
    p.commit = (1ULL << 32) | (tx * 100000);
    p.change = p.commit + 100 + static_cast<uint64_t>(i / 20) * 1000;
    p.index = static_cast<uint32_t>(i % 20);
    return p;
  }

  std::vector<Value> Customer(uint64_t id, const char* plan) const {
    const std::string n = std::to_string(id);
    return {Value::Int(static_cast<int64_t>(id)), Value::String("u" + n + "@example.com"),
            Value::String("Name" + n), Value::String(plan), Value::Timestamp("2026-11-23T01:02:03.456789")};
  }

  cdc::core::SourceEvent Make(uint64_t tx, int i) const {
    cdc::core::RowChange c;
    c.position = Pos(tx, i);
    c.commit_time_us = kCommitUs;
    c.xid = tx;
    const uint64_t id = tx * 100 + static_cast<uint64_t>(i);
    if (workload_ == "orders") {
      c.op = Op::kInsert;
      c.table = orders_;
      c.after = {Value::Int(static_cast<int64_t>(id)), Value::Int(static_cast<int64_t>(id % 10000)),
                 Value::Decimal(std::to_string(10 + id % 90) + ".00"), Value::String("EUR"),
                 Value::Timestamp("2026-11-23T01:02:03.456789")};
      return c;
    }
    c.table = customers_;
    Op op = Op::kInsert;
    if (workload_ == "updates") op = Op::kUpdate;
    if (workload_ == "deletes") op = Op::kDelete;
    if (workload_ == "mixed") op = i < 60 ? Op::kInsert : i < 90 ? Op::kUpdate : Op::kDelete;
    c.op = op;
    if (op != Op::kInsert) c.before = Customer(id, "free");
    if (op != Op::kDelete) c.after = Customer(id, op == Op::kUpdate ? "pro" : "free");
    return c;
  }

  std::string workload_;
  uint64_t total_;
  std::shared_ptr<const cdc::core::TableSchema> customers_ =
      Table("customers", {"id", "email", "first_name", "plan", "updated_at"},
            {"bigint", "varchar", "varchar", "varchar", "datetime"});
  std::shared_ptr<const cdc::core::TableSchema> orders_ =
      Table("orders", {"id", "customer_id", "amount", "currency", "created_at"},
            {"bigint", "bigint", "decimal", "char", "datetime"});
  std::atomic<bool> caught_up_{false};
  std::atomic<uint64_t> confirmed_{0};
  std::atomic<uint64_t> last_tx_{0};
};

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int Report(const cdc::core::Error& e) {
  std::fprintf(stderr, "error: %s\n", e.Describe().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s mixed|orders|inserts|updates|deletes|startup [CHANGES]\n", argv[0]);
    return 2;
  }
  const std::string workload = argv[1];
  const uint64_t total = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 200000;

  char tmpl[] = "/tmp/cdc-micro-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  const std::string config_path = dir + "/cdc.yaml";
  std::ofstream(config_path) << kConfig << "state: " << dir << "/state.db\n";

  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  auto config = cdc::config::LoadConfig(config_path);
  if (!config) return Report(config.error());
  auto mapping = cdc::config::CompileMapping(*config, cdc::config::MappingContextFor(*config));
  if (!mapping) return Report(mapping.error());
  auto state = cdc::core::StateStore::Open(config->state_path, config->pipeline);
  if (!state) return Report(state.error());
  cdc::core::Metrics metrics;
  SyntheticSource source(workload, workload == "startup" ? 0 : total);
  cdc::core::PipelineOptions options;
  options.name = config->pipeline;
  options.until_idle = std::chrono::milliseconds(0);

  struct Forward : cdc::core::AckListener {
    cdc::core::Pipeline* pipeline = nullptr;
    void OnDone(uint64_t ticket) override { pipeline->OnDone(ticket); }
  } forward;
  cdc::sink::JsonlSinkOptions sink_options;
  sink_options.path = "/dev/null";
  auto sink = cdc::sink::MakeJsonlSink(sink_options, forward, metrics);
  if (auto st = sink->Start(); !st) return Report(st.error());
  const double startup_cpu = CpuSeconds() - cpu0;
  const auto t1 = std::chrono::steady_clock::now();

  cdc::core::Pipeline pipeline(options, source, **mapping, {{"default", sink.get()}}, **state, metrics);
  forward.pipeline = &pipeline;
  std::atomic<bool> stop{false};
  const double cpu1 = CpuSeconds();
  auto status = pipeline.Run(stop);
  const double cpu = CpuSeconds() - cpu1;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  sink->Stop();
  std::filesystem::remove_all(dir);
  if (!status) return Report(status.error());

  std::printf("startup: %.2f ms wall, %.2f ms cpu\n",
              std::chrono::duration<double, std::milli>(t1 - t0).count(), startup_cpu * 1e3);
  if (total > 0 && workload != "startup") {
    std::printf("%s: %llu changes, %.3f s wall, %.3f s cpu, %.3f us cpu/change, %.0f changes/s\n",
                workload.c_str(), static_cast<unsigned long long>(total), wall, cpu, cpu * 1e6 / total,
                total / wall);
  }
  return 0;
}
