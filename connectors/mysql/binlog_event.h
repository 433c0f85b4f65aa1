// BinlogEvent: one decoded v4 binlog event (MySQL 5.5+ and MariaDB 10+):
// the common 19-byte header plus a variant of typed bodies. Plain values, no
// views into the raw bytes; rows carry their decoded images.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "connectors/mysql/gtid.h"
#include "connectors/mysql/table_map.h"
#include "core/model/row_change.h"
#include "core/model/value.h"

namespace cdc::mysql {

// Event type codes (Log_event_type of both servers).
enum EventType : uint8_t {
  kUnknownEvent = 0,
  kStartEventV3 = 1,
  kQueryEvent = 2,
  kStopEvent = 3,
  kRotateEvent = 4,
  kIntvarEvent = 5,
  kSlaveEvent = 7,
  kAppendBlockEvent = 9,
  kDeleteFileEvent = 11,
  kRandEvent = 13,
  kUserVarEvent = 14,
  kFormatDescriptionEvent = 15,
  kXidEvent = 16,
  kBeginLoadQueryEvent = 17,
  kExecuteLoadQueryEvent = 18,
  kTableMapEvent = 19,
  kWriteRowsEventV0 = 20,
  kUpdateRowsEventV0 = 21,
  kDeleteRowsEventV0 = 22,
  kWriteRowsEventV1 = 23,
  kUpdateRowsEventV1 = 24,
  kDeleteRowsEventV1 = 25,
  kIncidentEvent = 26,
  kHeartbeatEvent = 27,
  kIgnorableEvent = 28,
  kRowsQueryEvent = 29,
  kWriteRowsEventV2 = 30,
  kUpdateRowsEventV2 = 31,
  kDeleteRowsEventV2 = 32,
  kGtidEvent = 33,
  kAnonymousGtidEvent = 34,
  kPreviousGtidsEvent = 35,
  kTransactionContextEvent = 36,
  kViewChangeEvent = 37,
  kXaPrepareEvent = 38,
  kPartialUpdateRowsEvent = 39,
  kTransactionPayloadEvent = 40,
  kHeartbeatEventV2 = 41,
  kGtidTaggedEvent = 42,
  kMariaAnnotateRowsEvent = 160,
  kMariaBinlogCheckpointEvent = 161,
  kMariaGtidEvent = 162,
  kMariaGtidListEvent = 163,
  kMariaStartEncryptionEvent = 164,
  kMariaQueryCompressedEvent = 165,
  kMariaWriteRowsCompressedEventV1 = 166,
  kMariaUpdateRowsCompressedEventV1 = 167,
  kMariaDeleteRowsCompressedEventV1 = 168,
  kMariaWriteRowsCompressedEvent = 169,
  kMariaUpdateRowsCompressedEvent = 170,
  kMariaDeleteRowsCompressedEvent = 171,
};

// "WRITE_ROWS_V2", "MARIADB_GTID", "UNKNOWN_100"... as in the fixtures' expect files.
std::string EventTypeName(uint8_t type);

// LOG_EVENT_IGNORABLE_F: a server may skip an event of unknown type with this flag.
inline constexpr uint16_t kLogEventIgnorableFlag = 0x80;
inline constexpr size_t kEventHeaderSize = 19;
inline constexpr size_t kChecksumSize = 4;

struct EventHeader {
  uint32_t timestamp = 0;
  uint8_t type = 0;
  uint32_t server_id = 0;
  uint32_t event_size = 0;
  uint32_t log_pos = 0;  // end offset of this event in its file (0 for artificial events)
  uint16_t flags = 0;
};

enum class Flavor : uint8_t { kMysql, kMariaDb };
enum class ChecksumAlg : uint8_t { kOff = 0, kCrc32 = 1, kUndefined = 255 };

struct FormatDescription {
  uint16_t binlog_version = 4;
  std::string server_version;  // "5.7.30-log", "10.11.19-MariaDB-..."
  uint32_t create_timestamp = 0;
  uint8_t header_length = 19;
  std::vector<uint8_t> post_header_lengths;  // index = event type - 1
  ChecksumAlg checksum = ChecksumAlg::kOff;
  Flavor flavor = Flavor::kMysql;
};

struct Rotate {
  uint64_t position = 0;
  std::string next_file;
};

enum class QueryKind : uint8_t {
  kBegin,      // "BEGIN" / "XA START": a transaction opens
  kCommit,     // "COMMIT" (non-transactional engines, MariaDB DDL-less commits)
  kRollback,   // "ROLLBACK" (also "ROLLBACK TO SAVEPOINT": see kSavepoint)
  kSavepoint,  // SAVEPOINT / ROLLBACK TO / RELEASE SAVEPOINT
  kXa,         // XA END / PREPARE / COMMIT / ROLLBACK
  kDdl,        // CREATE/ALTER/DROP/RENAME/TRUNCATE...: table maps become stale
  kOther,      // statement-based DML, SET, GRANT...
};

struct Query {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  std::string database;
  std::string sql;
  QueryKind kind = QueryKind::kOther;
};

// Classifies a statement text (leading comments and whitespace skipped).
QueryKind ClassifyQuery(std::string_view sql);

// One row change of a rows event: `before` for update/delete, `after` for
// write/update (the other is empty). Images span every table column; columns
// not in the event's column bitmap are core::Value::Absent().
struct Row {
  std::vector<core::Value> before;
  std::vector<core::Value> after;
};

enum class RowsKind : uint8_t { kWrite, kUpdate, kDelete };

struct Rows {
  RowsKind kind = RowsKind::kWrite;
  uint8_t version = 2;        // 0, 1 or 2 (MariaDB compressed: 1)
  bool compressed = false;    // MariaDB *_ROWS_COMPRESSED_* (zlib body)
  bool partial_json = false;  // PARTIAL_UPDATE_ROWS with JSON diffs in the after image
  uint64_t table_id = 0;
  uint16_t flags = 0;                               // STMT_END_F = 1 ends the statement
  std::vector<bool> columns_before;                 // present columns (before image / delete / write)
  std::vector<bool> columns_after;                  // update after image (empty otherwise)
  std::shared_ptr<const TableMap> table_map;        // null when no TABLE_MAP matched
  std::shared_ptr<const core::TableSchema> schema;  // idem
  bool decoded = false;                             // false when rows were skipped (filter) or undecodable
  std::vector<Row> rows;
};

struct Xid {
  uint64_t xid = 0;
};

// MySQL GTID / ANONYMOUS_GTID / GTID_TAGGED.
struct Gtid {
  bool anonymous = false;
  MysqlGtid gtid;     // sid all-zero and gno 0 when anonymous
  uint8_t flags = 0;  // bit 0: may commit in parallel (commit flag)
  std::optional<int64_t> last_committed;
  std::optional<int64_t> sequence_number;
  std::optional<uint64_t> immediate_commit_timestamp_us;
  std::optional<uint64_t> original_commit_timestamp_us;
  std::optional<uint64_t> transaction_length;
};

struct PreviousGtids {
  MysqlGtidSet set;
};

struct BinlogEvent;

// MySQL 8.0.20+ binlog_transaction_compression: the inner events, decoded.
struct TransactionPayload {
  uint64_t compression_type = 0;  // 0 = zstd, 255 = none
  uint64_t payload_size = 0;
  uint64_t uncompressed_size = 0;
  std::vector<BinlogEvent> events;
};

struct MariaGtidEvent {
  MariaGtid gtid;  // server_id from the event header
  uint8_t flags = 0;
  bool standalone = false;            // FL_STANDALONE: no BEGIN/COMMIT/XID follows
  bool transactional = false;         // FL_TRANSACTIONAL
  bool ddl = false;                   // FL_DDL
  std::optional<uint64_t> commit_id;  // FL_GROUP_COMMIT_ID
  std::string xid;                    // FL_PREPARED_XA / FL_COMPLETED_XA: raw XID data
};

struct MariaGtidList {
  std::vector<MariaGtid> gtids;
};

struct AnnotateRows {
  std::string sql;
};

struct BinlogCheckpoint {
  std::string file;
};

struct Heartbeat {
  uint8_t version = 1;  // 1 = HEARTBEAT_LOG_EVENT, 2 = HEARTBEAT_LOG_EVENT_V2
  std::string file;
  uint64_t position = 0;
};

struct Stop {};

struct Incident {
  uint16_t type = 0;
  std::string message;
};

struct RowsQuery {
  std::string sql;
};

// An event the decoder knowingly does not turn into data (INTVAR, RAND,
// USER_VAR, vendor types with LOG_EVENT_IGNORABLE_F...). Counted by the decoder.
struct Ignored {
  uint8_t type = 0;
  bool ignorable_flag = false;
};

using EventBody = std::variant<FormatDescription, Rotate, Query, std::shared_ptr<const TableMap>, Rows, Xid,
                               Gtid, PreviousGtids, TransactionPayload, MariaGtidEvent, MariaGtidList,
                               AnnotateRows, BinlogCheckpoint, Heartbeat, Stop, Incident, RowsQuery, Ignored>;

struct BinlogEvent {
  EventHeader header;
  bool checksum_verified = false;  // a CRC32 was present and matched
  EventBody body;

  template <class T>
  const T* As() const {
    return std::get_if<T>(&body);
  }
};

}  // namespace cdc::mysql
