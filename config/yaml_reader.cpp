#include "config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "config/env_expander.h"

namespace cdc::config {
namespace {

const char* NodeTypeName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "?";
}

std::string JoinKeys(const std::vector<std::string_view>& keys) {
  std::string out;
  for (const auto& k : keys) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

}  // namespace

YamlReader::YamlReader(std::string file, const std::string& text) : file_(std::move(file)) {
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines_.push_back(text.substr(start));
      break;
    }
    lines_.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::string YamlReader::Where(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0) return file_;
  return file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string YamlReader::Where(const YAML::Node& node, size_t offset, bool raw_offset) const {
  const YAML::Mark mark = node.Mark();
  if (offset == kNoOffset || mark.is_null() || mark.line < 0 || !node.IsScalar() ||
      static_cast<size_t>(mark.line) >= lines_.size()) {
    return Where(mark);
  }
  const std::string& scalar = node.Scalar();
  // Only plain or quoted one-line scalars map character for character onto
  // the source line; anything else is reported at the scalar's start.
  if (scalar.find('\n') != std::string::npos || (!raw_offset && scalar.find("${") != std::string::npos)) {
    return Where(mark);
  }
  const std::string& line = lines_[mark.line];
  const size_t col = static_cast<size_t>(mark.column);
  if (col >= line.size()) return Where(mark);
  const char first = line[col];
  size_t shift = 0;
  if (first == '"' || first == '\'') {
    shift = 1;
  } else if (first == '|' || first == '>') {
    return Where(mark);
  }
  const size_t target = col + shift + offset;
  if (target > line.size()) return Where(mark);
  return file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(target + 1);
}

core::Error YamlReader::ErrorAt(const YAML::Node& node, const std::string& message, size_t offset,
                                bool raw_offset) const {
  return core::Error::Config(Where(node, offset, raw_offset) + ": " + message);
}

core::Result<std::string> YamlReader::Scalar(const YAML::Node& node, std::string_view key) const {
  if (!node.IsScalar()) {
    return core::Fail(
        ErrorAt(node, "'" + std::string(key) + "' must be a single value, not " + NodeTypeName(node)));
  }
  auto expanded = ExpandEnv(node.Scalar());
  if (!expanded) {
    return core::Fail(ErrorAt(node, expanded.error().message, expanded.error().offset, true));
  }
  return std::move(*expanded);
}

core::Result<int64_t> YamlReader::Integer(const YAML::Node& node, std::string_view key, int64_t min,
                                          int64_t max) const {
  auto text = Scalar(node, key);
  if (!text) return core::Fail(text.error());
  int64_t value = 0;
  const char* begin = text->data();
  const char* end = begin + text->size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (text->empty() || ec != std::errc() || ptr != end) {
    return core::Fail(ErrorAt(node, "'" + std::string(key) + "' must be an integer"));
  }
  if (value < min || value > max) {
    return core::Fail(ErrorAt(node, "'" + std::string(key) + "' must be between " + std::to_string(min) +
                                        " and " + std::to_string(max) + ", got " + *text));
  }
  return value;
}

core::Result<bool> YamlReader::Boolean(const YAML::Node& node, std::string_view key) const {
  auto text = Scalar(node, key);
  if (!text) return core::Fail(text.error());
  if (*text == "true") return true;
  if (*text == "false") return false;
  return core::Fail(ErrorAt(node, "'" + std::string(key) + "' must be true or false"));
}

core::Result<std::string> YamlReader::OneOf(const YAML::Node& node, std::string_view key,
                                            std::initializer_list<std::string_view> allowed) const {
  auto text = Scalar(node, key);
  if (!text) return core::Fail(text.error());
  if (std::find(allowed.begin(), allowed.end(), *text) != allowed.end()) return text;
  // Enumerations carry no secrets, so the rejected word is shown.
  return core::Fail(ErrorAt(node, "'" + std::string(key) + "' must be one of " +
                                      JoinKeys(std::vector<std::string_view>(allowed)) + ", got '" + *text +
                                      "'"));
}

core::Result<std::vector<std::string>> YamlReader::StringList(const YAML::Node& node,
                                                              std::string_view key) const {
  if (!node.IsSequence()) {
    return core::Fail(ErrorAt(node, "'" + std::string(key) + "' must be a list, not " + NodeTypeName(node)));
  }
  std::vector<std::string> out;
  for (const auto& item : node) {
    auto text = Scalar(item, key);
    if (!text) return core::Fail(text.error());
    out.push_back(std::move(*text));
  }
  return out;
}

core::Status YamlReader::Require(const YAML::Node& map, const char* key, std::string_view what) const {
  const YAML::Node value = map[key];
  if (!value) return core::Fail(ErrorAt(map, std::string(what) + ": missing required key '" + key + "'"));
  if (value.IsNull()) return core::Fail(ErrorAt(value, std::string("'") + key + "' needs a value"));
  return {};
}

int YamlReader::KeyLine(const YAML::Node& map, const std::string& key) {
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.first.Mark().line + 1;
  }
  return 0;
}

bool IsLowerWord(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

core::Status YamlReader::CheckMap(const YAML::Node& node, std::string_view what,
                                  std::initializer_list<std::string_view> allowed) const {
  return CheckMap(node, what, std::vector<std::string_view>(allowed));
}

core::Status YamlReader::CheckMap(const YAML::Node& node, std::string_view what,
                                  const std::vector<std::string_view>& allowed) const {
  if (!node.IsMap()) {
    return core::Fail(ErrorAt(node, "'" + std::string(what) + "' must be a map, not " + NodeTypeName(node)));
  }
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) return core::Fail(ErrorAt(key, "keys must be plain words"));
    const std::string& name = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return core::Fail(ErrorAt(key, "unknown key '" + name + "' in " + std::string(what) +
                                         " (expected one of: " + JoinKeys(allowed) + ")"));
    }
    if (!seen.insert(name).second) {
      return core::Fail(ErrorAt(key, "duplicate key '" + name + "' in " + std::string(what)));
    }
  }
  return {};
}

}  // namespace cdc::config
