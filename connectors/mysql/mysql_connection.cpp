#include "connectors/mysql/mysql_connection.h"

#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>

#include <cctype>
#include <charconv>
#include <utility>

#include <fmt/format.h>

namespace cdc::mysql {

namespace {

// Percent-decoding of URI parts; false on a malformed escape.
bool PercentDecode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    if (!std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      return false;
    }
    out.push_back(static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
    i += 2;
  }
  return true;
}

bool ParseUnsigned(std::string_view text, unsigned& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string MysqlDsn::Redacted() const {
  std::string out = "mysql://";
  if (!user.empty()) out += user + "@";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  out += ":" + std::to_string(port) + "/" + database;
  if (!socket.empty()) out += "?socket=" + socket;
  return out;
}

core::Result<MysqlDsn> MysqlDsn::Parse(std::string_view dsn) {
  auto bad = [](const std::string& why) {
    return core::Fail(core::Error::Config(
        "invalid MySQL DSN (" + why + "); expected mysql://user:password@host:port/database[?socket=/path]"));
  };
  MysqlDsn out;
  size_t scheme_end = dsn.find("://");
  if (scheme_end == std::string_view::npos) return bad("no mysql:// scheme");
  std::string_view scheme = dsn.substr(0, scheme_end);
  if (!EqualsNoCase(scheme, "mysql") && !EqualsNoCase(scheme, "mariadb")) {
    return bad("scheme must be mysql://");
  }
  std::string_view rest = dsn.substr(scheme_end + 3);
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view path;
  // The user info may itself contain '/' only percent-encoded, so the last '@' ends it.
  size_t at = rest.rfind('@');
  std::string_view userinfo = at == std::string_view::npos ? std::string_view() : rest.substr(0, at);
  std::string_view hostpart = at == std::string_view::npos ? rest : rest.substr(at + 1);
  if (size_t slash = hostpart.find('/'); slash != std::string_view::npos) {
    path = hostpart.substr(slash + 1);
    hostpart = hostpart.substr(0, slash);
  }
  if (!userinfo.empty()) {
    size_t colon = userinfo.find(':');
    if (!PercentDecode(userinfo.substr(0, colon), out.user)) return bad("bad escape in user");
    if (colon != std::string_view::npos &&
        !PercentDecode(userinfo.substr(colon + 1), out.password)) {
      return bad("bad escape in password");
    }
  }
  std::string_view port_text;
  if (!hostpart.empty() && hostpart.front() == '[') {
    size_t close = hostpart.find(']');
    if (close == std::string_view::npos) return bad("unclosed [ in host");
    out.host = std::string(hostpart.substr(1, close - 1));
    std::string_view after = hostpart.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("junk after host");
      port_text = after.substr(1);
    }
  } else if (size_t colon = hostpart.rfind(':'); colon != std::string_view::npos) {
    out.host = std::string(hostpart.substr(0, colon));
    port_text = hostpart.substr(colon + 1);
  } else if (!hostpart.empty()) {
    out.host = std::string(hostpart);
  }
  if (!port_text.empty() && (!ParseUnsigned(port_text, out.port) || out.port == 0 || out.port > 65535)) {
    return bad("port must be 1-65535");
  }
  if (!PercentDecode(path, out.database)) return bad("bad escape in database");
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key(pair.substr(0, eq));
    std::string value;
    if (!PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), value)) {
      return bad("bad escape in parameter " + key);
    }
    for (char& c : key) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (key == "socket") {
      out.socket = value;
    } else if (key == "ssl-mode" || key == "sslmode") {
      static constexpr std::string_view kModes[] = {"disabled", "preferred", "required", "verify-ca",
                                                    "verify-identity"};
      for (char& c : value) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      bool known = false;
      for (auto m : kModes) known = known || value == m;
      if (!known) return bad("ssl-mode must be disabled, preferred, required, verify-ca or verify-identity");
      out.ssl_mode = value;
    } else if (key == "ssl-ca") {
      out.ssl_ca = value;
    } else if (key == "ssl-cert") {
      out.ssl_cert = value;
    } else if (key == "ssl-key") {
      out.ssl_key = value;
    } else if (key == "connect-timeout") {
      unsigned t = 0;
      if (!ParseUnsigned(value, t) || t == 0) return bad("connect-timeout must be a positive number of seconds");
      out.connect_timeout_s = static_cast<int>(t);
    } else {
      return bad("unknown parameter " + key);
    }
  }
  if (out.host.empty() && out.socket.empty()) return bad("no host");
  if (out.host.empty()) out.host = "localhost";
  return out;
}

