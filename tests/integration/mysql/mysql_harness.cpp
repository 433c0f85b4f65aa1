#include "tests/integration/mysql/mysql_harness.h"

#include <mysql.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "connectors/mysql/mysql_connection.h"

namespace cdc::mysql::testing {

namespace {

std::unique_ptr<MysqlConnection> Root() {
  auto dsn = MysqlDsn::Parse(DsnFor("test"));
  if (!dsn) throw std::runtime_error(dsn.error().message);
  auto conn = MysqlConnection::Connect(*dsn);
  if (!conn) throw std::runtime_error(conn.error().message);
  mysql_set_server_option((*conn)->handle(), MYSQL_OPTION_MULTI_STATEMENTS_ON);
  if (auto s = (*conn)->Exec("SET time_zone = '+00:00'"); !s) throw std::runtime_error(s.error().message);
  return std::move(*conn);
}

}  // namespace

std::string ServerDsn() {
  const char* dsn = std::getenv("CDC_MYSQL_DSN");
  return dsn ? dsn : "";
}

std::string DsnFor(const std::string& database, const std::string& user, const std::string& password) {
  const char* port = std::getenv("MYSQL_PORT");
  return "mysql://" + user + (password.empty() ? "" : ":" + password) + "@127.0.0.1:" +
         (port ? port : "3306") + "/" + database;
}

std::string FreshDatabase(const std::string& name) {
  Sql("DROP DATABASE IF EXISTS `" + name + "`; CREATE DATABASE `" + name + "`");
  return DsnFor(name);
}

void Sql(const std::string& sql) {
  auto conn = Root();
  auto s = conn->Exec(sql);
  ASSERT_TRUE(s) << sql << ": " << s.error().message;
}

std::string Query(const std::string& sql) {
  auto conn = Root();
  auto v = conn->QueryValue(sql);
  EXPECT_TRUE(v) << sql << ": " << (v ? "" : v.error().message);
  return v && *v ? **v : "";
}

bool RestartServer() {
  const char* src = std::getenv("CDC_SOURCE_DIR");
  std::string script = std::string(src ? src : ".") + "/tests/lib/with-mariadb.sh --restart";
  if (std::system(script.c_str()) != 0) return false;
  return Eventually([] {
    auto dsn = MysqlDsn::Parse(DsnFor("test"));
    return dsn && MysqlConnection::Connect(*dsn).has_value();
  });
}

std::string TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "cdc-mysql-test.XXXXXX").string();
  char* dir = mkdtemp(tmpl.data());
  return dir ? std::string(dir) : "";
}

bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

SourceRunner::SourceRunner(MysqlSourceOptions options, const std::string& state_path, size_t queue_chunks)
    : cdc::testing::SourceRunner(
          options.pipeline, state_path,
          [options](core::StateStore& state, core::Metrics& metrics) { return MakeMysqlSource(options, state, metrics); },
          queue_chunks) {}

MysqlSourceOptions Options(const std::string& pipeline, uint32_t server_id,
                           const std::vector<std::string>& tables, SnapshotMode snapshot) {
  MysqlSourceOptions o;
  o.pipeline = pipeline;
  o.dsn = DsnFor("test");
  o.server_id = server_id;
  o.snapshot = snapshot;
  o.heartbeat_ms = 200;
  for (const auto& t : tables) o.tables.push_back(core::Mapping::TableNeeds{t, {}, {}, false});
  return o;
}

}  // namespace cdc::mysql::testing
