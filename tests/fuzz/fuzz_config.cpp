// YAML pipeline loader + mapping compiler over one file's text.
#include <string>

#include "config/config.h"
#include "config/yaml_loader.h"
#include "tests/fuzz/fuzz_inputs.h"

namespace cdc::fuzz {

void FuzzConfig(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // ParseConfig reads text directly: no temporary file. Paths in the input
  // resolve against a directory that never exists, and nothing is opened
  // (token_file reads fail cleanly).
  auto config = config::ParseConfig("/nonexistent-fuzz/pipeline.yaml", text);
  if (!config) return;
  (void)config::CompileMapping(*config, config::MappingContextFor(*config));
}

}  // namespace cdc::fuzz
