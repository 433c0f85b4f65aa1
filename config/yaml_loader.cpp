#include "config/yaml_loader.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "config/raw_config.h"
#include "config/sink_config_loader.h"
#include "config/try.h"

namespace cdc::config {
namespace {

using core::Fail;
using core::Result;
using core::Status;

constexpr size_t kMaxPipelineName = 53;  // "instasent_" + name must fit a 63-byte slot name

// "host:port" or "[v6]:port" with a port of 0..65535.
// HOST:PORT, [V6]:PORT, or a port alone (":9187" / "9187": the host defaults to 127.0.0.1).
bool IsHostPort(const std::string& s) {
  const size_t colon = s.rfind(':');
  const std::string host = colon == std::string::npos ? "127.0.0.1" : s.substr(0, colon);
  const std::string port = colon == std::string::npos ? s : s.substr(colon + 1);
  if (host.empty()) return !port.empty() && IsHostPort("127.0.0.1:" + port);
  if (port.empty() || port.size() > 5) return false;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
  }
  if (std::stoi(port) > 65535) return false;
  if (host.front() == '[') return host.back() == ']';
  return host.find(':') == std::string::npos;
}

class Loader {
 public:
  Loader(const YamlReader& reader, PipelineConfig& config) : r_(reader), c_(config) {}

  Status Load(const YAML::Node& root) {
    CDC_TRY(r_.CheckMap(root, "the top level",
                        {"pipeline", "source", "sink", "sinks", "state", "admin", "log", "mappings"}));
    CDC_TRY(r_.Require(root, "pipeline", "the top level"));
    CDC_TRY_ASSIGN(c_.pipeline, r_.Scalar(root["pipeline"], "pipeline"));
    if (!IsLowerWord(c_.pipeline) || c_.pipeline.size() > kMaxPipelineName) {
      return Fail(r_.ErrorAt(root["pipeline"], "'pipeline' must be 1.." + std::to_string(kMaxPipelineName) +
                                                   " characters of [a-z0-9_], got '" + c_.pipeline + "'"));
    }
    CDC_TRY(r_.Require(root, "source", "the top level"));
    CDC_TRY(LoadSource(root["source"]));
    c_.source.line = YamlReader::KeyLine(root, "source");
    CDC_TRY(LoadSinkConfigs(r_, root, c_.dir, c_.sinks));
    c_.state_path = ResolvePath(c_.dir, "./state/" + c_.pipeline + ".db");
    if (root["state"]) {
      std::string state;
      CDC_TRY_ASSIGN(state, r_.Scalar(root["state"], "state"));
      if (state.empty()) return Fail(r_.ErrorAt(root["state"], "'state' must not be empty"));
      c_.state_path = ResolvePath(c_.dir, state);
    }
    if (const YAML::Node admin = root["admin"]) {
      CDC_TRY(r_.CheckMap(admin, "admin", {"listen"}));
      CDC_TRY(r_.Require(admin, "listen", "admin"));
      CDC_TRY_ASSIGN(c_.admin_listen, r_.Scalar(admin["listen"], "listen"));
      if (!IsHostPort(c_.admin_listen)) {
        return Fail(r_.ErrorAt(admin["listen"], "'listen' must be HOST:PORT or PORT, e.g. 127.0.0.1:9187"));
      }
    }
    if (const YAML::Node log = root["log"]) {
      CDC_TRY(r_.CheckMap(log, "log", {"level"}));
      if (log["level"]) {
        CDC_TRY_ASSIGN(
            c_.log_level,
            r_.OneOf(log["level"], "level", {"trace", "debug", "info", "warn", "error", "critical", "off"}));
      }
    }
    CDC_TRY(r_.Require(root, "mappings", "the top level"));
    const YAML::Node mappings = root["mappings"];
    if (!mappings.IsSequence() || mappings.size() == 0) {
      return Fail(r_.ErrorAt(mappings, "'mappings' must be a non-empty list"));
    }
    return {};
  }

