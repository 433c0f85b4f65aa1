#include "sink/http_sink_base.h"

#include <utility>

#include "core/log/log.h"

namespace cdc::sink {

HttpSinkBase::HttpSinkBase(core::Metrics& metrics, const std::string& name)
    : metrics_(metrics, name), log_(core::Logger("sink")) {}

bool HttpSinkBase::StoreDeadLetter(core::DeadLetterStore& store, const std::string& pipeline,
                                   const std::string& sink_name, const core::Record& record,
                                   std::string payload, const std::string& reason) {
  core::DeadLetter letter;
  letter.pipeline = pipeline;
  letter.destination = sink_name;
  letter.kind = core::RecordKindName(record.kind);
  letter.user_id = record.user_id;
  letter.table = record.table;
  letter.payload = std::move(payload);
  letter.reason = reason;
  letter.position = record.position.ToString();
  letter.created_at_ms = NowMs();
  if (auto stored = store.PutDeadLetter(letter); !stored) {
    Fail(core::Error::Fatal("sink " + sink_name +
                            ": cannot store a dead letter: " + stored.error().Describe()));
    return false;
  }
  log_->debug("sink {}: dead-lettered {} for user {}: {}", sink_name, letter.kind, record.user_id, reason);
  return true;
}

bool HttpSinkBase::Drain(std::chrono::milliseconds timeout) {
  Flush();
  std::unique_lock lock(mu_);
  changed_.wait_for(lock, timeout, [&] { return pending_.load() == 0 || failure_.has_value(); });
  return pending_.load() == 0;
}

void HttpSinkBase::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) {
    http_->Wakeup();
    thread_.join();
  }
}

std::optional<core::Error> HttpSinkBase::Failure() const {
  std::lock_guard lock(mu_);
  return failure_;
}

void HttpSinkBase::Fail(core::Error error) {
  {
    std::lock_guard lock(mu_);
    if (failure_) return;
    failure_ = error;
  }
  if (error.kind == core::ErrorKind::kConfig) metrics_.authorized().Set(0);
  log_->error("{}", error.Describe());  // the message names the sink
  changed_.notify_all();
}

std::optional<core::Error> HttpSinkBase::RefusalLocked(const std::string& sink_name) const {
  if (failure_) return failure_;
  if (stopping_.load()) return core::Error::Fatal("sink " + sink_name + " stopped");
  return std::nullopt;
}

}  // namespace cdc::sink
