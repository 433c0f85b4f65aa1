// instasent-cdc: the command line (DESIGN.md "Command line").
#include <CLI/CLI.hpp>
#include <mimalloc.h>

#include <iostream>

#include "core/cli/commands.h"
#include "core/cli/version.h"

int main(int argc, char** argv) {
  using cdc::cli::CommonOptions;
  CLI::App app{"instasent-cdc: keeps an Instasent audience in sync with a PostgreSQL or MySQL database"};
  app.require_subcommand(1);
  // The allocator is named so it is a real dependency the linker keeps.
  const int mi = mi_version();
  app.set_version_flag("--version", std::string("instasent-cdc ") + cdc::cli::kVersion + " (mimalloc " +
                                        std::to_string(mi / 100) + "." + std::to_string(mi / 10 % 10) + "." +
                                        std::to_string(mi % 10) + ")");

  CommonOptions common;
  std::string log_format = "auto";
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("-c,--config", common.config_file, "pipeline configuration (YAML)")->required();
    cmd->add_option("--log-format", log_format, "text | json | auto (text on a terminal)")
        ->check(CLI::IsMember({"auto", "text", "json"}));
    cmd->add_option("--log-level", common.log_level, "trace | debug | info | warn | error");
  };

  double until_idle = -1;
  double drain_timeout = 30;
  auto* run = app.add_subcommand("run", "stream changes to the destination until stopped");
  add_common(run);
  run->add_option("--until-idle", until_idle,
                  "exit 0 once caught up, drained and confirmed for this many seconds");
  run->add_option("--drain-timeout", drain_timeout, "seconds SIGTERM waits for in-flight records")
      ->capture_default_str();
  bool resnapshot = false;
  run->add_flag("--resnapshot", resnapshot,
                "read the initial snapshot again; postgres: may create the slot anew when it is missing "
                "(after a failover or a lost slot)");
  std::string admin_listen;
  run->add_option("--admin-listen", admin_listen,
                  "serve /metrics, /healthz, /readyz on HOST:PORT (PORT alone: 127.0.0.1; 0: any free port, "
                  "logged); overrides admin.listen");

  auto* validate = app.add_subcommand("validate", "check the configuration, the database and the destination");
  add_common(validate);

  bool json = false;
  auto* status = app.add_subcommand("status", "show positions, counters, dead letters and the last error");
  add_common(status);
  status->add_flag("--json", json, "print JSON");

  auto* dlq = app.add_subcommand("dlq", "inspect, replay or drop dead letters");
  dlq->require_subcommand(1);
  size_t limit = 0;
  std::vector<int64_t> ids;
  bool all = false;
  auto* dlq_list = dlq->add_subcommand("list", "one line per dead letter");
  add_common(dlq_list);
  dlq_list->add_flag("--json", json, "JSON lines");
  dlq_list->add_option("--limit", limit, "at most this many");
  auto* dlq_replay = dlq->add_subcommand("replay", "send dead letters again (all, or --id)");
  add_common(dlq_replay);
  dlq_replay->add_option("--id", ids, "dead letter ids");
  auto* dlq_drop = dlq->add_subcommand("drop", "delete dead letters (--id, or --all)");
  add_common(dlq_drop);
  dlq_drop->add_option("--id", ids, "dead letter ids");
  dlq_drop->add_flag("--all", all, "drop every dead letter of the pipeline");

  std::vector<std::string> snapshot_tables;
  auto* snapshot = app.add_subcommand(
      "snapshot", "re-read mapped tables now and send them (backfill, repair); the stream position is untouched");
  add_common(snapshot);
  snapshot->add_option("--table", snapshot_tables, "a mapped table (schema.table, or in the default schema)")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  common.log_format = log_format == "json"   ? cdc::core::LogFormat::kJson
                      : log_format == "text" ? cdc::core::LogFormat::kText
                                             : cdc::core::LogFormat::kAuto;

  if (*run) return cdc::cli::RunCommand(common, until_idle, drain_timeout, resnapshot, admin_listen);
  if (*validate) return cdc::cli::ValidateCommand(common);
  if (*status) return cdc::cli::StatusCommand(common, json);
  if (*snapshot) return cdc::cli::SnapshotCommand(common, snapshot_tables);
  if (*dlq_list) return cdc::cli::DlqListCommand(common, json, limit);
  if (*dlq_replay) return cdc::cli::DlqReplayCommand(common, ids);
  if (*dlq_drop) {
    if (ids.empty() && !all) {
      std::cerr << "error: dlq drop needs --id ID... or --all\n";
      return 2;
    }
    return cdc::cli::DlqDropCommand(common, ids, all);
  }
  return 2;
}
