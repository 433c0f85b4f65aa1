#include "core/log/log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <regex>
#include <vector>

#include <spdlog/sinks/base_sink.h>

#include "core/model/json_writer.h"

namespace cdc::core {

namespace {

std::mutex g_secrets_mu;
std::vector<std::string> g_secrets;

// Bearer tokens and password=... in conninfo strings or URIs.
const std::regex& SecretPatterns() {
  static const std::regex re(R"((Bearer\s+)[^\s"',]+|(password\s*=\s*)[^\s"',]+|(://[^:/@\s]+:)[^@\s]+(@))",
                             std::regex::icase);
  return re;
}

class RedactingSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit RedactingSink(bool json) : json_(json) {}
  void set_json(bool json) {
    std::lock_guard lock(mutex_);
    json_ = json;
  }
  // The terminal's last line (a progress bar): redrawn in place, kept below log lines.
  void set_status_line(std::string text) {
    std::lock_guard lock(mutex_);
    std::string out = "\r" + text + "\x1b[K";
    if (text.empty() && !status_.empty()) out = "\r\x1b[K";
    status_ = std::move(text);
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text = Redact(std::string(msg.payload.data(), msg.payload.size()));
    std::string line;
    const auto level = spdlog::level::to_string_view(msg.level);
    const auto time = std::chrono::system_clock::to_time_t(msg.time);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count() % 1000;
    char stamp[64];
    std::tm tm{};
    gmtime_r(&time, &tm);
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    if (json_) {
      line = "{\"time\":\"";
      line += stamp;
      line += "\",\"level\":\"";
      line.append(level.data(), level.size());
      line += "\",\"logger\":";
      AppendJsonString(line, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
      line += ",\"msg\":";
      AppendJsonString(line, text);
      line += "}\n";
    } else {
      line = stamp;
      line += ' ';
      line.append(level.data(), level.size());
      line += ' ';
      if (msg.logger_name.size()) {
        line += '[';
        line.append(msg.logger_name.data(), msg.logger_name.size());
        line += "] ";
      }
      line += text;
      line += '\n';
    }
    if (!status_.empty()) line = "\r\x1b[K" + line + status_ + "\x1b[K";
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }

 private:
  bool json_;
  std::string status_;
};

std::shared_ptr<RedactingSink> g_sink;
std::mutex g_init_mu;

std::shared_ptr<RedactingSink> SinkInstance() {
  std::lock_guard lock(g_init_mu);
  if (!g_sink) {
    g_sink = std::make_shared<RedactingSink>(!isatty(STDERR_FILENO));
    auto logger = std::make_shared<spdlog::logger>("", g_sink);
    spdlog::set_default_logger(logger);
  }
  return g_sink;
}

}  // namespace

std::string Redact(std::string text) {
  {
    std::lock_guard lock(g_secrets_mu);
    for (const auto& secret : g_secrets) {
      for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
        text.replace(at, secret.size(), "***");
      }
    }
  }
  if (text.find("earer") != std::string::npos || text.find("assword") != std::string::npos ||
      text.find("://") != std::string::npos) {
    text = std::regex_replace(text, SecretPatterns(), "$1$2$3***$4");
  }
  return text;
}

void RegisterSecret(const std::string& secret) {
  if (secret.size() < 4) return;  // too short to redact without mangling ordinary text
  std::lock_guard lock(g_secrets_mu);
  g_secrets.push_back(secret);
}

void InitLogging(LogFormat format, const std::string& level) {
  auto sink = SinkInstance();
  if (format != LogFormat::kAuto) sink->set_json(format == LogFormat::kJson);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
}

std::shared_ptr<spdlog::logger> Logger(const std::string& name) {
  auto sink = SinkInstance();
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = std::make_shared<spdlog::logger>(name, sink);
  logger->set_level(spdlog::get_level());
  logger->flush_on(spdlog::level::info);
  spdlog::register_logger(logger);
  return logger;
}

void ShowStatusLine(const std::string& text) { SinkInstance()->set_status_line(text); }

void ReopenLogs() {
  // Logs go to stderr only (a supervisor or a shell redirect owns the file):
  // there is nothing to reopen; say so, so a logrotate postrotate hook is visibly harmless.
  spdlog::default_logger()->flush();
  Logger("log")->info("SIGHUP: reopening logs (they go to stderr only: nothing to reopen)");
}

}  // namespace cdc::core
