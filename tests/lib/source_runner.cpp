#include "tests/lib/source_runner.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace cdc::testing {

SourceRunner::SourceRunner(const std::string& pipeline, const std::string& state_path,
                           const Factory& make_source, size_t queue_chunks)
    : queue_(queue_chunks) {
  auto state = core::StateStore::Open(state_path, pipeline);
  if (!state) throw std::runtime_error("state store: " + state.error().Describe());
  state_ = std::move(*state);
  source_ = make_source(*state_, metrics_);
}

SourceRunner::~SourceRunner() { (void)Stop(); }

void SourceRunner::Start() {
  stop_ = false;
  finished_ = false;
  thread_ = std::thread([this] {
    core::ChangeWriter writer(queue_);
    result_ = source_->Run(writer, stop_);
    writer.Flush();
    finished_ = true;
  });
}

core::Status SourceRunner::Stop() {
  stop_ = true;
  if (thread_.joinable()) {
    // A reader blocked on a full queue needs room to see `stop`.
    while (!finished_.load()) {
      if (auto chunk = queue_.Pop(std::chrono::milliseconds(20))) Append(*chunk);
    }
    thread_.join();
    source_->Shutdown();  // as the pipeline does after a graceful stop
  }
  return result_;
}

bool SourceRunner::CollectUntil(const std::function<bool(const std::vector<core::SourceEvent>&)>& condition,
                                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition(events_)) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    if (auto chunk = queue_.Pop(std::chrono::milliseconds(50))) {
      Append(*chunk);
    } else if (finished_.load()) {  // Run returned: nothing more will come
      if (!result_) ADD_FAILURE() << "source stopped: " << result_.error().Describe();
      return condition(events_);
    }
  }
}

bool SourceRunner::CollectRows(size_t n, std::chrono::milliseconds timeout) {
  return CollectUntil([&](const std::vector<core::SourceEvent>&) { return rows_ >= n; }, timeout);
}

bool SourceRunner::CollectTxEnds(size_t n, std::chrono::milliseconds timeout) {
  return CollectUntil([&](const std::vector<core::SourceEvent>&) { return tx_ends_ >= n; }, timeout);
}

void SourceRunner::Append(core::ChangeChunk& chunk) {
  for (auto& e : chunk) {
    rows_ += std::holds_alternative<core::RowChange>(e);
    tx_ends_ += std::holds_alternative<core::TxEnd>(e);
    events_.push_back(std::move(e));
  }
}

std::vector<core::RowChange> SourceRunner::Changes() const {
  std::vector<core::RowChange> out;
  for (const auto& e : events_) {
    if (const auto* c = std::get_if<core::RowChange>(&e)) out.push_back(*c);
  }
  return out;
}

std::vector<core::TxEnd> SourceRunner::TxEnds() const {
  std::vector<core::TxEnd> out;
  for (const auto& e : events_) {
    if (const auto* t = std::get_if<core::TxEnd>(&e)) out.push_back(*t);
  }
  return out;
}

const core::Value& Col(const core::RowChange& change, const std::string& column, bool before) {
  static const core::Value kMissing = core::Value::Absent();
  const int i = change.table ? change.table->ColumnIndex(column) : -1;
  const auto& row = before ? change.before : change.after;
  if (i < 0 || static_cast<size_t>(i) >= row.size()) {
    ADD_FAILURE() << "no column " << column << " in " << (change.table ? change.table->QualifiedName() : "?");
    return kMissing;
  }
  return row[static_cast<size_t>(i)];
}

}  // namespace cdc::testing
