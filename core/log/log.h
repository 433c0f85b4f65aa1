// Logging: spdlog behind one redacting sink. Every logger (the default one and
// the named per-component ones) writes through it, so a registered secret or a
// bearer token never reaches the output, whatever a call site passes.
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace cdc::core {

enum class LogFormat { kAuto, kText, kJson };  // auto: text on a terminal, JSON lines otherwise

// Installs the sink on stderr (once; later calls change format and level).
void InitLogging(LogFormat format, const std::string& level);

// Replaces every later occurrence of `secret` in log output with "***".
void RegisterSecret(const std::string& secret);

// Applies the same redaction to any text (error messages, status output).
std::string Redact(std::string text);

// A named component logger ("sink", "postgres"...), created on first use.
std::shared_ptr<spdlog::logger> Logger(const std::string& name);

// Terminal only: keeps `text` as the last line of stderr, redrawn in place and
// below every later log line (a progress bar); "" removes it.
void ShowStatusLine(const std::string& text);

// SIGHUP: logs go to stderr only, so this flushes and logs one line saying so.
void ReopenLogs();

}  // namespace cdc::core
