#include "sink/jsonl/jsonl_sink.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "core/model/json_writer.h"
#include "sink/sink_metrics.h"

namespace cdc::sink {

namespace {

class JsonlSink final : public core::Sink {
 public:
  JsonlSink(const JsonlSinkOptions& options, core::AckListener& listener, core::Metrics& metrics)
      : options_(options), listener_(listener), metrics_(metrics, options.name) {
    // The constant parts of a line, quoted once rather than per record.
    for (auto kind :
         {core::RecordKind::kContactUpsert, core::RecordKind::kContactDelete, core::RecordKind::kEvent}) {
      std::string& prefix = kind_prefix_[static_cast<size_t>(kind)];
      prefix = "{\"kind\":";
      core::AppendJsonString(prefix, core::RecordKindName(kind));
      prefix += ",\"user_id\":";
    }
    default_destination_ = ",\"destination\":";
    core::AppendJsonString(default_destination_, options_.name);
    default_destination_ += ",\"item\":";
  }
  ~JsonlSink() override { Stop(); }

  core::Status Start() override {
    std::lock_guard lock(mu_);
    metrics_.authorized().Set(1);  // no credentials to check
    buffer_.reserve(kWriteAt + 4096);
    if (options_.path == "-" || options_.path.empty()) {
      out_ = stdout;
      // Someone watching a dry run on a terminal sees each line as it comes.
      interactive_ = ::isatty(::fileno(stdout)) != 0;
      return {};
    }
    out_ = std::fopen(options_.path.c_str(), "ae");
    if (out_ == nullptr) {
      return core::Fail(core::Error::Config("sink " + options_.name + ": cannot open " + options_.path +
                                            ": " + std::strerror(errno)));
    }
    owned_ = true;
    return {};
  }

  core::Status Submit(core::Record record) override {
    std::lock_guard lock(mu_);
    if (failure_) return core::Fail(*failure_);
    if (out_ == nullptr) return core::Fail(core::Error::Bug("jsonl sink used before Start"));
    // Lines are appended to one buffer and written a block at a time: a
    // write call per line cost more than building the line.
    buffer_ += kind_prefix_[static_cast<size_t>(record.kind)];
    core::AppendJsonString(buffer_, record.user_id);
    if (record.destination.empty()) {
      buffer_ += default_destination_;
    } else {
      buffer_ += ",\"destination\":";
      core::AppendJsonString(buffer_, record.destination.str());
      buffer_ += ",\"item\":";
    }
    // Two appends, not a ternary: mixing a literal and a string would copy the item.
    if (record.json.empty()) {
      buffer_ += "null";
    } else {
      buffer_ += record.json;
    }
    buffer_ += "}\n";
    if (buffer_.size() >= kWriteAt || interactive_) {
      if (auto st = WriteBuffer(); !st) return st;
      if (interactive_) std::fflush(out_);
    }
    metrics_.Records(record.kind, RecordOutcome::kAccepted).Add();
    // The pipeline tracks no ticket for a record accepted here (see
    // AcknowledgesOnSubmit); a replay numbers its records and waits for them.
    if (record.ticket != 0) listener_.OnDone(record.ticket);
    return {};
  }

  void Flush() override {
    std::lock_guard lock(mu_);
    FlushLocked();
  }

  bool AcknowledgesOnSubmit() const override { return true; }

  size_t Pending() const override { return 0; }

  bool Drain(std::chrono::milliseconds) override {
    Flush();
    return true;
  }

  void Stop() override {
    std::lock_guard lock(mu_);
    if (out_ == nullptr) return;
    FlushLocked();
    if (owned_) std::fclose(out_);
    out_ = nullptr;
  }

  std::optional<core::Error> Failure() const override {
    std::lock_guard lock(mu_);
    return failure_;
  }

 private:
  // Lines are written out once this much is buffered (and at Flush/Drain/Stop).
  static constexpr size_t kWriteAt = 64 * 1024;

  // Hands the buffered lines to the file (mu_ held); a failed write is sticky.
  core::Status WriteBuffer() {
    // mu_ already serialises every use of out_: skip stdio's own lock.
    const size_t written = fwrite_unlocked(buffer_.data(), 1, buffer_.size(), out_);
    const bool ok = written == buffer_.size();
    buffer_.clear();
    if (!ok) {
      failure_ = core::Error::Fatal("sink " + options_.name + ": cannot write " + options_.path + ": " +
                                    std::strerror(errno));
      return core::Fail(*failure_);
    }
    return {};
  }

  void FlushLocked() {
    if (out_ == nullptr) return;
    if (!buffer_.empty()) (void)WriteBuffer();
    std::fflush(out_);
  }

  const JsonlSinkOptions options_;
  core::AckListener& listener_;
  SinkMetrics metrics_;
  mutable std::mutex mu_;
  std::FILE* out_ = nullptr;  // guarded by mu_
  bool owned_ = false;
  std::string buffer_;               // lines not yet handed to out_
  bool interactive_ = false;         // stdout is a terminal: write every line at once
  std::string kind_prefix_[3];       // `{"kind":"...","user_id":` per RecordKind
  std::string default_destination_;  // `,"destination":"<name>","item":`
  std::optional<core::Error> failure_;
};

}  // namespace

std::unique_ptr<core::Sink> MakeJsonlSink(const JsonlSinkOptions& options, core::AckListener& listener,
                                          core::Metrics& metrics) {
  return std::make_unique<JsonlSink>(options, listener, metrics);
}

}  // namespace cdc::sink
