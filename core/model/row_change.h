// RowChange and the other events a source emits into the pipeline.
// A TableSchema is shared (shared_ptr<const>) by every change of that table
// until the source sees a new definition, which gets a new object and version.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/model/position.h"
#include "core/model/value.h"

namespace cdc::core {

enum class Op : uint8_t { kSnapshot, kInsert, kUpdate, kDelete };

const char* OpName(Op op);  // "snapshot", "insert", "update", "delete"

struct TableSchema {
  std::string schema;                // Postgres namespace, MySQL database
  std::string name;
  std::vector<std::string> columns;  // in row order
  std::vector<std::string> types;    // source type names, same order (for messages)
  std::vector<size_t> key;           // indices of the primary key / replica identity
  uint64_t version = 0;              // distinct per definition seen by the source

  std::string QualifiedName() const { return schema + "." + name; }
  // Index of a column by name, or -1.
  int ColumnIndex(const std::string& column) const;
};

struct RowChange {
  Op op = Op::kInsert;
  std::shared_ptr<const TableSchema> table;
  // Old row: for updates/deletes when the source provides it. Columns it does
  // not provide are absent (a Postgres key-only old tuple, a MINIMAL image).
  // Empty when nothing of the old row is known.
  std::vector<Value> before;
  // New row: inserts, updates, snapshot reads. Empty for deletes.
  std::vector<Value> after;
  Position position;
  int64_t commit_time_us = 0;  // Unix epoch microseconds; snapshot: time of the read
  uint64_t xid = 0;
};

// Marks that every change of a transaction has been emitted; its position is
// what the checkpointer may confirm once those changes are acknowledged.
struct TxEnd {
  Position position;
  int64_t commit_time_us = 0;
};

// A table was truncated: logged and counted, never turned into deletes.
struct Truncate {
  std::shared_ptr<const TableSchema> table;
  Position position;
};

// The source finished its initial snapshot (progress bookkeeping, logs).
struct SnapshotDone {
  uint64_t rows = 0;
};

using SourceEvent = std::variant<RowChange, TxEnd, Truncate, SnapshotDone>;

}  // namespace cdc::core
