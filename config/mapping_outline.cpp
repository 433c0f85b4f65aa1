#include "config/mapping_outline.h"

#include "config/mapping_outline_builder.h"

namespace cdc::config {
namespace {

// The type a filter chain leaves; kAbsent when no filter converts the value
// (only `default` or none), so the column's own type passes through.
core::ValueKind ResultOf(const std::vector<Filter>& filters) {
  core::ValueKind kind = core::ValueKind::kAbsent;
  for (const Filter& f : filters) {
    switch (f.kind) {
      case FilterKind::kDefault:
        break;  // keeps the input's type for non-NULL values
      case FilterKind::kInt:
        kind = core::ValueKind::kInt;
        break;
      case FilterKind::kFloat:
        kind = core::ValueKind::kDouble;
        break;
      case FilterKind::kNumber:
        kind = core::ValueKind::kDecimal;
        break;
      case FilterKind::kDate:
        kind = f.arg == "%Y-%m-%d" ? core::ValueKind::kDate : core::ValueKind::kString;
        break;
      default:
        kind = core::ValueKind::kString;  // lower, upper, trim, e164, sha256, string, email
        break;
    }
  }
  return kind;
}

}  // namespace

const char* FieldRoleKey(FieldRole role) {
  switch (role) {
    case FieldRole::kUserId:
      return "user_id";
    case FieldRole::kAttribute:
      return "attributes";
    case FieldRole::kEventType:
      return "type";
    case FieldRole::kEventId:
      return "id";
    case FieldRole::kEventDate:
      return "date";
    case FieldRole::kParameter:
      return "parameters";
    case FieldRole::kUserData:
      return "user_data";
    case FieldRole::kWhere:
      return "where";
  }
  return "?";
}

FieldOutline OutlineTemplate(const Template& t, FieldRole role, std::string name, std::string where) {
  FieldOutline f;
  f.role = role;
  f.name = std::move(name);
  f.where = std::move(where);
  f.name_where = f.where;
  f.text = t.text();
  f.typed = t.typed();
  f.constant = t.constant();
  const auto placeholders = t.Placeholders();
  for (const auto& [column, filters] : placeholders) f.columns.push_back(column);
  f.result = f.typed ? ResultOf(placeholders.front().second) : core::ValueKind::kString;
  return f;
}

}  // namespace cdc::config
