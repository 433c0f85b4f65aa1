#include "connectors/mysql/mysql_source_position.h"

#include <fmt/format.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "connectors/mysql/mysql_source.h"

namespace cdc::mysql {

std::string PointText(const BinlogPoint& p) { return p.file + ":" + std::to_string(p.offset); }

std::string PointToJson(const BinlogPoint& point, bool mariadb) {
  nlohmann::json j = {{"file", point.file},
                      {"offset", point.offset},
                      {"gtid", point.gtid},
                      {"server", mariadb ? "mariadb" : "mysql"}};
  return j.dump();
}

core::Result<std::optional<BinlogPoint>> PointFromJson(const std::optional<std::string>& stored) {
  if (!stored) return std::optional<BinlogPoint>();
  try {
    auto j = nlohmann::json::parse(*stored);
    BinlogPoint p;
    p.file = j.value("file", "");
    p.offset = j.value("offset", uint64_t{0});
    p.gtid = j.value("gtid", "");
    if (p.file.empty() && p.gtid.empty()) throw std::runtime_error("neither file nor gtid");
    return std::optional<BinlogPoint>(std::move(p));
  } catch (const std::exception& e) {
    return core::Fail(
        core::Error::Fatal(fmt::format("stored MySQL position '{}' is unreadable: {}", *stored, e.what())));
  }
}

core::Result<BinlogPoint> CurrentBinlogEnd(MysqlConnection& conn, bool mariadb) {
  auto status = conn.Query("SHOW MASTER STATUS");
  if (!status) status = conn.Query("SHOW BINARY LOG STATUS");  // MySQL 8.4 spelling
  if (!status) return core::Fail(status.error());
  if (status->rows.empty())
    return core::Fail(core::Error::Config("SHOW MASTER STATUS is empty: binary logging is off"));
  BinlogPoint p;
  const auto& row = status->rows[0];
  p.file = row[0].value_or("");
  p.offset = std::strtoull(row[1].value_or("0").c_str(), nullptr, 10);
  if (mariadb) {
    auto gtid = conn.QueryValue("SELECT @@GLOBAL.gtid_binlog_pos");
    if (gtid && *gtid) p.gtid = **gtid;
  } else if (int c = status->Column("Executed_Gtid_Set"); c >= 0 && row[c]) {
    p.gtid = *row[c];
  }
  return p;
}

core::Status CheckNotPurged(MysqlConnection& conn, const BinlogPoint& point) {
  if (point.file.empty()) return {};
  auto logs = conn.Query("SHOW BINARY LOGS");
  if (!logs) return core::Fail(logs.error());
  for (const auto& row : logs->rows) {
    if (!row.empty() && row[0] && *row[0] == point.file) return {};
  }
  return core::Fail(core::Error::Fatal(fmt::format(
      "the stored position {} is in binlog file {}, which the server no longer has (purged); the "
      "changes since then cannot be read: erase the state key '{}' to take a new snapshot, and keep "
      "binlogs longer (expire_logs_days / binlog_expire_logs_seconds)",
      PointText(point), point.file, kPositionStateKey)));
}

}  // namespace cdc::mysql
