// The instasent-cdc commands. Each returns the process exit code:
// 0 done, 1 runtime failure, 2 usage or configuration error.
#pragma once

#include <string>
#include <vector>

#include "core/log/log.h"

namespace cdc::cli {

struct CommonOptions {
  std::string config_file;
  core::LogFormat log_format = core::LogFormat::kAuto;
  std::string log_level;  // empty: the config's
};

int RunCommand(const CommonOptions& common, double until_idle_seconds, double drain_timeout_seconds,
               bool resnapshot = false);
int ValidateCommand(const CommonOptions& common);
int StatusCommand(const CommonOptions& common, bool json);
int DlqListCommand(const CommonOptions& common, bool json, size_t limit);
int DlqReplayCommand(const CommonOptions& common, const std::vector<int64_t>& ids);
int DlqDropCommand(const CommonOptions& common, const std::vector<int64_t>& ids, bool all);
// Re-reads the named mapped tables ("schema.table" or in the default schema)
// and sends them as op `snapshot`; never moves the stream's position.
int SnapshotCommand(const CommonOptions& common, const std::vector<std::string>& tables);

}  // namespace cdc::cli
