// SlotAdmin: a normal (libpqxx) connection for catalog work around the
// replication stream: wal_level, table descriptions, user types for the
// TypeResolver, the publication (used if it covers the tables, created if
// missing and allowed) and the slot's state. Never drops a slot.
// Not thread-safe; libpqxx exceptions never leave it (Result instead).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/postgres/pg_types.h"
#include "connectors/postgres/postgres_checks.h"
#include "core/model/result.h"

namespace cdc::pg {

struct SlotInfo {
  std::string plugin;
  std::string database;
  bool active = false;
  uint64_t confirmed_flush_lsn = 0;
  uint64_t restart_lsn = 0;
  std::string wal_status;  // reserved | extended | unreserved | lost
};

class SlotAdmin {
 public:
  static core::Result<std::unique_ptr<SlotAdmin>> Connect(const std::string& dsn);
  ~SlotAdmin();
  SlotAdmin(const SlotAdmin&) = delete;
  SlotAdmin& operator=(const SlotAdmin&) = delete;

  core::Result<std::string> WalLevel();
  core::Result<std::string> CurrentDatabase();
  core::Result<uint64_t> CurrentWalLsn();
  // The server's now() in epoch microseconds (clock skew check).
  core::Result<int64_t> ServerNowUs();
  // Writes a little WAL in this database so its slot can move on: a
  // non-transactional logical message, or, with `table` ("schema.table"),
  // `UPDATE table SET beat_at = now()`.
  core::Status EmitHeartbeat(const std::string& table);

  // One description per name ("schema.table"), `exists` false when missing.
  core::Result<std::vector<TableDescription>> DescribeTables(const std::vector<std::string>& names);
  core::Result<PublicationDescription> DescribePublication(const std::string& name);
  // Creates `FOR TABLE ...` when missing; an existing publication must cover
  // every table. kConfig with the SQL to run when it cannot.
  core::Status EnsurePublication(const std::string& name,
                                 const std::vector<core::Mapping::TableNeeds>& needs);

  // Registers every non-builtin type (enums, domains, arrays, composites,
  // extension types) so values convert by kind, not as opaque text.
  core::Status LoadUserTypes(TypeResolver& types);

  // nullopt when no slot has this name. A slot of another plugin or database
  // is kConfig; a `lost` slot is kFatal (its WAL is gone: a new slot and
  // snapshot are needed, which is the operator's call).
  core::Result<std::optional<SlotInfo>> Slot(const std::string& name);

 private:
  struct Connection;  // wraps pqxx::connection (an alias in libpqxx 6: not forward-declarable)
  SlotAdmin(std::unique_ptr<Connection> conn, std::string dsn);
  core::Error Translate(const std::exception& e, const std::string& what) const;

  std::unique_ptr<Connection> conn_;
  std::string dsn_;
};

}  // namespace cdc::pg
