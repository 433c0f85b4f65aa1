// Wiring: the one place that names concrete parts. Loads a pipeline's config,
// compiles its mapping, opens its state, and builds its source and sinks.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/cli/commands.h"
#include "core/metrics/metrics.h"
#include "core/model/result.h"
#include "core/pipeline/mapping.h"
#include "core/pipeline/sink.h"
#include "core/pipeline/source.h"
#include "core/state/state_store.h"

namespace cdc::cli {

struct LoadedPipeline {
  config::PipelineConfig config;
  std::unique_ptr<core::Mapping> mapping;
  std::unique_ptr<core::StateStore> state;
  std::unique_ptr<core::Metrics> metrics = std::make_unique<core::Metrics>();  // the mapping counts into it
};

// Loads the config (secrets registered for redaction, logging set up),
// compiles the mapping, and opens the state store when asked.
core::Result<LoadedPipeline> LoadPipeline(const CommonOptions& common, bool compile_mapping, bool open_state);

std::unique_ptr<core::Source> MakeSource(const config::PipelineConfig& config, const core::Mapping& mapping,
                                         core::StateStore& state, core::Metrics& metrics);

// Runs the database prerequisite checks `validate` reports (read-only) for
// the tables and columns in `needs`; appends one readable line per problem
// (and per tolerable setting to `warnings`, when given).
core::Status CheckSource(const config::PipelineConfig& config,
                         const std::vector<core::Mapping::TableNeeds>& needs,
                         std::vector<std::string>& problems, std::vector<std::string>* warnings = nullptr);

using NamedSinks = std::vector<std::pair<std::string, std::unique_ptr<core::Sink>>>;
core::Result<NamedSinks> MakeSinks(const config::PipelineConfig& config, core::AckListener& listener,
                                   core::DeadLetterStore& dead_letters, core::Metrics& metrics);

// Prints "error: ..." (redacted) and returns the exit code for the error's kind.
int ReportFailure(const core::Error& error);

// An AckListener that forwards to a target set later (sinks are built before
// the pipeline that listens to them).
class AckForwarder : public core::AckListener {
 public:
  void set_target(core::AckListener* target) { target_ = target; }
  void OnDone(uint64_t ticket) override {
    if (target_) target_->OnDone(ticket);
  }

 private:
  core::AckListener* target_ = nullptr;
};

}  // namespace cdc::cli
