// Snapshot: reads the mapped tables inside one REPEATABLE READ READ ONLY
// transaction on its own connection, either the slot's exported snapshot (the
// rows exactly as of the slot's consistent point) or a fresh one (a snapshot
// redone after a crash). Each table is streamed with COPY of only the columns
// some mapping reads plus the key (ColumnsToRead; binary when every one of
// those columns' types has a binary decoder, else text; one row in memory at a
// time) and turned into kSnapshot RowChanges: the same Values either way. Session settings
// are fixed (UTC, ISO dates, IntervalStyle=postgres, extra_float_digits=3) so
// text converts exactly as pgoutput's. Not thread-safe; rows_done() may be
// read from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connectors/postgres/pg_types.h"
#include "connectors/postgres/postgres_checks.h"
#include "connectors/postgres/replication_stream.h"
#include "core/model/position.h"
#include "core/model/result.h"
#include "core/model/row_change.h"
#include "core/pipeline/mapping.h"

namespace cdc::pg {

class Snapshot {
 public:
  // `exported` empty: a fresh transaction. The exported snapshot must still be
  // alive (its replication connection idle since CREATE_REPLICATION_SLOT).
  static core::Result<std::unique_ptr<Snapshot>> Begin(const std::string& dsn, const std::string& exported);

  // Time the transaction started (its now()), Unix epoch µs: the rows' commit time.
  int64_t read_time_us() const { return read_time_us_; }
  // The server's WAL insert position read right after the transaction's
  // snapshot was taken: every row read is committed at or before it.
  uint64_t wal_lsn() const { return wal_lsn_; }

  // `table` narrowed to the columns a snapshot of it reads for `needs` (the
  // mappings' needs of every table): every column some mapping of it reads
  // (`columns`, `old_columns`) plus the key columns (as SchemaFor chooses
  // them), in table order. Every column when a mapping of it lists none
  // (needs that name no column read the whole row), when no needs name it,
  // or when none of the named columns exists and there is no key.
  static TableDescription ColumnsToRead(const TableDescription& table,
                                        const std::vector<core::Mapping::TableNeeds>& needs);

  // The schema snapshot rows of `table` carry: its columns in order (pass the
  // ColumnsToRead table: the schema describes exactly what ReadTable reads),
  // key = the primary key, else the replica identity (as the stream's cache).
  static std::shared_ptr<const core::TableSchema> SchemaFor(const TableDescription& table,
                                                            const TypeResolver& types, uint64_t version);

  // Streams every row of `table` (every column it lists) to `emit`; a row with a value its type
  // cannot have goes to `bad_row` (kBadData error naming table and column, and
  // the row as COPY text) instead. False from either stops early, returning
  // ok; after an early stop or an error the Snapshot must be dropped.
  using EmitFn = std::function<bool(core::RowChange&&)>;
  using BadRowFn = std::function<bool(const core::Error&, const std::string& copy_line)>;
  core::Status ReadTable(const TableDescription& table, std::shared_ptr<const core::TableSchema> schema,
                         const TypeResolver& types, const core::Position& position, const EmitFn& emit,
                         const BadRowFn& bad_row);

  // Ends the transaction.
  core::Status Commit();

  // Whether ReadTable reads `table` as binary COPY (every column's type has a
  // binary decoder and binary is allowed).
  bool UsesBinaryCopy(const TableDescription& table) const;
  // Off: every table is read as COPY text (tests compare both formats).
  void set_binary_copy(bool allowed) { binary_copy_ = allowed; }

  uint64_t rows_done() const { return rows_done_.load(std::memory_order_relaxed); }
  const ConversionWarnings& warnings() const { return warnings_; }

 private:
  Snapshot(PgConnPtr conn, std::string dsn) : conn_(std::move(conn)), dsn_(std::move(dsn)) {}
  core::Status Exec(const std::string& sql, const char* what);

  PgConnPtr conn_;
  std::string dsn_;
  int64_t read_time_us_ = 0;
  uint64_t wal_lsn_ = 0;
  bool binary_copy_ = true;
  std::atomic<uint64_t> rows_done_{0};
  ConversionWarnings warnings_;
};

}  // namespace cdc::pg
