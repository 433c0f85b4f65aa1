// Heartbeat: the periodic work beside the replication stream, on a normal
// connection: write a little WAL in the mapped database (so a quiet database
// on a busy server never leaves its slot pinning WAL), recheck that the
// publication still covers every mapped table (a table dropped from it is
// never streamed again: stop), and compare the server clock with ours.
// Reader thread only. A lost connection is retried at the next beat.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "connectors/postgres/slot_admin.h"
#include "core/model/result.h"
#include "core/pipeline/clock_skew_check.h"
#include "core/pipeline/mapping.h"

namespace cdc::pg {

struct HeartbeatOptions {
  int64_t interval_ms = 30000;  // 0 = no beats (the checks still run every 30 s)
  std::string table;            // empty: pg_logical_emit_message; else UPDATE table SET beat_at = now()
};

class Heartbeat {
 public:
  Heartbeat(std::string dsn, HeartbeatOptions options, std::string publication,
            std::vector<core::Mapping::TableNeeds> tables, std::shared_ptr<spdlog::logger> log);

  // Runs the due work. Errors only for what must stop the pipeline: the
  // publication lost a mapped table (kConfig). Everything else is logged.
  core::Status Tick();
  // Makes the next Tick run at once (a new stream: check the clock on connect).
  void Reset() { next_ = {}; }

 private:
  core::Status Beat();

  const std::string dsn_;
  const HeartbeatOptions options_;
  const std::string publication_;
  const std::vector<core::Mapping::TableNeeds> tables_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<SlotAdmin> admin_;
  core::ClockSkewCheck clock_;
  std::chrono::steady_clock::time_point next_{};
  bool beat_warned_ = false;
};

}  // namespace cdc::pg
