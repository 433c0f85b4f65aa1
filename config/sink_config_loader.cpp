#include "config/sink_config_loader.h"

#include <fstream>
#include <set>
#include <utility>

#include "config/try.h"
#include "config/yaml_loader.h"

namespace cdc::config {
namespace {

using core::Fail;
using core::Status;

std::string Trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

class SinkConfigLoader {
 public:
  SinkConfigLoader(const YamlReader& reader, const std::string& dir, std::vector<SinkConfig>& sinks)
      : r_(reader), dir_(dir), sinks_(sinks) {}

  Status LoadSinks(const YAML::Node& root) {
    const YAML::Node one = root["sink"];
    const YAML::Node many = root["sinks"];
    if (one && many) return Fail(r_.ErrorAt(many, "use either 'sink:' or 'sinks:', not both"));
    if (!one && !many) {
      return Fail(r_.ErrorAt(root, "the top level: missing required key 'sink' (or 'sinks')"));
    }
    if (one) {
      SinkConfig sink;
      CDC_TRY(LoadSink(one, false, sink));
      sink.line = YamlReader::KeyLine(root, "sink");
      sinks_.push_back(std::move(sink));
      return {};
    }
    if (!many.IsSequence() || many.size() == 0) {
      return Fail(r_.ErrorAt(many, "'sinks' must be a non-empty list"));
    }
    std::set<std::string> names;
    for (const auto& item : many) {
      SinkConfig sink;
      CDC_TRY(LoadSink(item, true, sink));
      if (!names.insert(sink.name).second) {
        return Fail(r_.ErrorAt(item["name"], "duplicate sink name '" + sink.name + "'"));
      }
      sinks_.push_back(std::move(sink));
    }
    return {};
  }

  Status LoadSink(const YAML::Node& node, bool in_list, SinkConfig& s) {
    s.line = node.Mark().line + 1;
    CDC_TRY(r_.CheckMap(
        node, "sink",
        {"name", "kind", "url", "project", "datasource", "token", "token_file", "token_type", "batch_size",
         "linger_ms", "max_in_flight", "contact_sync", "ca_file", "insecure_skip_verify", "timeout_ms", "path",
         "delete_event"}));
    if (in_list) CDC_TRY(r_.Require(node, "name", "sink"));
    if (node["name"]) {
      CDC_TRY_ASSIGN(s.name, r_.Scalar(node["name"], "name"));
      if (!IsLowerWord(s.name)) {
        return Fail(r_.ErrorAt(node["name"], "'name' must be characters of [a-z0-9_]"));
      }
    }
    if (node["kind"]) {
      CDC_TRY_ASSIGN(s.kind, r_.OneOf(node["kind"], "kind", {"instasent", "encharge", "jsonl"}));
    }
    if (s.kind == "jsonl") return LoadJsonlSink(node, s);
    if (s.kind == "encharge") return LoadEnchargeSink(node, s);
    if (node["delete_event"]) {
      return Fail(r_.ErrorAt(node["delete_event"], "'delete_event' applies only to an encharge sink"));
    }
    if (node["path"]) return Fail(r_.ErrorAt(node["path"], "'path' applies only to a jsonl sink"));
    for (const char* key : {"url", "project", "datasource"}) {
      CDC_TRY(r_.Require(node, key, "sink"));
    }
    CDC_TRY_ASSIGN(s.url, r_.Scalar(node["url"], "url"));
    if (s.url.rfind("http://", 0) != 0 && s.url.rfind("https://", 0) != 0) {
      return Fail(r_.ErrorAt(node["url"], "'url' must start with http:// or https://"));
    }
    while (!s.url.empty() && s.url.back() == '/') s.url.pop_back();
    CDC_TRY_ASSIGN(s.project, r_.Scalar(node["project"], "project"));
    CDC_TRY_ASSIGN(s.datasource, r_.Scalar(node["datasource"], "datasource"));
    if (s.project.empty()) return Fail(r_.ErrorAt(node["project"], "'project' must not be empty"));
    if (s.datasource.empty()) {
      return Fail(r_.ErrorAt(node["datasource"], "'datasource' must not be empty"));
    }
    CDC_TRY(LoadToken(node, s));
    if (node["token_type"]) {
      CDC_TRY_ASSIGN(s.token_type, r_.OneOf(node["token_type"], "token_type", {"datasource", "product"}));
    }
    int64_t n = 0;
    if (node["batch_size"]) {
      CDC_TRY_ASSIGN(n, r_.Integer(node["batch_size"], "batch_size", 1, 100));
      s.batch_size = static_cast<int>(n);
    }
    if (node["linger_ms"]) {
      CDC_TRY_ASSIGN(n, r_.Integer(node["linger_ms"], "linger_ms", 0, 60000));
      s.linger_ms = static_cast<int>(n);
    }
    CDC_TRY(LoadHttpKeys(node, s));
    if (node["contact_sync"]) {
      CDC_TRY_ASSIGN(s.contact_sync,
                     r_.OneOf(node["contact_sync"], "contact_sync", {"auto", "always", "never"}));
    }
    if (node["insecure_skip_verify"]) {
      CDC_TRY_ASSIGN(s.insecure_skip_verify, r_.Boolean(node["insecure_skip_verify"], "insecure_skip_verify"));
    }
    return {};
  }

