#include "connectors/mysql/binlog_event.h"

#include <cctype>
#include <string>

namespace cdc::mysql {

std::string EventTypeName(uint8_t type) {
  switch (type) {
    case kUnknownEvent:
      return "UNKNOWN";
    case kStartEventV3:
      return "START_V3";
    case kQueryEvent:
      return "QUERY";
    case kStopEvent:
      return "STOP";
    case kRotateEvent:
      return "ROTATE";
    case kIntvarEvent:
      return "INTVAR";
    case kSlaveEvent:
      return "SLAVE";
    case kAppendBlockEvent:
      return "APPEND_BLOCK";
    case kDeleteFileEvent:
      return "DELETE_FILE";
    case kRandEvent:
      return "RAND";
    case kUserVarEvent:
      return "USER_VAR";
    case kFormatDescriptionEvent:
      return "FORMAT_DESCRIPTION";
    case kXidEvent:
      return "XID";
    case kBeginLoadQueryEvent:
      return "BEGIN_LOAD_QUERY";
    case kExecuteLoadQueryEvent:
      return "EXECUTE_LOAD_QUERY";
    case kTableMapEvent:
      return "TABLE_MAP";
    case kWriteRowsEventV0:
      return "WRITE_ROWS_V0";
    case kUpdateRowsEventV0:
      return "UPDATE_ROWS_V0";
    case kDeleteRowsEventV0:
      return "DELETE_ROWS_V0";
    case kWriteRowsEventV1:
      return "WRITE_ROWS_V1";
    case kUpdateRowsEventV1:
      return "UPDATE_ROWS_V1";
    case kDeleteRowsEventV1:
      return "DELETE_ROWS_V1";
    case kIncidentEvent:
      return "INCIDENT";
    case kHeartbeatEvent:
      return "HEARTBEAT";
    case kIgnorableEvent:
      return "IGNORABLE";
    case kRowsQueryEvent:
      return "ROWS_QUERY";
    case kWriteRowsEventV2:
      return "WRITE_ROWS_V2";
    case kUpdateRowsEventV2:
      return "UPDATE_ROWS_V2";
    case kDeleteRowsEventV2:
      return "DELETE_ROWS_V2";
    case kGtidEvent:
      return "GTID";
    case kAnonymousGtidEvent:
      return "ANONYMOUS_GTID";
    case kPreviousGtidsEvent:
      return "PREVIOUS_GTIDS";
    case kTransactionContextEvent:
      return "TRANSACTION_CONTEXT";
    case kViewChangeEvent:
      return "VIEW_CHANGE";
    case kXaPrepareEvent:
      return "XA_PREPARE";
    case kPartialUpdateRowsEvent:
      return "PARTIAL_UPDATE_ROWS";
    case kTransactionPayloadEvent:
      return "TRANSACTION_PAYLOAD";
    case kHeartbeatEventV2:
      return "HEARTBEAT_V2";
    case kGtidTaggedEvent:
      return "GTID_TAGGED";
    case kMariaAnnotateRowsEvent:
      return "MARIADB_ANNOTATE_ROWS";
    case kMariaBinlogCheckpointEvent:
      return "MARIADB_BINLOG_CHECKPOINT";
    case kMariaGtidEvent:
      return "MARIADB_GTID";
    case kMariaGtidListEvent:
      return "MARIADB_GTID_LIST";
    case kMariaStartEncryptionEvent:
      return "MARIADB_START_ENCRYPTION";
    case kMariaQueryCompressedEvent:
      return "MARIADB_QUERY_COMPRESSED";
    case kMariaWriteRowsCompressedEventV1:
      return "MARIADB_WRITE_ROWS_COMPRESSED_V1";
    case kMariaUpdateRowsCompressedEventV1:
      return "MARIADB_UPDATE_ROWS_COMPRESSED_V1";
    case kMariaDeleteRowsCompressedEventV1:
      return "MARIADB_DELETE_ROWS_COMPRESSED_V1";
    case kMariaWriteRowsCompressedEvent:
      return "MARIADB_WRITE_ROWS_COMPRESSED";
    case kMariaUpdateRowsCompressedEvent:
      return "MARIADB_UPDATE_ROWS_COMPRESSED";
    case kMariaDeleteRowsCompressedEvent:
      return "MARIADB_DELETE_ROWS_COMPRESSED";
    default:
      return "UNKNOWN_" + std::to_string(type);
  }
}

namespace {

// Skips whitespace and /* ... */ comments, except executable /*! ... */ ones
// whose body is the statement itself (mysqldump writes DDL that way).
std::string_view SkipNoise(std::string_view s) {
  while (!s.empty()) {
    if (std::isspace(static_cast<unsigned char>(s.front()))) {
      s.remove_prefix(1);
    } else if (s.starts_with("/*!")) {
      size_t i = 3;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      s.remove_prefix(i);
    } else if (s.starts_with("/*")) {
      size_t end = s.find("*/");
      s.remove_prefix(end == std::string_view::npos ? s.size() : end + 2);
    } else if (s.starts_with("-- ") || s.starts_with("#")) {
      size_t end = s.find('\n');
      s.remove_prefix(end == std::string_view::npos ? s.size() : end + 1);
    } else {
      break;
    }
  }
  return s;
}

std::string_view NextWord(std::string_view& s) {
  s = SkipNoise(s);
  size_t i = 0;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
  std::string_view w = s.substr(0, i);
  s.remove_prefix(i);
  return w;
}

bool Is(std::string_view word, std::string_view upper) {
  if (word.size() != upper.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(word[i])) != upper[i]) return false;
  }
  return true;
}

}  // namespace

QueryKind ClassifyQuery(std::string_view sql) {
  std::string_view rest = sql;
  std::string_view w = NextWord(rest);
  if (Is(w, "BEGIN")) return QueryKind::kBegin;
  if (Is(w, "START")) return QueryKind::kBegin;  // START TRANSACTION
  if (Is(w, "COMMIT")) return QueryKind::kCommit;
  if (Is(w, "SAVEPOINT") || Is(w, "RELEASE")) return QueryKind::kSavepoint;
  if (Is(w, "ROLLBACK")) {
    std::string_view next = NextWord(rest);
    if (Is(next, "TO")) return QueryKind::kSavepoint;
    return QueryKind::kRollback;
  }
  if (Is(w, "XA")) {
    std::string_view next = NextWord(rest);
    if (Is(next, "START") || Is(next, "BEGIN")) return QueryKind::kBegin;
    return QueryKind::kXa;
  }
  if (Is(w, "CREATE") || Is(w, "ALTER") || Is(w, "DROP") || Is(w, "RENAME") || Is(w, "TRUNCATE")) {
    return QueryKind::kDdl;
  }
  return QueryKind::kOther;
}

}  // namespace cdc::mysql
