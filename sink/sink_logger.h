// The "sink" spdlog logger shared by every sink (the log layer redacts
// tokens; sinks never put one in a message anyway).
#pragma once

#include <memory>

#include <spdlog/logger.h>

namespace cdc::sink {

std::shared_ptr<spdlog::logger> SinkLogger();

}  // namespace cdc::sink
