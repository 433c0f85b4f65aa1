#include "connectors/postgres/postgres_checks.h"

#include <algorithm>

#include "connectors/postgres/slot_admin.h"

namespace cdc::pg {
namespace {

std::string Quote(const std::string& identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string QuotedTable(const TableDescription& t) { return Quote(t.schema) + "." + Quote(t.name); }

const ColumnDescription* FindColumn(const TableDescription& t, const std::string& name) {
  for (const auto& c : t.columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string IdentityText(const TableDescription& t) {
  switch (t.replica_identity) {
    case 'f':
      return "FULL";
    case 'n':
      return "NOTHING";
    case 'i':
      return "USING INDEX";
    default:
      return "DEFAULT (primary key)";
  }
}

std::string IdentityColumns(const TableDescription& t) {
  std::string out;
  for (const auto& c : t.columns) {
    if (c.in_identity) out += (out.empty() ? "" : ", ") + c.name;
  }
  return out.empty() ? "none" : out;
}

void CheckOneTable(const core::Mapping::TableNeeds& need, const TableDescription& t,
                   std::vector<std::string>& problems) {
  const std::string name = t.QualifiedName();
  if (!t.exists) {
    problems.push_back("table " + name + " does not exist (or this login cannot see it)");
    return;
  }
  for (const auto& column : need.columns) {
    if (!FindColumn(t, column)) problems.push_back("table " + name + " has no column " + column);
  }
  const std::string fix = "ALTER TABLE " + QuotedTable(t) + " REPLICA IDENTITY FULL;";
  // Without an identity the server rejects UPDATE/DELETE on a published table.
  bool no_identity = t.replica_identity == 'n' || (t.replica_identity != 'f' && !t.has_identity_key);
  if (no_identity) {
    problems.push_back("table " + name + " has replica identity " + IdentityText(t) +
                       " and no identity columns: once published, UPDATE and DELETE on it fail "
                       "and deletes cannot be captured; add a primary key or run: " +
                       fix);
    return;
  }
  if (t.replica_identity == 'f') return;
  std::vector<std::string> missing;
  for (const auto& column : need.old_columns) {
    const ColumnDescription* c = FindColumn(t, column);
    if (c && !c->in_identity) missing.push_back(column);
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    problems.push_back("table " + name + ": the mapping needs the old value of " + list +
                       " (changed() or deletes) but replica identity " + IdentityText(t) + " only provides " +
                       IdentityColumns(t) + "; run: " + fix);
  }
}

}  // namespace

std::pair<std::string, std::string> SplitTableName(const std::string& qualified) {
  size_t dot = qualified.find('.');
  if (dot == std::string::npos) return {"public", qualified};
  return {qualified.substr(0, dot), qualified.substr(dot + 1)};
}

std::vector<std::string> CheckWalLevel(const std::string& wal_level) {
  if (wal_level == "logical") return {};
  return {"wal_level is '" + wal_level +
          "', logical replication needs 'logical': run ALTER SYSTEM SET wal_level = logical; "
          "and restart the server"};
}

std::vector<std::string> CheckTables(const std::vector<core::Mapping::TableNeeds>& needs,
                                     const std::vector<TableDescription>& tables) {
  std::vector<std::string> problems;
  for (const auto& need : needs) {
    auto [schema, name] = SplitTableName(need.table);
    auto it = std::find_if(tables.begin(), tables.end(),
                           [&](const TableDescription& t) { return t.schema == schema && t.name == name; });
    if (it == tables.end()) {
      problems.push_back("table " + need.table + " was not described");
      continue;
    }
    CheckOneTable(need, *it, problems);
  }
  return problems;
}

std::vector<std::string> CheckPublication(const std::string& publication,
                                          const PublicationDescription& description,
                                          const std::vector<core::Mapping::TableNeeds>& needs) {
  std::vector<std::string> problems;
  if (!description.exists) return problems;
  std::string missing_sql;
  for (const auto& need : needs) {
    auto [schema, name] = SplitTableName(need.table);
    std::string qualified = schema + "." + name;
    if (std::find(description.tables.begin(), description.tables.end(), qualified) ==
        description.tables.end()) {
      problems.push_back("publication " + publication + " does not include table " + qualified);
      missing_sql += (missing_sql.empty() ? "" : ", ") + Quote(schema) + "." + Quote(name);
    }
  }
  if (!missing_sql.empty()) {
    problems.back() += "; run: ALTER PUBLICATION " + Quote(publication) + " ADD TABLE " + missing_sql + ";";
  }
  bool deletes = std::any_of(needs.begin(), needs.end(), [](const auto& n) { return n.needs_deletes; });
  std::string actions;
  if (!description.publishes_insert) actions += "insert";
  if (!description.publishes_update) actions += std::string(actions.empty() ? "" : ", ") + "update";
  if (!description.publishes_delete && deletes)
    actions += std::string(actions.empty() ? "" : ", ") + "delete";
  if (!actions.empty()) {
    problems.push_back("publication " + publication + " does not publish " + actions +
                       "; run: ALTER PUBLICATION " + Quote(publication) +
                       " SET (publish = 'insert, update, delete, truncate');");
  }
  return problems;
}

core::Result<std::vector<std::string>> ValidatePostgres(const std::string& dsn,
                                                        const std::string& publication,
                                                        const std::vector<core::Mapping::TableNeeds>& needs) {
  auto admin = SlotAdmin::Connect(dsn);
  if (!admin) return core::Fail(admin.error());
  auto wal_level = (*admin)->WalLevel();
  if (!wal_level) return core::Fail(wal_level.error());
  std::vector<std::string> problems = CheckWalLevel(*wal_level);

  std::vector<std::string> names;
  for (const auto& n : needs) names.push_back(n.table);
  auto tables = (*admin)->DescribeTables(names);
  if (!tables) return core::Fail(tables.error());
  for (auto& p : CheckTables(needs, *tables)) problems.push_back(std::move(p));

  if (!publication.empty()) {
    auto pub = (*admin)->DescribePublication(publication);
    if (!pub) return core::Fail(pub.error());
    for (auto& p : CheckPublication(publication, *pub, needs)) problems.push_back(std::move(p));
  }
  return problems;
}

}  // namespace cdc::pg
