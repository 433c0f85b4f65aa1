#include "core/cli/validate_columns.h"

#include <algorithm>
#include <set>
#include <string>

#include "core/model/value.h"

namespace cdc::cli {
namespace {

std::string FieldLabel(const config::FieldOutline& f) {
  std::string label = config::FieldRoleKey(f.role);
  if (!f.name.empty()) label += "." + f.name;
  return label;
}

std::vector<std::string> ColumnNames(const LiveTable& table) {
  std::vector<std::string> names;
  for (const auto& c : table.columns) names.push_back(c.name);
  return names;
}

// `date:` takes a date, a timestamp, ISO 8601 text or Unix seconds; other
// column types fail on every row (dead letters), so say so now.
void CheckEventDate(const config::EntryOutline& entry, const config::FieldOutline& field,
                    const LiveTable& table, const LiveTables& live, Findings& findings) {
  if (field.role != config::FieldRole::kEventDate || !field.typed ||
      field.result != core::ValueKind::kAbsent) {
    return;
  }
  const LiveColumn* column = live.FindColumn(table, field.columns.front());
  if (column == nullptr) return;
  switch (column->kind) {
    case core::ValueKind::kBool:
    case core::ValueKind::kJson:
    case core::ValueKind::kBytes:
    case core::ValueKind::kTime:
      findings.Problem(field.where, entry.name + " date: column " + column->name + " (" + column->type +
                                        ") cannot be an event date (a date, timestamp, ISO 8601 text or "
                                        "Unix seconds)");
      break;
    default:
      break;
  }
}

}  // namespace

void CheckMappedColumns(const std::vector<config::EntryOutline>& outline, const LiveTables& live,
                        Findings& findings) {
  for (const auto& entry : outline) {
    const LiveTable* table = live.Find(entry.table);
    if (table == nullptr) continue;  // not described: the source checks report it
    if (!table->exists) {
      findings.Problem(entry.table_where, entry.name + ": table " + entry.table +
                                              " does not exist (or this login cannot see it)");
      continue;
    }
    const std::vector<std::string> names = ColumnNames(*table);
    for (const auto& field : entry.fields) {
      CheckEventDate(entry, field, *table, live, findings);
      std::set<std::string> reported;  // a column read twice by one template is one problem
      for (const auto& column : field.columns) {
        if (live.FindColumn(*table, column) != nullptr || !reported.insert(column).second) continue;
        findings.Problem(field.where, entry.name + " " + FieldLabel(field) + ": table " + entry.table +
                                          " has no column " + column + DidYouMean(column, names));
      }
    }
  }
}

std::vector<core::Mapping::TableNeeds> PresentNeeds(std::vector<core::Mapping::TableNeeds> needs,
                                                    const LiveTables& live) {
  std::vector<core::Mapping::TableNeeds> out;
  for (auto& need : needs) {
    const LiveTable* table = live.Find(need.table);
    if (table != nullptr && !table->exists) continue;
    if (table != nullptr) {
      auto absent = [&](const std::string& c) { return live.FindColumn(*table, c) == nullptr; };
      std::erase_if(need.columns, absent);
      std::erase_if(need.old_columns, absent);
    }
    out.push_back(std::move(need));
  }
  return out;
}

}  // namespace cdc::cli
