#include "core/cli/wiring.h"

#include <iostream>

#include "core/log/log.h"
#include "sink/encharge/encharge_sink.h"
#include "sink/instasent/instasent_sink.h"
#include "sink/jsonl/jsonl_sink.h"

namespace cdc::cli {

namespace {

void RegisterSecrets(const config::PipelineConfig& config) {
  for (const auto& sink : config.sinks) core::RegisterSecret(sink.token);
  // A password inside the DSN (conninfo "password=..." or a URI "user:pass@").
  const std::string& dsn = config.source.dsn;
  if (auto at = dsn.find("password="); at != std::string::npos) {
    auto start = at + 9;
    auto end = dsn.find_first_of(" \t", start);
    std::string value = dsn.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (value.size() >= 2 && value.front() == '\'') value = value.substr(1, value.size() - 2);
    core::RegisterSecret(value);
  }
  if (auto scheme = dsn.find("://"); scheme != std::string::npos) {
    auto at = dsn.find('@', scheme);
    auto colon = dsn.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      core::RegisterSecret(dsn.substr(colon + 1, at - colon - 1));
    }
  }
}

}  // namespace

int ReportFailure(const core::Error& error) {
  std::cerr << "error: " << core::Redact(error.Describe()) << "\n";
  return error.kind == core::ErrorKind::kConfig ? 2 : 1;
}



core::Result<LoadedPipeline> LoadPipeline(const CommonOptions& common, bool compile_mapping, bool open_state) {
  core::InitLogging(common.log_format, common.log_level.empty() ? "info" : common.log_level);
  LoadedPipeline loaded;
  auto config = config::LoadConfig(common.config_file);
  if (!config) return core::Fail(config.error());
  loaded.config = std::move(*config);
  RegisterSecrets(loaded.config);
  if (common.log_level.empty()) core::InitLogging(common.log_format, loaded.config.log_level);

  if (compile_mapping) {
    auto context = config::MappingContextFor(loaded.config);
    context.metrics = loaded.metrics.get();
    auto mapping = config::CompileMapping(loaded.config, context);
    if (!mapping) return core::Fail(mapping.error());
    loaded.mapping = std::move(*mapping);
  }
  if (open_state) {
    auto state = core::StateStore::Open(loaded.config.state_path, loaded.config.pipeline);
    if (!state) return core::Fail(state.error());
    loaded.state = std::move(*state);
  }
  return loaded;
}

core::Result<NamedSinks> MakeSinks(const config::PipelineConfig& config, core::AckListener& listener,
                                   core::DeadLetterStore& dead_letters, core::Metrics& metrics) {
  NamedSinks sinks;
  for (const auto& sc : config.sinks) {
    if (sc.kind == "jsonl") {
      sink::JsonlSinkOptions options;
      options.name = sc.name;
      options.path = sc.path;
      sinks.emplace_back(sc.name, sink::MakeJsonlSink(options, listener, metrics));
      continue;
    }
    if (sc.kind == "encharge") {
      sink::EnchargeSinkOptions options;
      options.name = sc.name;
      options.pipeline = config.pipeline;
      options.url = sc.url;
      options.token = sc.token;
      options.ca_file = sc.ca_file;
      options.delete_event = sc.delete_event;
      options.max_in_flight = sc.max_in_flight;
      options.timeout_ms = sc.timeout_ms;
      sinks.emplace_back(sc.name, sink::MakeEnchargeSink(options, listener, dead_letters, metrics));
      continue;
    }
    sink::InstasentSinkOptions options;
    options.name = sc.name;
    options.pipeline = config.pipeline;
    options.url = sc.url;
    options.project = sc.project;
    options.datasource = sc.datasource;
    options.token = sc.token;
    options.product_token = sc.token_type == "product";
    options.ca_file = sc.ca_file;
    options.insecure_skip_verify = sc.insecure_skip_verify;
    options.batch_size = sc.batch_size;
    options.linger_ms = sc.linger_ms;
    options.max_in_flight = sc.max_in_flight;
    options.timeout_ms = sc.timeout_ms;
    auto sync = sink::ParseContactSync(sc.contact_sync);
    if (!sync) return core::Fail(sync.error());
    options.contact_sync = *sync;
    sinks.emplace_back(sc.name, sink::MakeInstasentSink(options, listener, dead_letters, metrics));
  }
  return sinks;
}

}  // namespace cdc::cli
