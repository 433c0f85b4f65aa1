#include "connectors/mysql/mysql_checks.h"

#include <mysqld_error.h>

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "connectors/mysql/mysql_connection.h"

namespace cdc::mysql {

namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Unquote(std::string s) {
  s = Trim(s);
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') {
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      out.push_back(s[i]);
      if (s[i] == '`' && s[i + 1] == '`') ++i;
    }
    return out;
  }
  return s;
}

// Global privileges (ON *.*) from SHOW GRANTS output, following granted roles
// one level deep (roles of roles are rare in replication accounts).
std::set<std::string> GlobalPrivileges(MysqlConnection& conn, std::vector<std::string>& notes) {
  std::set<std::string> privs;
  std::vector<std::string> pending = {"SHOW GRANTS"};
  std::set<std::string> seen;
  for (size_t round = 0; round < pending.size() && round < 8; ++round) {
    auto grants = conn.Query(pending[round]);
    if (!grants) {
      notes.push_back("could not read grants (" + grants.error().message + ")");
      continue;
    }
    for (const auto& row : grants->rows) {
      if (row.empty() || !row[0]) continue;
      std::string line = *row[0];
      std::string up = Upper(line);
      if (up.rfind("GRANT ", 0) != 0) continue;
      size_t on = up.find(" ON ");
      size_t to = up.find(" TO ");
      if (on == std::string::npos && to != std::string::npos) {
        // "GRANT `role` TO `user`@`host`": read the role's grants too.
        std::string role = Trim(line.substr(6, to - 6));
        if (seen.insert(role).second) pending.push_back("SHOW GRANTS FOR " + role);
        continue;
      }
      if (on == std::string::npos) continue;
      std::string target = Trim(up.substr(on + 4, (to == std::string::npos ? up.size() : to) - on - 4));
      if (target != "*.*") continue;
      std::string list = up.substr(6, on - 6);
      size_t start = 0;
      while (start <= list.size()) {
        size_t comma = list.find(',', start);
        std::string p = Trim(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!p.empty()) privs.insert(p);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
  }
  if (privs.count("ALL PRIVILEGES") || privs.count("ALL")) privs.insert("ALL");
  return privs;
}

bool Has(const std::set<std::string>& privs, std::initializer_list<const char*> any_of) {
  if (privs.count("ALL")) return true;
  for (const char* p : any_of) {
    if (privs.count(p)) return true;
  }
  return false;
}

}  // namespace

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    out.push_back(c);
    if (c == '`') out.push_back('`');
  }
  out.push_back('`');
  return out;
}

void SplitTableName(const std::string& qualified, const std::string& default_database,
                    std::string& database, std::string& table) {
  // A dot outside backquotes separates database and table.
  bool quoted = false;
  size_t dot = std::string::npos;
  for (size_t i = 0; i < qualified.size(); ++i) {
    if (qualified[i] == '`') quoted = !quoted;
    if (qualified[i] == '.' && !quoted) {
      dot = i;
      break;
    }
  }
  if (dot == std::string::npos) {
    database = default_database;
    table = Unquote(qualified);
  } else {
    database = Unquote(qualified.substr(0, dot));
    table = Unquote(qualified.substr(dot + 1));
  }
}

