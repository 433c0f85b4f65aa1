#include "connectors/postgres/slot_admin.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "connectors/postgres/replication_stream.h"
#include "core/model/position.h"

namespace cdc::pg {
namespace {

using core::Error;
using core::Fail;

// FirstNormalObjectId: OIDs below are built in (pg_types handles those).
constexpr uint32_t kFirstNormalOid = 16384;

std::string Quote(const std::string& identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string QuoteTable(const std::string& qualified) {
  auto [schema, name] = SplitTableName(qualified);
  return Quote(schema) + "." + Quote(name);
}

std::string CreatePublicationSql(const std::string& name,
                                 const std::vector<core::Mapping::TableNeeds>& needs) {
  std::string sql = "CREATE PUBLICATION " + Quote(name) + " FOR TABLE ";
  for (size_t i = 0; i < needs.size(); ++i) sql += (i ? ", " : "") + QuoteTable(needs[i].table);
  // Partitioned tables then publish their changes under the mapped (root) name.
  return sql + " WITH (publish_via_partition_root = true);";
}

}  // namespace

struct SlotAdmin::Connection {
  explicit Connection(const std::string& dsn) : conn(dsn) {}
  pqxx::connection conn;
};

SlotAdmin::SlotAdmin(std::unique_ptr<Connection> conn, std::string dsn)
    : conn_(std::move(conn)), dsn_(std::move(dsn)) {}

SlotAdmin::~SlotAdmin() = default;

core::Result<std::unique_ptr<SlotAdmin>> SlotAdmin::Connect(const std::string& dsn) {
  if (auto st = CheckDsnSyntax(dsn); !st) return Fail(st.error());
  try {
    auto conn = std::make_unique<Connection>(dsn);
    return std::unique_ptr<SlotAdmin>(new SlotAdmin(std::move(conn), dsn));
  } catch (const pqxx::broken_connection& e) {
    return Fail(ConnectError(dsn, e.what()));
  } catch (const std::exception& e) {
    return Fail(ConnectError(dsn, e.what()));
  }
}

core::Error SlotAdmin::Translate(const std::exception& e, const std::string& what) const {
  std::string message = RedactSecrets(dsn_, what + ": " + e.what());
  while (!message.empty() && message.back() == '\n') message.pop_back();
  if (dynamic_cast<const pqxx::broken_connection*>(&e)) return Error::Retryable(message);
  if (dynamic_cast<const pqxx::insufficient_privilege*>(&e)) return Error::Config(message);
  return Error::Fatal(message);
}

core::Result<std::string> SlotAdmin::WalLevel() {
  try {
    pqxx::nontransaction tx(conn_->conn);
    return tx.exec1("SHOW wal_level")[0].as<std::string>();
  } catch (const std::exception& e) {
    return Fail(Translate(e, "reading wal_level"));
  }
}

core::Result<std::string> SlotAdmin::CurrentDatabase() {
  try {
    pqxx::nontransaction tx(conn_->conn);
    return tx.exec1("SELECT current_database()")[0].as<std::string>();
  } catch (const std::exception& e) {
    return Fail(Translate(e, "reading current_database()"));
  }
}

core::Result<int64_t> SlotAdmin::ServerNowUs() {
  try {
    pqxx::nontransaction tx(conn_->conn);
    return tx.exec1("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint")[0].as<int64_t>();
  } catch (const std::exception& e) {
    return Fail(Translate(e, "reading the server clock"));
  }
}

core::Status SlotAdmin::EmitHeartbeat(const std::string& table) {
  try {
    pqxx::nontransaction tx(conn_->conn);
    if (table.empty()) {
      tx.exec("SELECT pg_logical_emit_message(false, 'instasent-cdc', 'heartbeat')");
    } else {
      tx.exec0("UPDATE " + QuoteTable(table) + " SET beat_at = now()");
    }
    return {};
  } catch (const std::exception& e) {
    return Fail(Translate(e, table.empty() ? std::string("emitting the heartbeat message")
                                           : "updating heartbeat table " + table));
  }
}

core::Result<uint64_t> SlotAdmin::CurrentWalLsn() {
  try {
    pqxx::nontransaction tx(conn_->conn);
    std::string text = tx.exec1("SELECT pg_current_wal_lsn()::text")[0].as<std::string>();
    uint64_t lsn = 0;
    if (!core::ParseLsn(text, lsn)) return Fail(Error::Fatal("bad pg_current_wal_lsn: " + text));
    return lsn;
  } catch (const std::exception& e) {
    return Fail(Translate(e, "reading pg_current_wal_lsn()"));
  }
}

core::Result<std::vector<TableDescription>> SlotAdmin::DescribeTables(const std::vector<std::string>& names) {
  std::vector<TableDescription> out;
  try {
    pqxx::read_transaction tx(conn_->conn);
    for (const auto& qualified : names) {
      TableDescription d;
      std::tie(d.schema, d.name) = SplitTableName(qualified);
      // reltuples is -1 until the first VACUUM/ANALYZE: then the statistics' live tuples.
      pqxx::result rel = tx.exec_params(
          "SELECT c.oid::bigint, c.relreplident::text, CASE WHEN c.reltuples >= 0 THEN "
          "c.reltuples::float8 ELSE (SELECT s.n_live_tup FROM pg_stat_user_tables s "
          "WHERE s.relid = c.oid)::float8 END FROM pg_class c "
          "JOIN pg_namespace n ON n.oid = c.relnamespace "
          "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')",
          d.schema, d.name);
      if (rel.empty()) {
        out.push_back(std::move(d));
        continue;
      }
      d.exists = true;
      d.oid = static_cast<uint32_t>(rel[0][0].as<int64_t>());
      d.replica_identity = rel[0][1].as<std::string>().at(0);
      d.estimated_rows = rel[0][2].is_null() ? 0 : rel[0][2].as<double>();
      std::string oid = std::to_string(d.oid);
      // Replica identity columns: the primary key ('d') or the chosen index ('i').
      pqxx::result ident = tx.exec_params(
          "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
          "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
          "WHERE i.indrelid = $1::oid AND ((i.indisprimary AND $2 = 'd') OR "
          "(i.indisreplident AND $2 = 'i'))",
          oid, std::string(1, d.replica_identity));
      std::vector<std::string> identity;
      for (const auto& row : ident) identity.push_back(row[0].as<std::string>());
      d.has_identity_key = !identity.empty();
      // The table's key for event ids and ordering, whatever the identity is.
      pqxx::result pk = tx.exec_params(
          "SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, "
          "n) "
          "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
          "WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY k.n",
          oid);
      for (const auto& row : pk) d.primary_key.push_back(row[0].as<std::string>());
      // Generated columns are not published (PostgreSQL 15), so not read either.
      pqxx::result cols = tx.exec_params(
          "SELECT a.attname, a.atttypid::bigint, format_type(a.atttypid, a.atttypmod) "
          "FROM pg_attribute a WHERE a.attrelid = $1::oid AND a.attnum > 0 "
          "AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum",
          oid);
      for (const auto& row : cols) {
        ColumnDescription c;
        c.name = row[0].as<std::string>();
        c.type_oid = static_cast<uint32_t>(row[1].as<int64_t>());
        c.type_name = row[2].as<std::string>();
        c.in_identity = d.replica_identity == 'f' ||
                        std::find(identity.begin(), identity.end(), c.name) != identity.end();
        d.columns.push_back(std::move(c));
      }
      out.push_back(std::move(d));
    }
    tx.commit();
  } catch (const std::exception& e) {
    return Fail(Translate(e, "describing the mapped tables"));
  }
  return out;
}

core::Result<PublicationDescription> SlotAdmin::DescribePublication(const std::string& name) {
  PublicationDescription d;
  try {
    pqxx::read_transaction tx(conn_->conn);
    pqxx::result pub =
        tx.exec_params("SELECT pubinsert, pubupdate, pubdelete FROM pg_publication WHERE pubname = $1", name);
    if (pub.empty()) return d;
    d.exists = true;
    d.publishes_insert = pub[0][0].as<bool>();
    d.publishes_update = pub[0][1].as<bool>();
    d.publishes_delete = pub[0][2].as<bool>();
    pqxx::result tables =
        tx.exec_params("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1", name);
    for (const auto& row : tables) {
      d.tables.push_back(row[0].as<std::string>() + "." + row[1].as<std::string>());
    }
    tx.commit();
  } catch (const std::exception& e) {
    return Fail(Translate(e, "reading publication " + name));
  }
  return d;
}

core::Status SlotAdmin::EnsurePublication(const std::string& name,
                                          const std::vector<core::Mapping::TableNeeds>& needs) {
  auto described = DescribePublication(name);
  if (!described) return Fail(described.error());
  if (described->exists) {
    auto problems = CheckPublication(name, *described, needs);
    if (problems.empty()) return {};
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "; ") + p;
    return Fail(Error::Config(message));
  }
  std::string sql = CreatePublicationSql(name, needs);
  try {
    pqxx::work tx(conn_->conn);
    tx.exec0(sql);
    tx.commit();
    return {};
  } catch (const pqxx::broken_connection& e) {
    return Fail(Translate(e, "creating publication " + name));
  } catch (const std::exception& e) {
    std::string why = e.what();
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return Fail(Error::Config("publication " + name + " does not exist and this login cannot create it (" +
                              RedactSecrets(dsn_, why) + "); run as the tables' owner: " + sql));
  }
}

core::Status SlotAdmin::LoadUserTypes(TypeResolver& types) {
  try {
    pqxx::read_transaction tx(conn_->conn);
    pqxx::result rows = tx.exec_params(
        "SELECT t.oid::bigint, t.typtype::text, t.typbasetype::bigint, t.typelem::bigint, "
        "t.typcategory::text, format_type(t.oid, NULL) FROM pg_type t WHERE t.oid >= $1::oid",
        std::to_string(kFirstNormalOid));
    for (const auto& row : rows) {
      UserType type;
      char typtype = row[1].as<std::string>().at(0);
      uint32_t base = static_cast<uint32_t>(row[2].as<int64_t>());
      uint32_t elem = static_cast<uint32_t>(row[3].as<int64_t>());
      char category = row[4].as<std::string>().at(0);
      type.name = row[5].as<std::string>();
      if (typtype == 'e') {
        type.kind = UserTypeKind::kEnum;
      } else if (typtype == 'd') {
        type.kind = UserTypeKind::kDomain;
        type.base_oid = base;
      } else if (category == 'A' && elem != 0) {
        type.kind = UserTypeKind::kArray;
        type.base_oid = elem;
      } else if (typtype == 'c') {
        type.kind = UserTypeKind::kComposite;
      }
      types.Register(static_cast<uint32_t>(row[0].as<int64_t>()), std::move(type));
    }
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return Fail(Translate(e, "reading user types from pg_type"));
  }
}

core::Result<std::optional<SlotInfo>> SlotAdmin::Slot(const std::string& name) {
  try {
    pqxx::read_transaction tx(conn_->conn);
    pqxx::result rows = tx.exec_params(
        "SELECT s.plugin, s.slot_type, s.database, current_database(), s.active, "
        "s.confirmed_flush_lsn::text, s.restart_lsn::text, s.wal_status "
        "FROM pg_replication_slots s WHERE s.slot_name = $1",
        name);
    tx.commit();
    if (rows.empty()) return std::optional<SlotInfo>();
    const auto& r = rows[0];
    SlotInfo info;
    info.plugin = r[0].is_null() ? "" : r[0].as<std::string>();
    info.database = r[2].is_null() ? "" : r[2].as<std::string>();
    info.active = r[4].as<bool>();
    if (!r[5].is_null()) core::ParseLsn(r[5].as<std::string>(), info.confirmed_flush_lsn);
    if (!r[6].is_null()) core::ParseLsn(r[6].as<std::string>(), info.restart_lsn);
    info.wal_status = r[7].is_null() ? "" : r[7].as<std::string>();
    if (r[1].as<std::string>() != "logical" || info.plugin != "pgoutput") {
      return Fail(Error::Config("replication slot " + name +
                                " exists but is not a logical pgoutput slot (plugin '" + info.plugin +
                                "'); choose another slot name"));
    }
    if (info.database != r[3].as<std::string>()) {
      return Fail(Error::Config("replication slot " + name + " belongs to database " + info.database +
                                ", not " + r[3].as<std::string>() + "; choose another slot name"));
    }
    if (info.wal_status == "lost") {
      return Fail(Error::Fatal("replication slot " + name +
                               " is lost: the server removed WAL it still needed "
                               "(max_slot_wal_keep_size). Changes were missed; drop the slot "
                               "(SELECT pg_drop_replication_slot('" +
                               name + "')) and run `instasent-cdc run --resnapshot` to take a new snapshot"));
    }
    return std::optional<SlotInfo>(info);
  } catch (const std::exception& e) {
    return Fail(Translate(e, "reading replication slot " + name));
  }
}

}  // namespace cdc::pg
