// Metrics: named counters and gauges with fixed label sets, rendered in the
// Prometheus text format. Look a series up once (the lookup locks) and keep
// the reference: increments are lock-free atomics and the series live as
// long as the registry.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cdc::core {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Series {
 public:
  void Add(double d = 1) {
    double cur = value_.load(std::memory_order_relaxed);
    while (!value_.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
    }
  }
  void Set(double d) { value_.store(d, std::memory_order_relaxed); }
  double Get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Metrics {
 public:
  enum class Type { kCounter, kGauge };

  // Counter names end in "_total" by convention (Prometheus naming).
  Series& Counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Series& Gauge(const std::string& name, const std::string& help, const Labels& labels = {});

  // Sum of every series of `name` whose labels include all of `match`.
  double Sum(const std::string& name, const Labels& match = {}) const;

  // The value of the series with exactly these labels, if it was ever registered.
  std::optional<double> Find(const std::string& name, const Labels& labels = {}) const;

  // Text exposition format 0.0.4: families sorted by name, HELP and TYPE each.
  std::string RenderPrometheus() const;

 private:
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, std::pair<Labels, std::unique_ptr<Series>>> series;  // key: rendered labels
  };
  Series& Get(Type type, const std::string& name, const std::string& help, const Labels& labels);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

}  // namespace cdc::core
