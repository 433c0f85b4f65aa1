// Fault injection: the run-time adjustable fault settings and the seeded random
// decisions taken for each request. Thread-safe (one mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "core/model/result.h"

namespace cdc::emulator {

enum class ResponseShape { kDocumented, kClient };

struct FaultSettings {
  int64_t latency_ms = 0;
  int64_t latency_jitter_ms = 0;
  double fail_rate = 0;
  double drop_rate = 0;
  int64_t burst_429_every = 0;
  int64_t burst_429_length = 0;
  int64_t rate_limit = 0;  // requests per 60 s window; 0 = unlimited
  int64_t queue_contacts_ms = 0;
  ResponseShape response_shape = ResponseShape::kDocumented;

  nlohmann::json ToJson() const;
  // Returns a copy with the keys of `patch` applied; unknown keys and bad values fail.
  core::Result<FaultSettings> Patched(const nlohmann::json& patch) const;
};

core::Result<ResponseShape> ParseResponseShape(const std::string& name);

// What happens to one ingest request (POST contacts/events, DELETE contact).
enum class FaultKind { kNone, kBurst429, kFail, kDropApplied, kDropUnapplied };

struct FaultDecision {
  FaultKind kind = FaultKind::kNone;
  int status = 0;  // 500/502/503 for kFail
};

class FaultInjector {
 public:
  FaultInjector(FaultSettings settings, uint64_t seed) : settings_(settings), rng_(seed) {}

  FaultSettings Settings() const;
  core::Status Update(const nlohmann::json& patch);
  // Base latency ± jitter, never negative; for every API request.
  std::chrono::milliseconds Latency();
  // Burst 429s first (a fixed cycle of every+length requests), then 5xx, then drops.
  FaultDecision DecideIngest();
  void ResetCounters();

 private:
  mutable std::mutex mu_;
  FaultSettings settings_;
  std::mt19937_64 rng_;
  uint64_t ingest_count_ = 0;
};

}  // namespace cdc::emulator