core::Result<CheckReport> RunChecks(MysqlConnection& conn, const CheckOptions& options) {
  CheckReport report;
  report.is_mariadb = conn.IsMariaDb();
  report.server_version = conn.server_version();
  std::vector<std::string> problems;

  auto vars = conn.Query(
      "SELECT @@GLOBAL.log_bin, @@GLOBAL.binlog_format, @@GLOBAL.binlog_row_image, "
      "@@GLOBAL.server_id, @@GLOBAL.binlog_checksum");
  if (!vars) return core::Fail(vars.error());
  if (vars->rows.empty()) return core::Fail(core::Error::Fatal("server variables: empty answer"));
  const auto& v = vars->rows[0];
  auto text = [&](size_t i) { return v.size() > i && v[i] ? Upper(*v[i]) : std::string(); };
  if (text(0) != "1" && text(0) != "ON") {
    problems.push_back("binary logging is off (log_bin=OFF): start the server with --log-bin");
  }
  std::string format = text(1);
  if (format != "ROW") {
    problems.push_back(fmt::format(
        "binlog_format is {}; row-based logging is required: SET GLOBAL binlog_format=ROW "
        "and binlog_format=ROW in the server configuration",
        format.empty() ? "unknown" : format));
  }
  report.row_image = text(2);
  report.server_own_id = static_cast<uint32_t>(std::strtoul(text(3).c_str(), nullptr, 10));
  report.binlog_checksum = text(4);

  // binlog_row_metadata exists from MariaDB 10.5 and MySQL 8.0.1.
  auto metadata = conn.QueryValue("SELECT @@GLOBAL.binlog_row_metadata");
  std::string row_metadata = metadata && *metadata ? Upper(**metadata) : "MINIMAL";
  report.row_metadata_full = row_metadata == "FULL";
  if (!report.row_metadata_full) {
    report.warnings.push_back(fmt::format(
        "binlog_row_metadata is {}: column names are read from information_schema and "
        "re-read after DDL; set binlog_row_metadata=FULL so every event names its columns",
        row_metadata));
  }

  if (report.row_image == "MINIMAL" || report.row_image == "NOBLOB") {
    std::vector<std::string> affected;
    for (const auto& t : options.tables) {
      if (!t.old_columns.empty() || t.needs_deletes) affected.push_back(t.table);
    }
    report.warnings.push_back(fmt::format(
        "binlog_row_image is {}: {}; such values are omitted, never sent as null{}{}",
        report.row_image,
        report.row_image == "MINIMAL"
            ? "updates carry only changed columns and deletes only the primary key"
            : "unchanged BLOB/TEXT columns are not in update images",
        affected.empty() ? "" : "; tables that read old values: ",
        fmt::join(affected, ", ")));
  } else if (report.row_image != "FULL") {
    problems.push_back("binlog_row_image has an unknown value " + report.row_image);
  }

  if (options.server_id == 0) {
    problems.push_back("server_id must be a positive number unique among the server's replicas");
  } else if (options.server_id == report.server_own_id) {
    problems.push_back(fmt::format(
        "server_id {} is the server's own @@server_id; choose another (e.g. 5701)", options.server_id));
  } else {
    auto hosts = conn.Query("SHOW SLAVE HOSTS");
    if (!hosts && conn.LastErrno() == ER_PARSE_ERROR) hosts = conn.Query("SHOW REPLICAS");
    if (!hosts) {
      report.warnings.push_back("cannot verify that server_id " + std::to_string(options.server_id) +
                                " is unused (" + hosts.error().message + ")");
    } else {
      int id_col = hosts->Column("Server_id");
      int host_col = hosts->Column("Host");
      for (const auto& row : hosts->rows) {
        if (id_col < 0 || !row[id_col] || *row[id_col] != std::to_string(options.server_id)) continue;
        std::string host = host_col >= 0 && row[host_col] ? *row[host_col] : "";
        if (!options.replica_name.empty() && host == options.replica_name) continue;  // ourselves, earlier
        problems.push_back(fmt::format(
            "server_id {} is already used by a registered replica ({}); each reader needs a unique server_id",
            options.server_id, host.empty() ? "unnamed" : host));
      }
    }
  }

  std::vector<std::string> notes;
  std::set<std::string> privs = GlobalPrivileges(conn, notes);
  for (const auto& n : notes) report.warnings.push_back(n);
  if (notes.empty()) {
    std::vector<std::string> missing;  // as explained to the user
    std::vector<std::string> grant;    // as written in GRANT
    if (!Has(privs, {"REPLICATION SLAVE", "SUPER"})) {
      missing.push_back("REPLICATION SLAVE");
      grant.push_back("REPLICATION SLAVE");
    }
    if (!Has(privs, {"REPLICATION CLIENT", "BINLOG MONITOR", "SUPER"})) {
      missing.push_back(report.is_mariadb ? "BINLOG MONITOR (REPLICATION CLIENT)" : "REPLICATION CLIENT");
      grant.push_back(report.is_mariadb ? "BINLOG MONITOR" : "REPLICATION CLIENT");
    }
    if (options.needs_snapshot && !report.is_mariadb && !Has(privs, {"RELOAD"})) {
      missing.push_back("RELOAD (for FLUSH TABLES WITH READ LOCK during the snapshot)");
      grant.push_back("RELOAD");
    }
    if (!missing.empty()) {
      problems.push_back(fmt::format("the login lacks {}: GRANT {} ON *.* TO the connector's user",
                                     fmt::join(missing, ", "), fmt::join(grant, ", ")));
    }
  }

  // Mapped tables: a zero-row SELECT proves the table exists and is readable,
  // whatever grants (roles, column privileges) allow it; its fields are the columns.
  for (const auto& t : options.tables) {
    std::string db, table;
    SplitTableName(t.table, options.default_database, db, table);
    std::string name = db + "." + table;
    auto probe = conn.Query("SELECT * FROM " + QuoteIdentifier(db) + "." + QuoteIdentifier(table) + " LIMIT 0");
    if (!probe) {
      unsigned err = conn.LastErrno();
      if (err == ER_NO_SUCH_TABLE || err == ER_BAD_DB_ERROR) {
        problems.push_back("mapped table " + name + " does not exist");
      } else if (err == ER_TABLEACCESS_DENIED_ERROR || err == ER_COLUMNACCESS_DENIED_ERROR ||
                 err == ER_DBACCESS_DENIED_ERROR) {
        problems.push_back("the login lacks SELECT on " + name + ": GRANT SELECT ON " +
                           QuoteIdentifier(db) + "." + QuoteIdentifier(table) + " TO the connector's user");
      } else {
        problems.push_back("cannot read mapped table " + name + ": " + probe.error().message);
      }
      continue;
    }
    std::vector<std::string> absent;
    for (const auto& c : t.columns) {
      if (probe->Column(c) < 0) absent.push_back(c);
    }
    for (const auto& c : t.old_columns) {
      if (probe->Column(c) < 0 && std::find(absent.begin(), absent.end(), c) == absent.end()) {
        absent.push_back(c);
      }
    }
    if (!absent.empty()) {
      problems.push_back(fmt::format("mapped table {} has no column {}", name, fmt::join(absent, ", ")));
    }
  }

  if (!problems.empty()) {
    std::string message = "MySQL source checks failed:";
    for (const auto& p : problems) message += "\n  - " + p;
    return core::Fail(core::Error::Config(std::move(message)));
  }
  return report;
}

}  // namespace cdc::mysql
