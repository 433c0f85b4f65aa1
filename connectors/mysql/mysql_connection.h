// MysqlConnection: one MariaDB Connector/C session opened from a DSN
// (mysql://user:pass@host:port/db?socket=/path&ssl-ca=...), with small query
// helpers whose failures are classified core::Errors. The password never
// appears in a message. Not thread-safe: one thread uses a connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/result.h"

struct st_mysql;

namespace cdc::mysql {

struct MysqlDsn {
  std::string user;
  std::string password;
  std::string host = "127.0.0.1";
  unsigned port = 3306;
  std::string database;
  std::string socket;       // ?socket=/path: a unix socket instead of TCP
  std::string ssl_mode;     // ?ssl-mode=disabled|preferred|required|verify-ca|verify-identity
  std::string ssl_ca;       // ?ssl-ca=/path (implies verify-ca unless ssl-mode says otherwise)
  std::string ssl_cert;     // ?ssl-cert=/path
  std::string ssl_key;      // ?ssl-key=/path
  int connect_timeout_s = 10;  // ?connect-timeout=N

  // "mysql://user@host:port/db": for logs and messages, never the password.
  std::string Redacted() const;
  // kConfig on a malformed DSN; the message quotes the redacted form only.
  static core::Result<MysqlDsn> Parse(std::string_view dsn);
};

// A text-protocol result read whole: for small catalog/status queries only.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt = NULL

  // Index of a column by name (case-insensitive), or -1.
  int Column(std::string_view name) const;
};

class MysqlConnection {
 public:
  struct Options {
    int read_timeout_s = 0;  // 0 = library default; the binlog reader sets it above the heartbeat
  };

  static core::Result<std::unique_ptr<MysqlConnection>> Connect(const MysqlDsn& dsn,
                                                                const Options& options);
  static core::Result<std::unique_ptr<MysqlConnection>> Connect(const MysqlDsn& dsn) {
    return Connect(dsn, Options{});
  }
  ~MysqlConnection();
  MysqlConnection(const MysqlConnection&) = delete;
  MysqlConnection& operator=(const MysqlConnection&) = delete;

  // Runs a statement, discarding any result.
  core::Status Exec(std::string_view sql);
  core::Result<QueryResult> Query(std::string_view sql);
  // First column of the first row; nullopt for no row or NULL.
  core::Result<std::optional<std::string>> QueryValue(std::string_view sql);

  // 'text' quoted as an SQL string literal for this connection's charset.
  std::string Quote(std::string_view text);

  // The classified error of the last failed call, prefixed by `what`.
  core::Error LastError(std::string_view what) const;
  unsigned LastErrno() const;

  bool IsMariaDb() const;
  const std::string& server_version() const { return server_version_; }
  const MysqlDsn& dsn() const { return dsn_; }
  st_mysql* handle() { return mysql_.get(); }

 private:
  struct Closer {
    void operator()(st_mysql* m) const;
  };
  MysqlConnection(std::unique_ptr<st_mysql, Closer> mysql, MysqlDsn dsn);

  std::unique_ptr<st_mysql, Closer> mysql_;
  MysqlDsn dsn_;
  std::string server_version_;
};

// How a server/client error number should be handled (see core::ErrorKind).
core::ErrorKind ClassifyMysqlError(unsigned error_number);

}  // namespace cdc::mysql