  // Keys every HTTP sink takes: parallel requests, request timeout, extra CA.
  Status LoadHttpKeys(const YAML::Node& node, SinkConfig& s) {
    int64_t n = 0;
    if (node["max_in_flight"]) {
      CDC_TRY_ASSIGN(n, r_.Integer(node["max_in_flight"], "max_in_flight", 1, 64));
      s.max_in_flight = static_cast<int>(n);
    }
    if (node["timeout_ms"]) {
      CDC_TRY_ASSIGN(n, r_.Integer(node["timeout_ms"], "timeout_ms", 100, 600000));
      s.timeout_ms = static_cast<int>(n);
    }
    if (node["ca_file"]) {
      std::string ca;
      CDC_TRY_ASSIGN(ca, r_.Scalar(node["ca_file"], "ca_file"));
      s.ca_file = ResolvePath(dir_, ca);
    }
    return {};
  }

  Status LoadToken(const YAML::Node& node, SinkConfig& s) {
    const YAML::Node token = node["token"];
    const YAML::Node file = node["token_file"];
    if (token && file) return Fail(r_.ErrorAt(file, "use either 'token' or 'token_file', not both"));
    if (!token && !file) return Fail(r_.ErrorAt(node, "sink: missing 'token' or 'token_file'"));
    if (token) {
      CDC_TRY_ASSIGN(s.token, r_.Scalar(token, "token"));
      s.token = Trim(s.token);
      if (s.token.empty()) return Fail(r_.ErrorAt(token, "'token' is empty"));
      return {};
    }
    std::string path;
    CDC_TRY_ASSIGN(path, r_.Scalar(file, "token_file"));
    const std::string resolved = ResolvePath(dir_, path);
    std::ifstream in(resolved, std::ios::binary);
    if (!in) return Fail(r_.ErrorAt(file, "cannot read token_file '" + resolved + "'"));
    // A token file holds one token: read a bounded amount, so a wrong path such
    // as a device never hangs the loader.
    constexpr std::streamsize kMaxTokenFileBytes = 64 * 1024;
    std::string content(kMaxTokenFileBytes + 1, '\0');
    in.read(content.data(), kMaxTokenFileBytes + 1);
    content.resize(static_cast<size_t>(in.gcount()));
    if (content.size() > static_cast<size_t>(kMaxTokenFileBytes)) {
      return Fail(r_.ErrorAt(file, "token_file '" + resolved + "' is larger than 64 KiB: it should hold one token"));
    }
    s.token = Trim(content);
    if (s.token.empty()) return Fail(r_.ErrorAt(file, "token_file '" + resolved + "' is empty"));
    return {};
  }

  // Encharge's Ingest API: one POST per record, no batching, no project or
  // datasource; `X-Encharge-Token` carries the token.
  Status LoadEnchargeSink(const YAML::Node& node, SinkConfig& s) {
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      static const std::set<std::string> kKeys = {"name",       "kind",       "url",
                                                  "token",      "token_file", "max_in_flight",
                                                  "timeout_ms", "ca_file",    "delete_event"};
      if (!kKeys.count(key)) {
        return Fail(r_.ErrorAt(entry.first, "'" + key + "' does not apply to an encharge sink"));
      }
    }
    s.url = "https://ingest.encharge.io/v1/";
    if (node["url"]) {
      CDC_TRY_ASSIGN(s.url, r_.Scalar(node["url"], "url"));
      if (s.url.rfind("http://", 0) != 0 && s.url.rfind("https://", 0) != 0) {
        return Fail(r_.ErrorAt(node["url"], "'url' must start with http:// or https://"));
      }
    }
    CDC_TRY(LoadToken(node, s));
    CDC_TRY(LoadHttpKeys(node, s));
    if (node["delete_event"]) {
      CDC_TRY_ASSIGN(s.delete_event, r_.Scalar(node["delete_event"], "delete_event"));
      if (s.delete_event.empty()) {
        return Fail(r_.ErrorAt(node["delete_event"], "'delete_event' must not be empty"));
      }
    }
    return {};
  }

  Status LoadJsonlSink(const YAML::Node& node, SinkConfig& s) {
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      if (key != "name" && key != "kind" && key != "path") {
        return Fail(r_.ErrorAt(entry.first, "'" + key + "' does not apply to a jsonl sink"));
      }
    }
    CDC_TRY(r_.Require(node, "path", "sink"));
    CDC_TRY_ASSIGN(s.path, r_.Scalar(node["path"], "path"));
    if (s.path.empty()) return Fail(r_.ErrorAt(node["path"], "'path' must not be empty"));
    if (s.path != "-") s.path = ResolvePath(dir_, s.path);
    return {};
  }

 private:
  const YamlReader& r_;
  const std::string& dir_;
  std::vector<SinkConfig>& sinks_;
};

}  // namespace

Status LoadSinkConfigs(const YamlReader& reader, const YAML::Node& root, const std::string& dir,
                       std::vector<SinkConfig>& sinks) {
  return SinkConfigLoader(reader, dir, sinks).LoadSinks(root);
}

}  // namespace cdc::config
