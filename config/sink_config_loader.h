// The `sink:` (one) or `sinks:` (a named list) part of the config file: every
// key, type and range checked, tokens read from `token:` or `token_file:`, and
// relative paths resolved against the config file's directory.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"
#include "core/model/result.h"

namespace cdc::config {

core::Status LoadSinkConfigs(const YamlReader& reader, const YAML::Node& root, const std::string& dir,
                             std::vector<SinkConfig>& sinks);

}  // namespace cdc::config
