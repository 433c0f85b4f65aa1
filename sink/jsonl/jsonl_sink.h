// The jsonl sink (dry runs): each record becomes one line
// {"kind":...,"user_id":...,"destination":...,"item":<json>} in a file or on
// stdout ("-"). A record is acknowledged as soon as it is in the sink's
// buffer; lines are written in 64 KB blocks (one by one to a terminal) and the
// rest at Flush(), Drain() and Stop().
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
