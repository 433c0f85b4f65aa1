// `instasent-cdc run`: prepare the source, start the sinks, run the pipeline.
#include <unistd.h>

#include <chrono>

#include "core/admin/admin_server.h"
#include "core/admin/health.h"
#include "core/admin/run_monitor.h"
#include "core/cli/commands.h"
#include "core/cli/signals.h"
#include "core/cli/wiring.h"
#include "core/log/log.h"
#include "core/pipeline/pipeline.h"

namespace cdc::cli {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int RunCommand(const CommonOptions& common, double until_idle_seconds, double drain_timeout_seconds,
               bool resnapshot, const std::string& admin_listen) {
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

  core::Health health;
  auto fail = [&](const core::Error& error) {
    health.SetFatal(core::Redact(error.message));
    (void)state.PutAll({{"last_error", core::Redact(error.Describe())}, {"last_error_at_ms", std::to_string(NowMs())}});
    core::Logger("run")->error("{}", error.Describe());
    return ReportFailure(error);
  };

  core::Metrics& metrics = *loaded->metrics;
  // Up before the source connects, so probes see "not ready" rather than nothing.
  std::unique_ptr<core::AdminServer> admin;
  if (const std::string& listen = admin_listen.empty() ? config.admin_listen : admin_listen; !listen.empty()) {
    auto address = core::ParseListenAddress(listen);
    if (!address) return fail(address.error());
    auto started = core::AdminServer::Start(*address, metrics, health);
    if (!started) return fail(started.error());
    admin = std::move(*started);
    log->info("admin endpoint listening on http://{}", admin->bound().ToString());
  }
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
    core::RunMonitorOptions monitor_options;
    monitor_options.pipeline = config.pipeline;
    monitor_options.terminal = isatty(STDERR_FILENO) && common.log_format != core::LogFormat::kJson;
    monitor_options.on_tick = [] {
      if (TakeHangup()) core::ReopenLogs();
    };
    core::RunMonitor monitor(monitor_options, *source, sink_refs, metrics, state, health);
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
