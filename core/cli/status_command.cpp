// `instasent-cdc status`: what the state store knows, running or not.
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/cli/commands.h"
#include "core/cli/wiring.h"

namespace cdc::cli {

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
  if (json) {
    nlohmann::json out;
    out["pipeline"] = loaded->config.pipeline;
    out["source"] = loaded->config.source.kind;
    out["state"] = *values;
    out["counters"] = *counters;
    out["dead_letters"] = *dead;
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::cout << "pipeline:      " << loaded->config.pipeline << " (" << loaded->config.source.kind << ")\n";
  auto value = [&](const std::string& key) {
    auto it = values->find(key);
    return it == values->end() ? std::string("-") : it->second;
  };
  std::cout << "acknowledged:  " << value("checkpoint.acknowledged") << "\n";
  for (const auto& [key, v] : *values) {
    if (key == "checkpoint.acknowledged" || key.rfind("last_error", 0) == 0) continue;
    std::cout << key << ": " << v << "\n";
  }
  std::cout << "dead letters:  " << *dead << "\n";
  for (const auto& [name, count] : *counters) std::cout << name << ": " << count << "\n";
  std::cout << "last error:    " << value("last_error") << "\n";
  return 0;
}

}  // namespace cdc::cli
