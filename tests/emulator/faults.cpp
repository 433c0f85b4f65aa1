#include "tests/emulator/faults.h"

#include <map>

namespace cdc::emulator {

using nlohmann::json;

core::Result<ResponseShape> ParseResponseShape(const std::string& name) {
  if (name == "documented") return ResponseShape::kDocumented;
  if (name == "client") return ResponseShape::kClient;
  return core::Fail(core::Error::Config("response_shape must be documented or client"));
}

json FaultSettings::ToJson() const {
  return {{"latency_ms", latency_ms},
          {"latency_jitter_ms", latency_jitter_ms},
          {"fail_rate", fail_rate},
          {"drop_rate", drop_rate},
          {"burst_429_every", burst_429_every},
          {"burst_429_length", burst_429_length},
          {"rate_limit", rate_limit},
          {"queue_contacts_ms", queue_contacts_ms},
          {"response_shape", response_shape == ResponseShape::kClient ? "client" : "documented"}};
}

core::Result<FaultSettings> FaultSettings::Patched(const json& patch) const {
  // One table of the numeric settings, so the names cannot drift from ToJson().
  static const std::map<std::string, int64_t FaultSettings::*> kCounts = {
      {"latency_ms", &FaultSettings::latency_ms},
      {"latency_jitter_ms", &FaultSettings::latency_jitter_ms},
      {"burst_429_every", &FaultSettings::burst_429_every},
      {"burst_429_length", &FaultSettings::burst_429_length},
      {"rate_limit", &FaultSettings::rate_limit},
      {"queue_contacts_ms", &FaultSettings::queue_contacts_ms}};
  static const std::map<std::string, double FaultSettings::*> kRates = {
      {"fail_rate", &FaultSettings::fail_rate}, {"drop_rate", &FaultSettings::drop_rate}};
  if (!patch.is_object()) return core::Fail(core::Error::Config("faults must be a JSON object"));
  FaultSettings out = *this;
  for (const auto& [key, value] : patch.items()) {
    if (auto c = kCounts.find(key); c != kCounts.end()) {
      if (!value.is_number_integer() || value.get<int64_t>() < 0) {
        return core::Fail(core::Error::Config(key + " must be a non-negative integer"));
      }
      out.*(c->second) = value.get<int64_t>();
    } else if (auto r = kRates.find(key); r != kRates.end()) {
      if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1) {
        return core::Fail(core::Error::Config(key + " must be a number in [0, 1]"));
      }
      out.*(r->second) = value.get<double>();
    } else if (key == "response_shape") {
      if (!value.is_string()) {
        return core::Fail(core::Error::Config("response_shape must be a string"));
      }
      auto shape = ParseResponseShape(value.get<std::string>());
      if (!shape) return core::Fail(shape.error());
      out.response_shape = *shape;
    } else {
      return core::Fail(core::Error::Config("unknown fault setting " + key));
    }
  }
  return out;
}

FaultSettings FaultInjector::Settings() const {
  std::lock_guard lock(mu_);
  return settings_;
}

core::Status FaultInjector::Update(const json& patch) {
  std::lock_guard lock(mu_);
  auto next = settings_.Patched(patch);
  if (!next) return core::Fail(next.error());
  settings_ = *next;
  return {};
}

std::chrono::milliseconds FaultInjector::Latency() {
  std::lock_guard lock(mu_);
  int64_t ms = settings_.latency_ms;
  if (settings_.latency_jitter_ms > 0) {
    std::uniform_int_distribution<int64_t> jitter(-settings_.latency_jitter_ms,
                                                  settings_.latency_jitter_ms);
    ms += jitter(rng_);
  }
  return std::chrono::milliseconds(ms < 0 ? 0 : ms);
}

FaultDecision FaultInjector::DecideIngest() {
  std::lock_guard lock(mu_);
  const uint64_t n = ingest_count_++;
  const auto every = static_cast<uint64_t>(settings_.burst_429_every);
  const auto length = static_cast<uint64_t>(settings_.burst_429_length);
  if (every > 0 && length > 0 && n % (every + length) >= every) {
    return {FaultKind::kBurst429, 429};
  }
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  if (settings_.fail_rate > 0 && unit(rng_) < settings_.fail_rate) {
    static constexpr int kStatuses[] = {500, 502, 503};
    std::uniform_int_distribution<int> pick(0, 2);
    return {FaultKind::kFail, kStatuses[pick(rng_)]};
  }
  if (settings_.drop_rate > 0 && unit(rng_) < settings_.drop_rate) {
    std::bernoulli_distribution applied(0.5);
    return {applied(rng_) ? FaultKind::kDropApplied : FaultKind::kDropUnapplied, 0};
  }
  return {};
}

void FaultInjector::ResetCounters() {
  std::lock_guard lock(mu_);
  ingest_count_ = 0;
}

}  // namespace cdc::emulator
