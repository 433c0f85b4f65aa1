// The YAML loader behind LoadConfig (config.h): checks every key, type and
// range of the file's top level, source and sinks, expands ${ENV} and resolves
// paths against the file's directory. `mappings:` is only checked to be a
// list here; CompileMapping reads it.
#pragma once

#include <string>

#include "config/config.h"
#include "core/model/result.h"

namespace cdc::config {

// Parses `text` as if read from `file` (used for messages and relative paths).
core::Result<PipelineConfig> ParseConfig(const std::string& file, const std::string& text);

// Resolves `path` against the config file's directory unless it is absolute.
std::string ResolvePath(const std::string& dir, const std::string& path);

}  // namespace cdc::config
