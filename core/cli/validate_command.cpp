// `instasent-cdc validate`: the config and mapping, the database (prerequisites,
// every mapped table and column with its type) and each destination (its
// credentials and, for Instasent, the datasource's attribute, event-type and
// parameter specs). Problems are located at their config line; exit 0 or 2.
#include <iostream>
#include <optional>
#include <set>

#include "config/mapping_outline.h"
#include "core/cli/commands.h"
#include "core/cli/live_tables.h"
#include "core/cli/validate_columns.h"
#include "core/cli/validate_specs.h"
#include "core/cli/wiring.h"
#include "core/log/log.h"
#include "sink/instasent/datasource_specs.h"

namespace cdc::cli {

namespace {

// The database: located table/column problems first, then the source's own
// prerequisite checks over what exists. Returns the live tables when read.
std::optional<LiveTables> CheckDatabase(const config::PipelineConfig& config, const core::Mapping& mapping,
                                        const std::vector<config::EntryOutline>& outline,
                                        Findings& findings) {
  const auto needs = mapping.Tables();
  std::vector<std::string> names;
  for (const auto& n : needs) names.push_back(n.table);
  auto live = DescribeLiveTables(config, names);
  if (!live) {
    findings.Problem("", config.source.kind + " source: " + core::Redact(live.error().Describe()));
    return std::nullopt;
  }
  const size_t before = findings.problems.size();
  CheckMappedColumns(outline, *live, findings);
  std::vector<std::string> problems, warnings;
  if (auto st = CheckSource(config, PresentNeeds(needs, *live), problems, &warnings); !st) {
    problems.push_back(core::Redact(st.error().Describe()));
  }
  for (auto& p : problems) findings.Problem("", config.source.kind + " source: " + p);
  for (auto& w : warnings) findings.Warning("", config.source.kind + " source: " + w);
  if (findings.problems.size() == before) std::cout << config.source.kind << " source: ok\n";
  return std::move(*live);
}

void CheckInstasentSink(const config::SinkConfig& sc, const std::vector<config::EntryOutline>& outline,
                        const LiveTables* live, Findings& findings) {
  std::set<std::string> types;
  for (const auto& e : outline) {
    if (e.sink != sc.name || e.contact) continue;
    for (const auto& f : e.fields) {
      if (f.role == config::FieldRole::kEventType && f.constant) types.insert(f.text);
    }
  }
  sink::SpecsRequest request{sc.name,  sc.url,     sc.project,    sc.datasource,
                             sc.token, sc.ca_file, sc.timeout_ms, sc.token_type == "product"};
  auto fetched = sink::FetchDatasourceSpecs(request, {types.begin(), types.end()});
  if (!fetched) {
    findings.Problem("", core::Redact(fetched.error().Describe()));
    return;
  }
  const auto& specs = fetched->specs;
  std::cout << "sink " << sc.name << ": ok (project " << sc.project << ", datasource " << sc.datasource;
  if (specs.attributes_known) std::cout << "; " << specs.attributes.size() << " attribute(s)";
  if (specs.events_known) std::cout << ", " << specs.events.size() << " event type(s)";
  std::cout << ")\n";
  if (!fetched->unavailable.empty()) {
    findings.Warning("", "sink " + sc.name + ": the datasource specs could not be read (" +
                             core::Redact(fetched->unavailable) +
                             "); mapped names are checked only as far as read");
  }
  CheckAgainstSpecs(outline, sc.name, sc.datasource, specs, live, findings);
}

}  // namespace

int ValidateCommand(const CommonOptions& common) {
  auto loaded = LoadPipeline(common, /*compile_mapping=*/true, /*open_state=*/false);
  if (!loaded) return ReportFailure(loaded.error());
  const auto& config = loaded->config;
  auto outline = config::OutlineMapping(config, config::MappingContextFor(config));
  if (!outline) return ReportFailure(outline.error());
  std::cout << "config " << config.file << ": ok (pipeline " << config.pipeline << ", "
            << loaded->mapping->Tables().size() << " mapped table(s))\n";

  Findings findings;
  const auto live = CheckDatabase(config, *loaded->mapping, *outline, findings);

  // Destinations: Instasent sinks are probed and their specs read; others start and stop.
  core::Metrics metrics;
  AckForwarder no_listener;
  struct NoDeadLetters : core::DeadLetterStore {
    core::Status PutDeadLetter(const core::DeadLetter&) override { return {}; }
  } no_dead_letters;
  auto sinks = MakeSinks(config, no_listener, no_dead_letters, metrics);
  if (!sinks) {
    findings.Problem("", sinks.error().Describe());
  } else {
    for (size_t i = 0; i < config.sinks.size() && i < sinks->size(); ++i) {
      const config::SinkConfig& sc = config.sinks[i];
      if (sc.kind == "instasent") {
        CheckInstasentSink(sc, *outline, live ? &*live : nullptr, findings);
        continue;
      }
      auto& sink = (*sinks)[i].second;
      if (auto st = sink->Start(); !st) {
        findings.Problem("", "sink " + sc.name + ": " + core::Redact(st.error().Describe()));
      } else {
        std::cout << "sink " << sc.name << ": ok\n";
      }
      sink->Stop();
    }
  }

  findings.SortByPlace(config.file);
  for (const auto& warning : findings.warnings) std::cout << "warning: " << warning << "\n";
  for (const auto& problem : findings.problems) std::cout << "problem: " << problem << "\n";
  if (!findings.problems.empty()) {
    std::cout << findings.problems.size() << " problem(s) found\n";
    return 2;
  }
  std::cout << "all checks passed\n";
  return 0;
}

}  // namespace cdc::cli
