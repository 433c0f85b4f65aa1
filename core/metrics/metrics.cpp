#include "core/metrics/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace cdc::core {

namespace {

std::string RenderLabels(const Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += labels[i].first + "=\"";
    for (char c : labels[i].second) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// Go's ParseFloat spellings, which Prometheus reads: NaN, +Inf, -Inf.
std::string FormatNumber(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, end);
}

std::string EscapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

}  // namespace

Series& Metrics::Get(Type type, const std::string& name, const std::string& help,
                     const Labels& labels) {
  std::lock_guard lock(mu_);
  Family& family = families_[name];
  if (family.series.empty()) {
    family.type = type;
    family.help = help;
  }
  auto& slot = family.series[RenderLabels(labels)];
  if (!slot.second) slot = {labels, std::make_unique<Series>()};
  return *slot.second;
}

Series& Metrics::Counter(const std::string& name, const std::string& help, const Labels& labels) {
  return Get(Type::kCounter, name, help, labels);
}

Series& Metrics::Gauge(const std::string& name, const std::string& help, const Labels& labels) {
  return Get(Type::kGauge, name, help, labels);
}

double Metrics::Sum(const std::string& name, const Labels& match) const {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  double total = 0;
  for (const auto& [key, entry] : it->second.series) {
    const Labels& have = entry.first;
    bool all = std::all_of(match.begin(), match.end(), [&](const auto& want) {
      return std::find(have.begin(), have.end(), want) != have.end();
    });
    if (all) total += entry.second->Get();
  }
  return total;
}

std::optional<double> Metrics::Find(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  auto family = families_.find(name);
  if (family == families_.end()) return std::nullopt;
  auto it = family->second.series.find(RenderLabels(labels));
  if (it == family->second.series.end()) return std::nullopt;
  return it->second.second->Get();
}

std::string Metrics::RenderPrometheus() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + EscapeHelp(family.help) + "\n";
    out += "# TYPE " + name + (family.type == Type::kCounter ? " counter\n" : " gauge\n");
    for (const auto& [labels, entry] : family.series) {
      out += name + labels + " " + FormatNumber(entry.second->Get()) + "\n";
    }
  }
  return out;
}

}  // namespace cdc::core
