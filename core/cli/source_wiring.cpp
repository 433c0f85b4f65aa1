// Builds the configured source and runs its read-only checks for `validate`.
#include "connectors/mysql/mysql_checks.h"
#include "connectors/mysql/mysql_connection.h"
#include "connectors/mysql/mysql_source.h"
#include "connectors/postgres/postgres_checks.h"
#include "connectors/postgres/postgres_source.h"
#include "core/cli/wiring.h"

namespace cdc::cli {

std::unique_ptr<core::Source> MakeSource(const config::PipelineConfig& config, const core::Mapping& mapping,
                                         core::StateStore& state, core::Metrics& metrics) {
  const auto& sc = config.source;
  if (sc.kind == "mysql") {
    mysql::MysqlSourceOptions options;
    options.pipeline = config.pipeline;
    options.dsn = sc.dsn;
    options.server_id = sc.server_id;
    mysql::ParseSnapshotMode(sc.snapshot, options.snapshot);  // validated by the config loader
    options.tables = mapping.Tables();
    return mysql::MakeMysqlSource(options, state, metrics);
  }
  pg::PostgresSourceOptions options;
  options.pipeline = config.pipeline;
  options.dsn = sc.dsn;
  options.slot = sc.slot;
  options.publication = sc.publication;
  pg::ParseSnapshotMode(sc.snapshot, options.snapshot);
  options.tables = mapping.Tables();
  options.resnapshot = sc.resnapshot;
  options.heartbeat.interval_ms = sc.heartbeat_interval_ms;
  options.heartbeat.table = sc.heartbeat_mode == "table" ? sc.heartbeat_table : "";
  return pg::MakePostgresSource(options, state, metrics);
}

core::Status CheckSource(const config::PipelineConfig& config,
                         const std::vector<core::Mapping::TableNeeds>& needs,
                         std::vector<std::string>& problems, std::vector<std::string>* warnings) {
  const auto& sc = config.source;
  if (sc.kind == "mysql") {
    auto dsn = mysql::MysqlDsn::Parse(sc.dsn);
    if (!dsn) return core::Fail(dsn.error());
    auto conn = mysql::MysqlConnection::Connect(*dsn);
    if (!conn) return core::Fail(conn.error());
    mysql::CheckOptions options;
    options.server_id = sc.server_id;
    options.replica_name = mysql::ReplicaName(config.pipeline);
    options.tables = needs;
    options.default_database = config::MappingContextFor(config).default_schema;
    options.needs_snapshot = sc.snapshot != "never";
    auto report = mysql::RunChecks(**conn, options);
    if (report && warnings != nullptr)
      warnings->insert(warnings->end(), report->warnings.begin(), report->warnings.end());
    if (!report) {
      // One kConfig error lists every problem as "\n  - ..." lines.
      const std::string& message = report.error().message;
      size_t at = message.find("\n  - ");
      if (at == std::string::npos) problems.push_back(message);
      while (at != std::string::npos) {
        const size_t next = message.find("\n  - ", at + 5);
        problems.push_back(
            message.substr(at + 5, next == std::string::npos ? std::string::npos : next - at - 5));
        at = next;
      }
    }
    return {};
  }
  auto found = pg::ValidatePostgres(sc.dsn, sc.publication, needs);
  if (!found) return core::Fail(found.error());
  problems.insert(problems.end(), found->begin(), found->end());
  return {};
}

}  // namespace cdc::cli