int QueryResult::Column(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (EqualsNoCase(columns[i], name)) return static_cast<int>(i);
  }
  return -1;
}

core::ErrorKind ClassifyMysqlError(unsigned error_number) {
  switch (error_number) {
    case ER_ACCESS_DENIED_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
    case ER_BAD_DB_ERROR:
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_COLUMNACCESS_DENIED_ERROR:
    case ER_NO_SUCH_TABLE:
    case ER_BAD_FIELD_ERROR:
    case CR_SSL_CONNECTION_ERROR:
    case CR_UNKNOWN_HOST:
      return core::ErrorKind::kConfig;
    case ER_MASTER_FATAL_ERROR_READING_BINLOG:
      return core::ErrorKind::kFatal;
    case ER_SERVER_SHUTDOWN:
    case ER_CON_COUNT_ERROR:
    case ER_TOO_MANY_USER_CONNECTIONS:
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_LOCK_DEADLOCK:
    case ER_QUERY_INTERRUPTED:
    case ER_CONNECTION_KILLED:
      return core::ErrorKind::kRetryable;
    default:
      break;
  }
  // Client-side errors (2000-2999): lost or refused connections, timeouts.
  if (error_number >= 2000 && error_number < 3000) return core::ErrorKind::kRetryable;
  return core::ErrorKind::kFatal;
}

void MysqlConnection::Closer::operator()(st_mysql* m) const { mysql_close(m); }

MysqlConnection::MysqlConnection(std::unique_ptr<st_mysql, Closer> mysql, MysqlDsn dsn)
    : mysql_(std::move(mysql)), dsn_(std::move(dsn)) {
  if (const char* v = mysql_get_server_info(mysql_.get())) server_version_ = v;
}

MysqlConnection::~MysqlConnection() = default;

core::Result<std::unique_ptr<MysqlConnection>> MysqlConnection::Connect(const MysqlDsn& dsn,
                                                                        const Options& options) {
  std::unique_ptr<st_mysql, Closer> mysql(mysql_init(nullptr));
  if (!mysql) return core::Fail(core::Error::Fatal("MySQL client: out of memory"));
  MYSQL* m = mysql.get();
  unsigned connect_timeout = static_cast<unsigned>(dsn.connect_timeout_s);
  mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  if (options.read_timeout_s > 0) {
    unsigned t = static_cast<unsigned>(options.read_timeout_s);
    mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &t);
    mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &t);
  }
  mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (!dsn.socket.empty()) {
    unsigned protocol = MYSQL_PROTOCOL_SOCKET;
    mysql_optionsv(m, MYSQL_OPT_PROTOCOL, &protocol);
  } else {
    unsigned protocol = MYSQL_PROTOCOL_TCP;
    mysql_optionsv(m, MYSQL_OPT_PROTOCOL, &protocol);
  }
  // TLS: a CA or an explicit mode turns it on; verify-* also checks the certificate.
  std::string mode = dsn.ssl_mode.empty() && !dsn.ssl_ca.empty() ? "verify-ca" : dsn.ssl_mode;
  if (!dsn.ssl_ca.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_CA, dsn.ssl_ca.c_str());
  if (!dsn.ssl_cert.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_CERT, dsn.ssl_cert.c_str());
  if (!dsn.ssl_key.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_KEY, dsn.ssl_key.c_str());
  if (mode == "required" || mode == "verify-ca" || mode == "verify-identity") {
    my_bool on = 1;
    mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &on);
    my_bool verify = mode != "required";
    mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
  } else if (mode == "disabled") {
    my_bool off = 0;
    mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &off);
    mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off);
  }
  const char* host = dsn.socket.empty() ? dsn.host.c_str() : "localhost";
  const char* socket = dsn.socket.empty() ? nullptr : dsn.socket.c_str();
  const char* db = dsn.database.empty() ? nullptr : dsn.database.c_str();
  if (!mysql_real_connect(m, host, dsn.user.c_str(), dsn.password.c_str(), db, dsn.port, socket,
                          CLIENT_MULTI_RESULTS)) {
    unsigned err = mysql_errno(m);
    core::Error e{ClassifyMysqlError(err),
                  fmt::format("cannot connect to {}: {} ({})", dsn.Redacted(), mysql_error(m), err),
                  {}, {}};
    return core::Fail(std::move(e));
  }
  return std::unique_ptr<MysqlConnection>(new MysqlConnection(std::move(mysql), dsn));
}

