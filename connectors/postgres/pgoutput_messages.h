// The typed pgoutput messages (protocol versions 1 and 2) the decoder produces.
// Every std::string_view points into the payload given to PgoutputDecoder::Decode
// and is valid only while that buffer lives: copy what must outlive it.
// Times are Unix epoch microseconds (converted from the server's 2000-01-01 epoch).
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

namespace cdc::pg {

// Microseconds between 1970-01-01 and 2000-01-01 (the PostgreSQL epoch).
inline constexpr int64_t kPostgresEpochOffsetUs = 946684800LL * 1000000LL;

// 'B'
struct BeginMessage {
  uint64_t final_lsn = 0;  // LSN of the commit record
  int64_t commit_time_us = 0;
  uint32_t xid = 0;
};

// 'C'
struct CommitMessage {
  uint8_t flags = 0;
  uint64_t commit_lsn = 0;
  uint64_t end_lsn = 0;  // end of the commit record: the position to confirm
  int64_t commit_time_us = 0;
};

// 'O'
struct OriginMessage {
  uint64_t commit_lsn = 0;
  std::string_view name;
};

struct RelationColumn {
  uint8_t flags = 0;  // bit 0: part of the replica identity (key)
  std::string_view name;
  uint32_t type_oid = 0;
  int32_t type_modifier = -1;

  bool is_key() const { return (flags & 1) != 0; }
};

// Inside a stream (protocol 2) Relation, Type, Insert, Update, Delete, Truncate
// and Message carry `xid`: the (sub)transaction that made the change, which is
// the StreamStart xid or one of its subtransactions. A StreamAbort naming that
// subxid discards exactly those changes. Outside a stream `xid` is 0.

// 'R'. Apply at once, even inside a stream: it is not resent after the commit.
struct RelationMessage {
  uint32_t xid = 0;
  uint32_t oid = 0;
  std::string_view namespace_name;  // "" is sent for pg_catalog
  std::string_view name;
  char replica_identity = 'd';  // 'd' default, 'n' nothing, 'f' full, 'i' index
  std::vector<RelationColumn> columns;
};

// 'Y': sent before the first Relation that uses a non-builtin type.
struct TypeMessage {
  uint32_t xid = 0;
  uint32_t oid = 0;
  std::string_view namespace_name;
  std::string_view name;
};

enum class TupleDataKind : char {
  kNull = 'n',
  kUnchangedToast = 'u',  // value not sent: unchanged TOASTed column
  kText = 't',
  kBinary = 'b',
};

struct TupleColumn {
  TupleDataKind kind = TupleDataKind::kNull;
  std::string_view data;  // text/binary value; empty for null and unchanged
};

using TupleData = std::vector<TupleColumn>;

// Which old row an Update/Delete carries.
enum class OldTupleKind : char {
  kNone = 0,   // Update without old row (key unchanged, identity not FULL)
  kKey = 'K',  // only the replica identity columns carry values
  kOld = 'O',  // the whole old row (REPLICA IDENTITY FULL)
};

// 'I'
struct InsertMessage {
  uint32_t xid = 0;
  uint32_t relation_oid = 0;
  TupleData new_tuple;
};

// 'U'
struct UpdateMessage {
  uint32_t xid = 0;
  uint32_t relation_oid = 0;
  OldTupleKind old_kind = OldTupleKind::kNone;
  TupleData old_tuple;  // empty when old_kind is kNone
  TupleData new_tuple;
};

// 'D'
struct DeleteMessage {
  uint32_t xid = 0;
  uint32_t relation_oid = 0;
  OldTupleKind old_kind = OldTupleKind::kKey;  // kKey or kOld
  TupleData old_tuple;
};

// 'T'
struct TruncateMessage {
  uint32_t xid = 0;
  uint8_t options = 0;  // bit 0 CASCADE, bit 1 RESTART IDENTITY
  std::vector<uint32_t> relation_oids;

  bool cascade() const { return (options & 1) != 0; }
  bool restart_identity() const { return (options & 2) != 0; }
};

// 'M' (pg_logical_emit_message; only with the `messages` option).
struct LogicalMessage {
  uint32_t xid = 0;
  uint8_t flags = 0;  // bit 0: transactional
  uint64_t lsn = 0;
  std::string_view prefix;
  std::string_view content;

  bool transactional() const { return (flags & 1) != 0; }
};

// 'S' (protocol 2): the following changes, up to StreamStop, belong to `xid`.
struct StreamStartMessage {
  uint32_t xid = 0;
  bool first_segment = false;
};

// 'E' (protocol 2)
struct StreamStopMessage {};

// 'c' (protocol 2): the streamed transaction `xid` committed.
struct StreamCommitMessage {
  uint32_t xid = 0;
  uint8_t flags = 0;
  uint64_t commit_lsn = 0;
  uint64_t end_lsn = 0;
  int64_t commit_time_us = 0;
};

// 'A' (protocol 2): the (sub)transaction `subxid` of `xid` aborted; when
// subxid == xid the whole streamed transaction is discarded. abort_lsn and
// abort_time_us are only sent with parallel streaming (protocol 4), else 0.
struct StreamAbortMessage {
  uint32_t xid = 0;
  uint32_t subxid = 0;
  uint64_t abort_lsn = 0;
  int64_t abort_time_us = 0;
};

using PgoutputMessage =
    std::variant<BeginMessage, CommitMessage, OriginMessage, RelationMessage, TypeMessage,
                 InsertMessage, UpdateMessage, DeleteMessage, TruncateMessage, LogicalMessage,
                 StreamStartMessage, StreamStopMessage, StreamCommitMessage, StreamAbortMessage>;

// "Begin", "Commit", "Relation", ... for logs and errors.
const char* MessageName(const PgoutputMessage& message);

}  // namespace cdc::pg
