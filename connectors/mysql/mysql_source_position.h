// The stored position of the MySQL source (state key kPositionStateKey): its
// JSON form, and the server-side facts about positions (the current end of the
// binlog, whether a stored file is still there). The GTID field holds the
// MariaDB GTID position or the MySQL executed GTID set.
#pragma once

#include <optional>
#include <string>

#include "connectors/mysql/mysql_connection.h"
#include "connectors/mysql/snapshot.h"
#include "core/model/result.h"

namespace cdc::mysql {

// "binlog.000003:1234", for logs and status.
std::string PointText(const BinlogPoint& point);

// {"file":"binlog.000003","offset":1234,"gtid":"...","server":"mariadb"|"mysql"}.
std::string PointToJson(const BinlogPoint& point, bool mariadb);
// nullopt for no stored value; kFatal when unreadable or with neither file nor GTID.
core::Result<std::optional<BinlogPoint>> PointFromJson(const std::optional<std::string>& stored);

// SHOW MASTER STATUS (or the MySQL 8.4 spelling) with the GTID state at that end.
core::Result<BinlogPoint> CurrentBinlogEnd(MysqlConnection& conn, bool mariadb);

// kFatal, telling to re-snapshot, when the point's binlog file was purged.
core::Status CheckNotPurged(MysqlConnection& conn, const BinlogPoint& point);

}  // namespace cdc::mysql
