#include "core/admin/run_monitor.h"

#include <unistd.h>

#include "core/log/log.h"

namespace cdc::core {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const char* const kKinds[] = {"contact_upsert", "contact_delete", "event"};
const char* const kOutcomes[] = {"accepted", "rejected", "dead_lettered", "skipped"};

}  // namespace

RunMonitor::RunMonitor(RunMonitorOptions options, Source& source,
                       std::vector<std::pair<std::string, Sink*>> sinks, Metrics& metrics, StateStore& state,
                       Health& health)
    : options_(std::move(options)),
      source_(source),
      sinks_(std::move(sinks)),
      metrics_(metrics),
      state_(state),
      health_(health),
      snapshot_(options_.terminal),
      connected_(
          metrics.Gauge("instasent_cdc_source_connected",
                        "1 while the source reads its database (snapshot or stream), 0 while reconnecting",
                        {{"pipeline", options_.pipeline}})),
      snapshot_rows_(metrics.Gauge("instasent_cdc_snapshot_rows", "Rows read by the initial snapshot so far",
                                   {{"pipeline", options_.pipeline}})),
      snapshot_estimate_(metrics.Gauge("instasent_cdc_snapshot_rows_estimated",
                                       "Rows the initial snapshot expects to read (from table statistics)",
                                       {{"pipeline", options_.pipeline}})),
      dead_letters_(metrics.Gauge("instasent_cdc_dead_letters",
                                  "Dead letters in the state store now (what `dlq list` shows)",
                                  {{"pipeline", options_.pipeline}})) {
  (void)state_.PutAll({{kRunPidKey, std::to_string(getpid())}, {kRunUpdatedAtKey, std::to_string(NowMs())}});
  thread_ = std::thread([this] { Loop(); });
}

RunMonitor::~RunMonitor() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  thread_.join();
  Tick(/*persist=*/true);
  (void)state_.Erase(kRunPidKey);
}

void RunMonitor::Loop() {
  auto last_persist = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, options_.tick, [&] { return done_; })) {
    lock.unlock();
    const auto now = std::chrono::steady_clock::now();
    const bool persist = now - last_persist >= options_.persist_every;
    if (persist) last_persist = now;
    Tick(persist);
    if (options_.on_tick) options_.on_tick();
    lock.lock();
  }
}

void RunMonitor::Tick(bool persist) {
  const SourceProgress progress = source_.Progress();
  connected_.Set(progress.connected ? 1 : 0);
  // The lag gauges belong to the pipeline's LagMonitor; `status` gets a copy of them below.
  snapshot_rows_.Set(static_cast<double>(progress.snapshot_rows));
  snapshot_estimate_.Set(static_cast<double>(progress.snapshot_rows_estimate));
  for (const auto& table : progress.snapshot_tables) {
    const Labels labels = {{"pipeline", options_.pipeline}, {"table", table.table}};
    metrics_
        .Gauge("instasent_cdc_snapshot_table_rows", "Rows read by the initial snapshot, per table", labels)
        .Set(static_cast<double>(table.rows));
    metrics_
        .Gauge("instasent_cdc_snapshot_table_rows_estimated",
               "Rows the initial snapshot expects per table (from table statistics)", labels)
        .Set(static_cast<double>(table.estimate));
  }

  std::string why_not;
  if (!progress.connected) why_not = "source not connected";
  for (const auto& [name, sink] : sinks_) {
    if (auto failure = sink->Failure()) {
      health_.SetFatal("sink " + name + ": " + Redact(failure->Describe()));
      why_not = "sink " + name + " failed";
    }
    // Sinks that probe their destination say whether it accepted the credentials.
    auto authorized = metrics_.Find("instasent_cdc_sink_authorized", {{"sink", name}});
    if (authorized && *authorized == 0 && why_not.empty()) {
      why_not = "sink " + name + ": destination not reached or credentials not yet accepted";
    }
  }
  health_.Beat(why_not.empty(), why_not);
  ShowSnapshot(progress);
  if (persist) Persist(progress);
}

void RunMonitor::ShowSnapshot(const SourceProgress& progress) {
  auto out = snapshot_.Sample(std::chrono::steady_clock::now(), progress.snapshotting, progress.snapshot_rows,
                              progress.snapshot_rows_estimate);
  if (!out) return;
  if (out->redraw) {
    ShowStatusLine(out->text);
    return;
  }
  if (options_.terminal) ShowStatusLine("");
  Logger("snapshot")->info("{}", out->text);
}

void RunMonitor::Persist(const SourceProgress& progress) {
  const auto lag_seconds =
      metrics_.Find("instasent_cdc_source_lag_seconds", {{"pipeline", options_.pipeline}}).value_or(0);
  std::map<std::string, int64_t> now;
  for (const char* kind : kKinds) {
    for (const char* outcome : kOutcomes) {
      now[std::string("records.") + kind + "." + outcome] = static_cast<int64_t>(
          metrics_.Sum("instasent_cdc_sink_records_total", {{"kind", kind}, {"outcome", outcome}}));
    }
  }
  now["rows.dead_lettered"] = static_cast<int64_t>(metrics_.Sum("instasent_cdc_mapping_failures_total") +
                                                   metrics_.Sum("instasent_cdc_source_bad_rows_total"));
  now["events.outside_window"] =
      static_cast<int64_t>(metrics_.Sum("instasent_cdc_events_outside_window_total"));
  // Reconnections by reason, so `status` tells a flapping source apart.
  for (const char* reason : {"connection_lost", "connect_failed"}) {
    now[std::string("source.reconnects.") + reason] =
        static_cast<int64_t>(metrics_.Sum("instasent_cdc_source_reconnects_total", {{"reason", reason}}));
  }
  now["changes.read"] = static_cast<int64_t>(metrics_.Sum("instasent_cdc_source_changes_total"));
  std::map<std::string, int64_t> deltas;
  for (const auto& [key, value] : now) {
    if (value != persisted_[key]) deltas[key] = value - persisted_[key];
  }
  if (!deltas.empty()) {
    if (auto st = state_.AddCounters(deltas); st) {
      persisted_ = std::move(now);
    } else {
      Logger("run")->warn("could not store the counters for status: {}", st.error().message);
    }
  }
  std::map<std::string, std::string> values = {
      {kRunUpdatedAtKey, std::to_string(NowMs())},
      {"source.connected", progress.connected ? "yes" : "no"},
      {"source.lag_seconds", std::to_string(static_cast<int64_t>(lag_seconds))},
      {"snapshot.rows_read", std::to_string(progress.snapshot_rows)},
      {"snapshot.rows_estimated", std::to_string(progress.snapshot_rows_estimate)},
  };
  if (!progress.received.empty()) values["source.received"] = progress.received;
  if (!progress.confirmed.empty()) values["source.confirmed"] = progress.confirmed;
  if (progress.lag_bytes >= 0) values["source.lag_bytes"] = std::to_string(progress.lag_bytes);
  if (progress.last_commit_time_us > 0) {
    values["source.last_commit_at_ms"] = std::to_string(progress.last_commit_time_us / 1000);
  }
  (void)state_.PutAll(values);
  if (auto dead = state_.CountDeadLetters()) dead_letters_.Set(static_cast<double>(*dead));
}

}  // namespace cdc::core
