#include "connectors/mysql/snapshot.h"

#include <mysql.h>

#include <cstdlib>
#include <utility>

#include "connectors/mysql/mysql_checks.h"
#include "connectors/mysql/mysql_connection.h"
#include "connectors/mysql/snapshot_values.h"

namespace cdc::mysql {

namespace {

// Snapshot schemas get versions far above the binlog cache's, so a mapping
// that caches per (table, version) never confuses the two definitions.
constexpr uint64_t kSnapshotVersionBase = uint64_t{1} << 40;

std::string Cell(const QueryResult& r, size_t row, const char* column) {
  int c = r.Column(column);
  if (c < 0 || row >= r.rows.size() || !r.rows[row][c]) return {};
  return *r.rows[row][c];
}

// The GTID position at the snapshot's binlog point. BINLOG_GTID_POS reads the
// binlog file from its start up to the offset (a noticeable part of a
// snapshot's start on a large file), so when the binlog has not moved since the
// snapshot began, the server's current position is taken instead: read before
// SHOW MASTER STATUS confirms nothing was written, it is the same answer.
std::string MariaSnapshotGtid(MysqlConnection& c, const BinlogPoint& point) {
  auto current = c.QueryValue("SELECT @@GLOBAL.gtid_binlog_pos");
  auto status = c.Query("SHOW MASTER STATUS");
  if (current && *current && status && status->rows.size() == 1 && Cell(*status, 0, "File") == point.file &&
      std::strtoull(Cell(*status, 0, "Position").c_str(), nullptr, 10) == point.offset) {
    return **current;
  }
  auto gtid = c.QueryValue("SELECT BINLOG_GTID_POS(" + c.Quote(point.file) + ", " +
                           std::to_string(point.offset) + ")");
  return gtid && *gtid ? **gtid : std::string();
}

}  // namespace

Snapshot::Snapshot(std::unique_ptr<MysqlConnection> conn)
    : conn_(std::move(conn)), next_version_(kSnapshotVersionBase) {}

Snapshot::~Snapshot() = default;

core::Result<std::unique_ptr<Snapshot>> Snapshot::Begin(std::unique_ptr<MysqlConnection> conn) {
  std::unique_ptr<Snapshot> snapshot(new Snapshot(std::move(conn)));
  if (auto s = snapshot->Start(); !s) return core::Fail(s.error());
  return snapshot;
}

core::Result<std::unique_ptr<Snapshot>> Snapshot::BeginUnpositioned(std::unique_ptr<MysqlConnection> conn) {
  std::unique_ptr<Snapshot> snapshot(new Snapshot(std::move(conn)));
  if (auto s = snapshot->StartSession(); !s) return core::Fail(s.error());
  if (auto s = snapshot->conn_->Exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"); !s) {
    return core::Fail(s.error());
  }
  return snapshot;
}

core::Status Snapshot::StartSession() {
  // UTC so TIMESTAMP text is UTC like the binlog; a long write timeout because
  // the reader pauses whenever the pipeline queue is full.
  for (const char* sql : {"SET SESSION time_zone = '+00:00'", "SET SESSION net_write_timeout = 86400",
                          "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"}) {
    if (auto s = conn_->Exec(sql); !s) return s;
  }
  return {};
}

core::Status Snapshot::Start() {
  MysqlConnection& c = *conn_;
  if (auto s = StartSession(); !s) return s;
  if (c.IsMariaDb()) {
    // MariaDB records the binlog position of the consistent snapshot itself,
    // without blocking writers.
    if (auto s = c.Exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"); !s) return s;
    auto status = c.Query("SHOW STATUS LIKE 'binlog_snapshot_%'");
    if (!status) return core::Fail(status.error());
    for (const auto& row : status->rows) {
      if (row.size() < 2 || !row[0] || !row[1]) continue;
      if (*row[0] == "Binlog_snapshot_file") point_.file = *row[1];
      if (*row[0] == "Binlog_snapshot_position") point_.offset = std::strtoull(row[1]->c_str(), nullptr, 10);
    }
    if (!point_.file.empty()) point_.gtid = MariaSnapshotGtid(c, point_);
  } else {
    // MySQL has no snapshot position: hold the global read lock only while the
    // transaction starts and the binlog position is read.
    if (auto s = c.Exec("FLUSH TABLES WITH READ LOCK"); !s) return s;
    auto started = c.Exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    core::Result<QueryResult> status = core::Fail(core::Error::Bug("not read"));
    if (started) {
      status = c.Query("SHOW MASTER STATUS");
      if (!status) status = c.Query("SHOW BINARY LOG STATUS");  // MySQL 8.4 spelling
    } else {
      status = core::Fail(started.error());
    }
    auto unlocked = c.Exec("UNLOCK TABLES");
    if (!status) return core::Fail(status.error());
    if (!unlocked) return unlocked;
    point_.file = Cell(*status, 0, "File");
    point_.offset = std::strtoull(Cell(*status, 0, "Position").c_str(), nullptr, 10);
    point_.gtid = Cell(*status, 0, "Executed_Gtid_Set");
  }
  if (point_.file.empty() || point_.offset == 0) {
    return core::Fail(core::Error::Config(
        "cannot read the binlog position of the snapshot: is binary logging on and does the login "
        "have REPLICATION CLIENT / BINLOG MONITOR?"));
  }
  return {};
}

core::Result<std::string> Snapshot::SelectList(const std::string& from, const std::set<std::string>& columns,
                                               bool& has_key) {
  has_key = false;
  if (columns.empty()) return std::string("*");
  // The table's columns and key, from the metadata of an empty result.
  MYSQL* m = conn_->handle();
  const std::string probe = "SELECT * FROM " + from + " LIMIT 0";
  if (mysql_real_query(m, probe.data(), probe.size()) != 0) return core::Fail(conn_->LastError("reading " + from));
  MYSQL_RES* res = mysql_store_result(m);
  if (!res) return core::Fail(conn_->LastError("reading " + from));
  const unsigned n = mysql_num_fields(res);
  const MYSQL_FIELD* fields = mysql_fetch_fields(res);
  std::string list;
  size_t found = 0;
  for (unsigned i = 0; i < n; ++i) {
    const std::string name = fields[i].org_name ? fields[i].org_name : fields[i].name;
    const bool wanted = columns.count(name) > 0;
    const bool key = (fields[i].flags & PRI_KEY_FLAG) != 0;
    found += wanted;
    has_key = has_key || key;
    if (!wanted && !key) continue;
    if (!list.empty()) list += ", ";
    list += QuoteIdentifier(name);
  }
  mysql_free_result(res);
  // A column the table does not have: the mapping reports it; read the whole row.
  if (found < columns.size()) return std::string("*");
  return list;
}

core::Result<uint64_t> Snapshot::ReadTable(const std::string& database, const std::string& table,
                                           const RowSink& sink, const std::set<std::string>& wanted) {
  MYSQL* m = conn_->handle();
  const std::string from = QuoteIdentifier(database) + "." + QuoteIdentifier(table);
  bool has_key = false;
  auto list = SelectList(from, wanted, has_key);
  if (!list) {
    core::Error e = list.error();
    e.table = database + "." + table;
    return core::Fail(std::move(e));
  }
  // SELECT * keeps the table's column order, the order of binlog row images;
  // InnoDB scans in primary-key order. A narrower select list could be served
  // from a covering secondary index in another order: the primary key is forced.
  std::string sql = "SELECT " + *list + " FROM " + from;
  if (*list != "*" && has_key) sql += " FORCE INDEX (PRIMARY)";
  if (mysql_real_query(m, sql.data(), sql.size()) != 0) {
    core::Error e = conn_->LastError("snapshot of " + database + "." + table);
    e.table = database + "." + table;
    return core::Fail(std::move(e));
  }
  MYSQL_RES* res = mysql_use_result(m);
  if (!res) return core::Fail(conn_->LastError("snapshot of " + database + "." + table));

  unsigned n = mysql_num_fields(res);
  MYSQL_FIELD* fields = mysql_fetch_fields(res);
  auto schema = std::make_shared<core::TableSchema>();
  schema->schema = database;
  schema->name = table;
  schema->version = next_version_++;
  std::vector<TextColumn> columns(n);
  for (unsigned i = 0; i < n; ++i) {
    columns[i] = TextColumn{static_cast<uint8_t>(fields[i].type), fields[i].flags, fields[i].charsetnr,
                            fields[i].decimals};
    schema->columns.emplace_back(fields[i].org_name ? fields[i].org_name : fields[i].name);
    schema->types.push_back(TextColumnTypeName(columns[i]));
    if (fields[i].flags & PRI_KEY_FLAG) schema->key.push_back(i);
  }
  std::shared_ptr<const core::TableSchema> shared = std::move(schema);

  uint64_t count = 0;
  bool stopped = false;
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* lengths = mysql_fetch_lengths(res);
    std::vector<core::Value> values;
    values.reserve(n);
    for (unsigned i = 0; i < n; ++i) values.push_back(TextToValue(columns[i], row[i], lengths[i]));
    ++count;
    if (!sink(shared, std::move(values))) {
      stopped = true;
      break;
    }
  }
  if (stopped) {
    // Abandon the rest without reading it: the connection is not reused.
    mariadb_cancel(m);
    mysql_free_result(res);
    return count;
  }
  bool failed = mysql_errno(m) != 0;
  core::Error error = failed ? conn_->LastError("snapshot of " + database + "." + table) : core::Error{};
  mysql_free_result(res);
  if (failed) {
    error.table = database + "." + table;
    return core::Fail(std::move(error));
  }
  return count;
}

uint64_t Snapshot::EstimateRows(const std::string& database, const std::string& table) {
  auto rows = conn_->QueryValue(
      "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + conn_->Quote(database) +
      " AND TABLE_NAME = " + conn_->Quote(table));
  if (!rows || !*rows) return 0;
  return std::strtoull((*rows)->c_str(), nullptr, 10);
}

core::Status Snapshot::Finish() { return conn_->Exec("COMMIT"); }

}  // namespace cdc::mysql
