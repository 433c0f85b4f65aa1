// YamlReader: typed, checked access to the scalars of one parsed YAML file,
// with every error located as "file:line:column: message" (1-based). Scalars
// are read through ExpandEnv; messages never quote a scalar's value, so a
// secret that landed in the wrong key is not echoed.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/result.h"

namespace cdc::config {

class YamlReader {
 public:
  static constexpr size_t kNoOffset = static_cast<size_t>(-1);

  // `text` is the file's content, kept to locate characters inside scalars.
  YamlReader(std::string file, const std::string& text);

  const std::string& file() const { return file_; }

  // "file:line:column" of a node; with `offset`, of that character inside the
  // node's scalar when it can be located exactly (a one-line scalar). The
  // offset counts in the expanded text unless `raw_offset` (then in the text
  // as written); expanded offsets fall back to the scalar's start when ${ENV}
  // changed the text.
  std::string Where(const YAML::Node& node, size_t offset = kNoOffset, bool raw_offset = false) const;
  std::string Where(const YAML::Mark& mark) const;
  core::Error ErrorAt(const YAML::Node& node, const std::string& message, size_t offset = kNoOffset,
                      bool raw_offset = false) const;

  // A scalar with ${ENV} expanded; `key` names it in messages.
  core::Result<std::string> Scalar(const YAML::Node& node, std::string_view key) const;
  core::Result<int64_t> Integer(const YAML::Node& node, std::string_view key, int64_t min, int64_t max) const;
  core::Result<bool> Boolean(const YAML::Node& node, std::string_view key) const;
  core::Result<std::string> OneOf(const YAML::Node& node, std::string_view key,
                                  std::initializer_list<std::string_view> allowed) const;
  core::Result<std::vector<std::string>> StringList(const YAML::Node& node, std::string_view key) const;

  // `key` must be in `map` with a value; `what` names the map in the message.
  core::Status Require(const YAML::Node& map, const char* key, std::string_view what) const;
  // 1-based line of `key` inside `map` (the key itself, not its value); 0 if absent.
  static int KeyLine(const YAML::Node& map, const std::string& key);

  // `node` must be a map whose keys are all in `allowed`, none repeated.
  core::Status CheckMap(const YAML::Node& node, std::string_view what,
                        std::initializer_list<std::string_view> allowed) const;
  core::Status CheckMap(const YAML::Node& node, std::string_view what,
                        const std::vector<std::string_view>& allowed) const;

 private:
  std::string file_;
  std::vector<std::string> lines_;
};

// Names the config gives things (pipeline, slot, sink): one or more of [a-z0-9_].
bool IsLowerWord(std::string_view s);

}  // namespace cdc::config
