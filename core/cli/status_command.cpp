// `instasent-cdc status`: what the state store knows, running or not. A
// running `run` refreshes it every few seconds (core/admin/run_monitor.h).
#include <fmt/format.h>
#include <signal.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/admin/run_monitor.h"
#include "core/cli/commands.h"
#include "core/cli/wiring.h"

namespace cdc::cli {

namespace {

// A run that has not refreshed the state for this long is not running (killed).
constexpr int64_t kStaleMs = 30000;
const char* const kKinds[] = {"contact_upsert", "contact_delete", "event"};
const char* const kOutcomes[] = {"accepted", "rejected", "dead_lettered", "skipped"};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t ToInt(const std::string& text) {
  try {
    return std::stoll(text);
  } catch (...) {
    return 0;
  }
}

}  // namespace

int StatusCommand(const CommonOptions& common, bool json) {
  auto loaded = LoadPipeline(common, /*compile_mapping=*/false, /*open_state=*/true);
  if (!loaded) return ReportFailure(loaded.error());
  auto& state = *loaded->state;
  auto values = state.Values();
  auto counters = state.Counters();
  auto dead = state.CountDeadLetters();
  if (!values || !counters || !dead) {
    return ReportFailure(!values ? values.error() : !counters ? counters.error() : dead.error());
  }
  auto value = [&](const std::string& key, const std::string& absent = "") {
    auto it = values->find(key);
    return it == values->end() ? absent : it->second;
  };
  auto counter = [&](const std::string& key) {
    auto it = counters->find(key);
    return it == counters->end() ? int64_t{0} : it->second;
  };
  const int64_t pid = ToInt(value(core::kRunPidKey, "0"));
  const int64_t updated_ms = ToInt(value(core::kRunUpdatedAtKey, "0"));
  const int64_t age_ms = updated_ms > 0 ? NowMs() - updated_ms : -1;
  const bool running = pid > 0 && age_ms >= 0 && age_ms < kStaleMs &&
                       (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);

  nlohmann::json records = nlohmann::json::object();
  for (const char* kind : kKinds) {
    for (const char* outcome : kOutcomes) {
      records[kind][outcome] = counter(std::string("records.") + kind + "." + outcome);
    }
  }
  if (json) {
    nlohmann::json out;
    out["pipeline"] = loaded->config.pipeline;
    out["source"] = loaded->config.source.kind;
    out["running"] = running;
    if (running) out["pid"] = pid;
    if (age_ms >= 0) out["updated_ms_ago"] = age_ms;
    out["position"] = {
        {"received", value("source.received")},
        {"confirmed", value("source.confirmed")},
        {"acknowledged", value("checkpoint.acknowledged")},
        {"lag_bytes", values->count("source.lag_bytes") ? ToInt(value("source.lag_bytes")) : -1},
        {"lag_seconds", ToInt(value("source.lag_seconds", "0"))}};
    out["records"] = records;
    out["rows_dead_lettered"] = counter("rows.dead_lettered");
    out["events_outside_window"] = counter("events.outside_window");
    out["last_error"] = value("last_error");
    out["state"] = *values;
    out["counters"] = *counters;
    out["dead_letters"] = *dead;
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::cout << "pipeline:        " << loaded->config.pipeline << " (" << loaded->config.source.kind << ")\n";
  if (running) {
    std::cout << fmt::format("running:         yes (pid {}, updated {} s ago)\n", pid, age_ms / 1000);
  } else {
    std::cout << "running:         no"
              << (age_ms >= 0 ? fmt::format(" (last update {} s ago)", age_ms / 1000) : "") << "\n";
  }
  std::cout << "source:          received " << value("source.received", "-") << ", confirmed "
            << value("source.confirmed", "-") << "\n";
  std::cout << "lag:             " << value("source.lag_bytes", "?") << " bytes, "
            << value("source.lag_seconds", "?") << " s (at the last update)\n";
  std::cout << "acknowledged:    " << value("checkpoint.acknowledged", "-") << "\n";
  if (ToInt(value("snapshot.rows_estimated", "0")) > 0 || ToInt(value("snapshot.rows_read", "0")) > 0) {
    std::cout << "snapshot:        " << value("snapshot.rows_read", "0") << " rows read of about "
              << value("snapshot.rows_estimated", "0") << "\n";
  }
  std::cout << fmt::format("records:         {:<16}{:>10}{:>10}{:>15}{:>10}\n", "", "accepted", "rejected",
                           "dead_lettered", "skipped");
  for (const char* kind : kKinds) {
    const auto& r = records[kind];
    std::cout << fmt::format("                 {:<16}{:>10}{:>10}{:>15}{:>10}\n", kind,
                             r["accepted"].get<int64_t>(), r["rejected"].get<int64_t>(),
                             r["dead_lettered"].get<int64_t>(), r["skipped"].get<int64_t>());
  }
  std::cout << "reconnects:      " << counter("source.reconnects.connection_lost") << " connection lost, "
            << counter("source.reconnects.connect_failed") << " connect failed\n";
  std::cout << "rows dead-lettered before sending: " << counter("rows.dead_lettered") << "\n";
  std::cout << "dead letters:    " << *dead << " stored (dlq list)\n";
  std::cout << "streamed events outside the automation window (snapshot history not counted): "
            << counter("events.outside_window") << "\n";
  // Source-specific state (postgres.snapshot, mysql.position...).
  for (const auto& [key, v] : *values) {
    bool shown = false;
    for (const char* prefix :
         {"run.", "source.", "snapshot.rows_", "checkpoint.acknowledged", "last_error"}) {
      shown = shown || key.rfind(prefix, 0) == 0;
    }
    if (!shown) std::cout << key << ": " << v << "\n";
  }
  const std::string error = value("last_error");
  std::cout << "last error:      " << (error.empty() ? "-" : error) << "\n";
  return 0;
}

}  // namespace cdc::cli
