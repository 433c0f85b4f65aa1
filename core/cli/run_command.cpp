// `instasent-cdc run`: prepare the source, start the sinks, run the pipeline.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/cli/commands.h"
#include "core/cli/signals.h"
#include "core/cli/wiring.h"
#include "core/log/log.h"
#include "core/pipeline/pipeline.h"

namespace cdc::cli {

namespace {

// Copies the sink's cumulative record counters into the state store every few
// seconds (and at exit), so `status` shows them whether or not we run; also
// answers SIGHUP (within a second).
class CounterPersister {
 public:
  CounterPersister(core::Metrics& metrics, core::StateStore& state) : metrics_(metrics), state_(state) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~CounterPersister() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
    Persist();
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    auto last_persist = std::chrono::steady_clock::now();
    while (!cv_.wait_for(lock, std::chrono::seconds(1), [&] { return done_; })) {
      lock.unlock();
      if (std::chrono::steady_clock::now() - last_persist >= std::chrono::seconds(5)) {
        Persist();
        last_persist = std::chrono::steady_clock::now();
      }
      if (TakeHangup()) {
        core::Logger("run")->info("SIGHUP: reopening logs");
        core::ReopenLogs();
      }
      lock.lock();
    }
  }

  void Persist() {
    std::map<std::string, int64_t> deltas;
    for (const char* kind : {"contact_upsert", "contact_delete", "event"}) {
      for (const char* outcome : {"accepted", "dead_lettered"}) {
        const std::string key = std::string("records.") + kind + "." + outcome;
        const auto now = static_cast<int64_t>(
            metrics_.Sum("instasent_cdc_sink_records_total", {{"kind", kind}, {"outcome", outcome}}));
        if (now != last_[key]) deltas[key] = now - last_[key];
        last_[key] = now;
      }
    }
    // Reconnections by reason, so `status` tells a flapping source apart.
    for (const char* reason : {"connection_lost", "connect_failed"}) {
      const std::string key = std::string("source.reconnects.") + reason;
      const auto now =
          static_cast<int64_t>(metrics_.Sum("instasent_cdc_source_reconnects_total", {{"reason", reason}}));
      if (now != last_[key]) deltas[key] = now - last_[key];
      last_[key] = now;
    }
    const auto failures = static_cast<int64_t>(metrics_.Sum("instasent_cdc_mapping_failures_total"));
    if (failures != last_["rows.dead_lettered"]) deltas["rows.dead_lettered"] = failures - last_["rows.dead_lettered"];
    last_["rows.dead_lettered"] = failures;
    if (!deltas.empty()) (void)state_.AddCounters(deltas);
  }

  core::Metrics& metrics_;
  core::StateStore& state_;
  std::map<std::string, int64_t> last_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int RunCommand(const CommonOptions& common, double until_idle_seconds, double drain_timeout_seconds,
               bool resnapshot) {
  const auto& stop = InstallStopSignals();
  auto loaded = LoadPipeline(common, /*compile_mapping=*/true, /*open_state=*/true);
  if (!loaded) return ReportFailure(loaded.error());
  auto& config = loaded->config;
  if (resnapshot && config.source.kind != "postgres") {
    return ReportFailure(core::Error::Config(
        "--resnapshot applies only to a postgres source (MySQL: erase the state key mysql.position, see the README)"));
  }
  config.source.resnapshot = resnapshot;
  auto& state = *loaded->state;
  auto log = core::Logger("run");

  auto fail = [&](const core::Error& error) {
    (void)state.PutAll({{"last_error", core::Redact(error.Describe())}, {"last_error_at_ms", std::to_string(NowMs())}});
    core::Logger("run")->error("{}", error.Describe());
    return ReportFailure(error);
  };

  core::Metrics& metrics = *loaded->metrics;
  AckForwarder forwarder;
  auto sinks = MakeSinks(config, forwarder, state, metrics);
  if (!sinks) return fail(sinks.error());
  auto source = MakeSource(config, *loaded->mapping, state, metrics);

  log->info("pipeline {}: preparing {} source", config.pipeline, config.source.kind);
  if (auto st = source->Prepare(); !st) return fail(st.error());
  for (auto& [name, sink] : *sinks) {
    if (auto st = sink->Start(); !st) return fail(st.error());
  }

  core::PipelineOptions options;
  options.name = config.pipeline;
  if (until_idle_seconds >= 0) {
    options.until_idle = std::chrono::milliseconds(static_cast<int64_t>(until_idle_seconds * 1000));
  }
  options.drain_timeout = std::chrono::milliseconds(static_cast<int64_t>(drain_timeout_seconds * 1000));
  options.lag_warning = {config.source.lag_warning_bytes, config.source.lag_warning_seconds};
  std::vector<std::pair<std::string, core::Sink*>> sink_refs;
  for (auto& [name, sink] : *sinks) sink_refs.emplace_back(name, sink.get());

  core::Pipeline pipeline(options, *source, *loaded->mapping, sink_refs, state, metrics);
  forwarder.set_target(&pipeline);
  core::Status result;
  {
    CounterPersister persister(metrics, state);
    log->info("pipeline {}: running", config.pipeline);
    result = pipeline.Run(stop);
    for (auto& [name, sink] : *sinks) sink->Stop();
  }
  forwarder.set_target(nullptr);
  if (!result) return fail(result.error());
  (void)state.Erase("last_error");
  log->info("pipeline {}: stopped cleanly", config.pipeline);
  return 0;
}

}  // namespace cdc::cli
