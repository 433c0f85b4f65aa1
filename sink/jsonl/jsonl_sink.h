// The jsonl sink (dry runs): each record becomes one line
// {"kind":...,"user_id":...,"destination":...,"item":<json>} in a file or on
// stdout ("-"). A record is acknowledged as soon as it is written to the
// buffered writer; the buffer is flushed at Flush() and Drain().
#pragma once

#include <memory>
#include <string>

#include "core/metrics/metrics.h"
#include "core/pipeline/sink.h"

namespace cdc::sink {

struct JsonlSinkOptions {
  std::string name = "default";
  std::string path = "-";  // "-" = stdout; a file is appended to
};

std::unique_ptr<core::Sink> MakeJsonlSink(const JsonlSinkOptions& options, core::AckListener& listener,
                                          core::Metrics& metrics);

}  // namespace cdc::sink
