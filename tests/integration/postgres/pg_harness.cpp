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
    : cdc::testing::SourceRunner(
          options.pipeline, state_path,
          [options](core::StateStore& state, core::Metrics& metrics) { return MakePostgresSource(options, state, metrics); },
          queue_chunks) {}

}  // namespace cdc::pg::testing
