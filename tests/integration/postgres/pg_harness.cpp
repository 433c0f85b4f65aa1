#include "tests/integration/postgres/pg_harness.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <stdexcept>

namespace cdc::pg::testing {

std::string ServerDsn() {
  const char* dsn = std::getenv("CDC_PG_DSN");
  return dsn ? dsn : "";
}

void Sql(const std::string& dsn, const std::string& sql) {
  pqxx::connection conn(dsn);
  pqxx::nontransaction tx(conn);
  tx.exec(sql);
}

std::string Query(const std::string& dsn, const std::string& sql) {
  pqxx::connection conn(dsn);
  pqxx::nontransaction tx(conn);
  pqxx::result r = tx.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].as<std::string>();
}

std::string FreshDatabase(const std::string& name) {
  const std::string server = ServerDsn();
  Sql(server,
      "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '" + name + "'");
  Sql(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  Sql(server, "CREATE DATABASE " + name);
  return server + " dbname=" + name;
}

void DropSlot(const std::string& dsn, const std::string& slot) {
  Sql(dsn, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot +
               "'");
}

std::string TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "cdc-pg-test.XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

SourceRunner::SourceRunner(PostgresSourceOptions options, const std::string& state_path, size_t queue_chunks)
    : queue_(queue_chunks) {
  auto state = core::StateStore::Open(state_path, options.pipeline);
  if (!state) throw std::runtime_error("state store: " + state.error().Describe());
  state_ = std::move(*state);
  source_ = MakePostgresSource(options, *state_, metrics_);
}

SourceRunner::~SourceRunner() { (void)Stop(); }

core::Status SourceRunner::Prepare() { return source_->Prepare(); }

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
    // A reader blocked on a full queue needs room (or a close) to see `stop`.
    while (!finished_.load()) {
      if (auto chunk = queue_.Pop(std::chrono::milliseconds(20))) {
        Append(*chunk);
      }
    }
    thread_.join();
  }
  return result_;
}

bool SourceRunner::CollectUntil(const std::function<bool(const std::vector<core::SourceEvent>&)>& condition,
                                std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition(events_)) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    if (auto chunk = queue_.Pop(std::chrono::milliseconds(50))) {
      Append(*chunk);
    } else if (finished_.load()) {
      // Run returned: nothing more will come.
      return condition(events_);
    }
  }
}

void SourceRunner::Append(core::ChangeChunk& chunk) {
  for (auto& e : chunk) {
    if (std::holds_alternative<core::TxEnd>(e)) ++tx_ends_;
    events_.push_back(std::move(e));
  }
}

bool SourceRunner::CollectTxEnds(size_t n, std::chrono::milliseconds timeout) {
  return CollectUntil([&](const std::vector<core::SourceEvent>&) { return tx_ends_ >= n; }, timeout);
}

std::vector<core::RowChange> SourceRunner::Changes() const {
  std::vector<core::RowChange> out;
  for (const auto& e : events_) {
    if (auto* c = std::get_if<core::RowChange>(&e)) out.push_back(*c);
  }
  return out;
}

std::vector<core::TxEnd> SourceRunner::TxEnds() const {
  std::vector<core::TxEnd> out;
  for (const auto& e : events_) {
    if (auto* t = std::get_if<core::TxEnd>(&e)) out.push_back(*t);
  }
  return out;
}

const core::Value& Col(const core::RowChange& change, const std::string& column, bool before) {
  static const core::Value kMissing = core::Value::Absent();
  int i = change.table->ColumnIndex(column);
  const auto& row = before ? change.before : change.after;
  if (i < 0 || static_cast<size_t>(i) >= row.size()) {
    ADD_FAILURE() << "no column " << column << " in " << change.table->QualifiedName()
                  << (before ? " (before)" : " (after)");
    return kMissing;
  }
  return row[static_cast<size_t>(i)];
}

}  // namespace cdc::pg::testing
