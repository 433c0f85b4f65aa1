#include "sink/sink_logger.h"

#include <spdlog/spdlog.h>

namespace cdc::sink {

std::shared_ptr<spdlog::logger> SinkLogger() {
  static const std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("sink")) return existing;
    // Same outputs and level as the default logger the command line set up.
    auto created = spdlog::default_logger()->clone("sink");
    try {
      spdlog::register_logger(created);
    } catch (const spdlog::spdlog_ex&) {
      if (auto existing = spdlog::get("sink")) return existing;  // registered meanwhile
    }
    return created;
  }();
  return logger;
}

}  // namespace cdc::sink
