// `instasent-cdc validate`: config and mapping, database prerequisites, and
// the destination's credentials. A readable report; exit 0 or 2.
#include <iostream>

#include "core/cli/commands.h"
#include "core/cli/wiring.h"
#include "core/log/log.h"

namespace cdc::cli {

int ValidateCommand(const CommonOptions& common) {
  auto loaded = LoadPipeline(common, /*compile_mapping=*/true, /*open_state=*/false);
  if (!loaded) return ReportFailure(loaded.error());
  const auto& config = loaded->config;
  std::cout << "config " << config.file << ": ok (pipeline " << config.pipeline << ", "
            << loaded->mapping->Tables().size() << " mapped table(s))\n";

  std::vector<std::string> problems;
  if (auto st = CheckSource(config, *loaded->mapping, problems); !st) {
    problems.push_back(core::Redact(st.error().Describe()));
  }
  if (problems.empty()) std::cout << config.source.kind << " source: ok\n";

  // The destination: the sink's start probes credentials and ids.
  core::Metrics metrics;
  AckForwarder no_listener;
  struct NoDeadLetters : core::DeadLetterStore {
    core::Status PutDeadLetter(const core::DeadLetter&) override { return {}; }
  } no_dead_letters;
  auto sinks = MakeSinks(config, no_listener, no_dead_letters, metrics);
  if (!sinks) {
    problems.push_back(sinks.error().Describe());
  } else {
    for (auto& [name, sink] : *sinks) {
      if (auto st = sink->Start(); !st) {
        problems.push_back("sink " + name + ": " + core::Redact(st.error().Describe()));
      } else {
        std::cout << "sink " << name << ": ok\n";
      }
      sink->Stop();
    }
  }

  for (const auto& problem : problems) std::cout << "problem: " << problem << "\n";
  if (!problems.empty()) {
    std::cout << problems.size() << " problem(s) found\n";
    return 2;
  }
  std::cout << "all checks passed\n";
  return 0;
}

}  // namespace cdc::cli