 private:
  Status LoadSource(const YAML::Node& node) {
    SourceConfig& s = c_.source;
    CDC_TRY(r_.CheckMap(node, "source", {"kind", "dsn", "slot", "publication", "server_id", "snapshot",
                                                  "heartbeat", "lag_warning"}));
    CDC_TRY(r_.Require(node, "kind", "source"));
    CDC_TRY_ASSIGN(s.kind, r_.OneOf(node["kind"], "kind", {"postgres", "mysql"}));
    CDC_TRY(r_.Require(node, "dsn", "source"));
    CDC_TRY_ASSIGN(s.dsn, r_.Scalar(node["dsn"], "dsn"));
    if (s.dsn.empty()) return Fail(r_.ErrorAt(node["dsn"], "'dsn' must not be empty"));
    const bool pg = s.kind == "postgres";
    for (const char* key : {"slot", "publication"}) {
      if (node[key] && !pg) {
        return Fail(r_.ErrorAt(node[key], std::string("'") + key + "' applies only to a postgres source"));
      }
    }
    if (node["server_id"] && pg) {
      return Fail(r_.ErrorAt(node["server_id"], "'server_id' applies only to a mysql source"));
    }
    if (pg) {
      s.slot = "instasent_" + c_.pipeline;
      s.publication = "instasent_" + c_.pipeline;
      if (node["slot"]) {
        CDC_TRY_ASSIGN(s.slot, r_.Scalar(node["slot"], "slot"));
        if (!IsLowerWord(s.slot) || s.slot.size() > 63) {
          return Fail(r_.ErrorAt(node["slot"], "'slot' must be 1..63 characters of [a-z0-9_]"));
        }
      }
      if (node["publication"]) {
        CDC_TRY_ASSIGN(s.publication, r_.Scalar(node["publication"], "publication"));
        if (s.publication.empty() || s.publication.size() > 63) {
          return Fail(r_.ErrorAt(node["publication"], "'publication' must be 1..63 characters"));
        }
      }
    } else {
      s.server_id = 5701;
      if (node["server_id"]) {
        int64_t id = 0;
        CDC_TRY_ASSIGN(id, r_.Integer(node["server_id"], "server_id", 1, 4294967295LL));
        s.server_id = static_cast<uint32_t>(id);
      }
    }
    if (node["snapshot"]) {
      CDC_TRY_ASSIGN(s.snapshot,
                     r_.OneOf(node["snapshot"], "snapshot", {"initial", "never", "initial_only"}));
    }
    if (node["heartbeat"]) {
      // MySQL/MariaDB heartbeats are part of the binlog protocol (always on).
      if (!pg) return Fail(r_.ErrorAt(node["heartbeat"], "'heartbeat' applies only to a postgres source"));
      CDC_TRY(LoadHeartbeat(node["heartbeat"], s));
    }
    if (node["lag_warning"]) CDC_TRY(LoadLagWarning(node["lag_warning"], s));
    return {};
  }

  Status LoadHeartbeat(const YAML::Node& node, SourceConfig& s) {
    CDC_TRY(r_.CheckMap(node, "heartbeat", {"interval", "mode", "table"}));
    if (node["interval"]) CDC_TRY_ASSIGN(s.heartbeat_interval_ms, DurationMs(node["interval"], "interval"));
    if (node["mode"]) CDC_TRY_ASSIGN(s.heartbeat_mode, r_.OneOf(node["mode"], "mode", {"message", "table"}));
    if (node["table"]) CDC_TRY_ASSIGN(s.heartbeat_table, r_.Scalar(node["table"], "table"));
    if (s.heartbeat_mode == "table" && s.heartbeat_table.empty()) {
      return Fail(r_.ErrorAt(node, "heartbeat: mode 'table' needs 'table' (schema.table with a beat_at column)"));
    }
    if (s.heartbeat_mode != "table" && node["table"]) {
      return Fail(r_.ErrorAt(node["table"], "heartbeat: 'table' applies only to mode 'table'"));
    }
    return {};
  }

