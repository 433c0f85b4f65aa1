// PipelineConfig::Raw: the parsed YAML tree and its reader, kept by LoadConfig
// so CompileMapping can read `mappings:` with the same locations and ${ENV}
// rules. Immutable once loaded; shared by copies of the PipelineConfig.
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace cdc::config {

struct PipelineConfig::Raw {
  YamlReader reader;
  YAML::Node root;
  YAML::Node mappings;  // the `mappings:` list (checked to be a non-empty list)
};

}  // namespace cdc::config
