// PipelineConfig: the parsed YAML file of one pipeline (DESIGN.md
// "Configuration"), before mappings are compiled. LoadConfig reports every
// problem as kConfig with "file:line:column: message".
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/model/result.h"
#include "core/pipeline/mapping.h"

namespace cdc::core {
class Metrics;
}  // namespace cdc::core

namespace cdc::config {

struct SourceConfig {
  std::string kind;          // "postgres" | "mysql"
  std::string dsn;           // libpq conninfo/URI, or mysql://user:pass@host:port/db[?socket=...]
  std::string slot;          // postgres; default "instasent_<pipeline>"
  std::string publication;   // postgres; default "instasent_<pipeline>"
  uint32_t server_id = 0;    // mysql; default 5701
  std::string snapshot = "initial";  // initial | never | initial_only
  // postgres `heartbeat:` keeps the slot of a quiet database moving and rechecks
  // the publication and the server clock; 0 = off.
  int64_t heartbeat_interval_ms = 30000;
  std::string heartbeat_mode = "message";  // message | table
  std::string heartbeat_table;             // mode table: "schema.table" with a beat_at column
  // `lag_warning:` thresholds for the lag warning; 0 = no warning.
  int64_t lag_warning_bytes = int64_t{1} << 30;
  int64_t lag_warning_seconds = 300;
  // Not YAML: `run --resnapshot` (take a new snapshot; a missing slot may be created anew).
  bool resnapshot = false;
  int line = 0;              // where `source:` starts, for messages
};

struct SinkConfig {
  std::string name = "default";     // mappings route to it with `sink: NAME`
  std::string kind = "instasent";   // instasent | encharge | jsonl
  std::string url;                  // instasent: API base, e.g. https://api.instasent.com;
                                    // encharge: the Ingest endpoint (default https://ingest.encharge.io/v1/)
  std::string project;
  std::string datasource;
  std::string token;                // from `token:` (usually ${ENV}) or `token_file:`
  std::string token_type = "datasource";  // instasent: datasource | product (Product API token)
  std::string path;                 // jsonl: output file ("-" = stdout)
  int batch_size = 100;             // 1..100
  int linger_ms = 200;
  int max_in_flight = 4;
  std::string contact_sync = "auto";  // auto | always | never  (?_sync on contact batches)
  std::string ca_file;              // extra CA bundle for HTTPS
  // HTTPS without certificate/host verification: only with an explicit
  // `insecure_skip_verify: true`, and the sink warns at every start.
  bool insecure_skip_verify = false;
  int timeout_ms = 30000;           // per request
  std::string delete_event;         // encharge: event name sent for a contact delete; empty = skip it
  int line = 0;
};

struct PipelineConfig {
  std::string file;                 // the config file as given
  std::string dir;                  // its directory: relative paths resolve here
  std::string pipeline;
  SourceConfig source;
  std::vector<SinkConfig> sinks;    // `sink:` (one) or `sinks:` (a list); sinks[0] is the default
  std::string state_path;           // resolved against dir; default ./state/<pipeline>.db
  std::string admin_listen;         // "127.0.0.1:0" style; empty = off
  std::string log_level = "info";
  // The raw mapping entries are compiled by CompileMapping (mapping_compiler.h).
  struct Raw;
  std::shared_ptr<const Raw> raw;   // the YAML tree, kept for the compiler
};

// Reads, expands ${ENV} (a missing variable is an error naming it and its
// line) and checks structure and types.
core::Result<PipelineConfig> LoadConfig(const std::string& path);

// Options the mapping compiler needs from outside the file.
struct MappingContext {
  std::string default_schema;       // "public" for postgres, the DSN database for mysql
  core::SourceKind source = core::SourceKind::kPostgres;
  // Optional: counts NaN/Infinity floats sent as null
  // (instasent_cdc_mapping_nonfinite_values_total{pipeline}).
  core::Metrics* metrics = nullptr;
};

// The context a pipeline's own source implies: postgres → schema "public";
// mysql → the database named in the DSN path (empty when it names none).
MappingContext MappingContextFor(const PipelineConfig& config);

// Compiles `mappings:`; errors name file:line:column.
core::Result<std::unique_ptr<core::Mapping>> CompileMapping(const PipelineConfig& config,
                                                            const MappingContext& context);

}  // namespace cdc::config