core::Error MysqlConnection::LastError(std::string_view what) const {
  unsigned err = mysql_errno(mysql_.get());
  return core::Error{ClassifyMysqlError(err),
                     fmt::format("{}: {} ({})", what, mysql_error(mysql_.get()), err), {}, {}};
}

unsigned MysqlConnection::LastErrno() const { return mysql_errno(mysql_.get()); }

bool MysqlConnection::IsMariaDb() const {
  return server_version_.find("MariaDB") != std::string::npos;
}

core::Status MysqlConnection::Exec(std::string_view sql) {
  if (mysql_real_query(mysql_.get(), sql.data(), sql.size()) != 0) {
    return core::Fail(LastError(sql));
  }
  // Drain every result so the connection is ready for the next statement.
  do {
    if (MYSQL_RES* res = mysql_store_result(mysql_.get())) mysql_free_result(res);
  } while (mysql_next_result(mysql_.get()) == 0);
  if (mysql_errno(mysql_.get()) != 0) return core::Fail(LastError(sql));
  return {};
}

core::Result<QueryResult> MysqlConnection::Query(std::string_view sql) {
  if (mysql_real_query(mysql_.get(), sql.data(), sql.size()) != 0) {
    return core::Fail(LastError(sql));
  }
  MYSQL_RES* res = mysql_store_result(mysql_.get());
  if (!res) {
    if (mysql_errno(mysql_.get()) != 0) return core::Fail(LastError(sql));
    return QueryResult{};
  }
  std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)> guard(res, mysql_free_result);
  QueryResult out;
  unsigned n = mysql_num_fields(res);
  MYSQL_FIELD* fields = mysql_fetch_fields(res);
  for (unsigned i = 0; i < n; ++i) out.columns.emplace_back(fields[i].name, fields[i].name_length);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* lengths = mysql_fetch_lengths(res);
    auto& r = out.rows.emplace_back();
    r.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
      if (row[i]) {
        r.emplace_back(std::string(row[i], lengths[i]));
      } else {
        r.emplace_back(std::nullopt);
      }
    }
  }
  return out;
}

core::Result<std::optional<std::string>> MysqlConnection::QueryValue(std::string_view sql) {
  auto result = Query(sql);
  if (!result) return core::Fail(result.error());
  if (result->rows.empty() || result->rows[0].empty()) return std::optional<std::string>();
  return result->rows[0][0];
}

std::string MysqlConnection::Quote(std::string_view text) {
  std::string out(text.size() * 2 + 3, '\0');
  out[0] = '\'';
  unsigned long n = mysql_real_escape_string(mysql_.get(), out.data() + 1, text.data(), text.size());
  out.resize(n + 1);
  out.push_back('\'');
  return out;
}

}  // namespace cdc::mysql