  Status LoadLagWarning(const YAML::Node& node, SourceConfig& s) {
    CDC_TRY(r_.CheckMap(node, "lag_warning", {"bytes", "seconds"}));
    if (node["bytes"]) CDC_TRY_ASSIGN(s.lag_warning_bytes, Bytes(node["bytes"], "bytes"));
    if (node["seconds"]) {
      int64_t ms = 0;
      CDC_TRY_ASSIGN(ms, DurationMs(node["seconds"], "seconds"));
      s.lag_warning_seconds = ms / 1000;
    }
    return {};
  }

  // "30s", "500ms", "5m", "1h" or a plain number of seconds; 0 = off.
  core::Result<int64_t> DurationMs(const YAML::Node& node, const char* key) {
    std::string text;
    CDC_TRY_ASSIGN(text, r_.Scalar(node, key));
    static const std::vector<std::pair<std::string, int64_t>> kUnits = {
        {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"", 1000}};
    for (const auto& [suffix, scale] : kUnits) {
      if (text.size() < suffix.size() || text.compare(text.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      std::string number = text.substr(0, text.size() - suffix.size());
      if (!number.empty() && number.find_first_not_of("0123456789") == std::string::npos && number.size() < 12) {
        return static_cast<int64_t>(std::stoll(number)) * scale;
      }
    }
    return Fail(r_.ErrorAt(node, std::string("'") + key + "' must be a duration such as 30s, 500ms, 5m, 1h"));
  }

  // "1GB", "512MB", "64kB", "1GiB" or a plain number of bytes; 0 = off.
  core::Result<int64_t> Bytes(const YAML::Node& node, const char* key) {
    std::string text;
    CDC_TRY_ASSIGN(text, r_.Scalar(node, key));
    static const std::vector<std::pair<std::string, int64_t>> kUnits = {
        {"kB", 1000},         {"KB", 1000},          {"MB", 1000000}, {"GB", 1000000000},
        {"KiB", int64_t{1} << 10}, {"MiB", int64_t{1} << 20}, {"GiB", int64_t{1} << 30}, {"B", 1}, {"", 1}};
    for (const auto& [suffix, scale] : kUnits) {
      if (text.size() < suffix.size() || text.compare(text.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      std::string number = text.substr(0, text.size() - suffix.size());
      if (!number.empty() && number.find_first_not_of("0123456789") == std::string::npos && number.size() < 13) {
        return static_cast<int64_t>(std::stoll(number)) * scale;
      }
    }
    return Fail(r_.ErrorAt(node, std::string("'") + key + "' must be a size such as 1GB, 512MB, 1GiB"));
  }

  const YamlReader& r_;
  PipelineConfig& c_;
};

}  // namespace

std::string ResolvePath(const std::string& dir, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (std::filesystem::path(dir.empty() ? "." : dir) / p).lexically_normal().string();
}

core::Result<PipelineConfig> ParseConfig(const std::string& file, const std::string& text) {
  PipelineConfig config;
  config.file = file;
  config.dir = std::filesystem::path(file).parent_path().string();
  if (config.dir.empty()) config.dir = ".";
  auto raw = std::make_shared<PipelineConfig::Raw>(PipelineConfig::Raw{YamlReader(file, text), {}, {}});
  try {
    raw->root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Fail(core::Error::Config(raw->reader.Where(e.mark) + ": " + e.msg));
  }
  if (!raw->root.IsMap()) {
    return Fail(core::Error::Config(file + ":1:1: the file must be a YAML map (pipeline:, source:, ...)"));
  }
  try {
    Loader loader(raw->reader, config);
    if (auto st = loader.Load(raw->root); !st) return Fail(st.error());
  } catch (const YAML::Exception& e) {
    return Fail(core::Error::Config(raw->reader.Where(e.mark) + ": " + e.msg));
  }
  raw->mappings = raw->root["mappings"];
  config.raw = std::move(raw);
  return config;
}

core::Result<PipelineConfig> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(core::Error::Config(path + ": cannot read the configuration file"));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseConfig(path, text.str());
}

}  // namespace cdc::config
