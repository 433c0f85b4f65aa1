#include "core/cli/validate_specs.h"

#include <algorithm>
#include <cctype>

namespace cdc::cli {
namespace {

using core::ValueKind;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const char* KindText(ValueKind kind) {
  switch (kind) {
    case ValueKind::kBool:
      return "a boolean";
    case ValueKind::kInt:
      return "an integer";
    case ValueKind::kDecimal:
      return "an exact number";
    case ValueKind::kDouble:
      return "a floating-point number";
    case ValueKind::kString:
      return "text";
    case ValueKind::kDate:
      return "a date";
    case ValueKind::kTime:
      return "a time of day";
    case ValueKind::kTimestamp:
    case ValueKind::kTimestampTz:
      return "a timestamp";
    case ValueKind::kJson:
      return "a JSON value (object or array)";
    case ValueKind::kBytes:
      return "binary data (sent as base64)";
    default:
      return "a value";
  }
}

bool IsNumber(ValueKind k) {
  return k == ValueKind::kInt || k == ValueKind::kDecimal || k == ValueKind::kDouble;
}
bool IsTimestamp(ValueKind k) { return k == ValueKind::kTimestamp || k == ValueKind::kTimestampTz; }

// What the field sends: text for text templates, a filter's result, or the
// column's own kind (kAbsent when the column's type is not known).
ValueKind FieldKind(const config::FieldOutline& f, const LiveTables* live, const std::string& table) {
  if (!f.typed) return ValueKind::kString;
  if (f.result != ValueKind::kAbsent) return f.result;
  if (live == nullptr) return ValueKind::kAbsent;
  const LiveTable* t = live->Find(table);
  const LiveColumn* c = t == nullptr ? nullptr : live->FindColumn(*t, f.columns.front());
  return c == nullptr ? ValueKind::kAbsent : c->kind;
}

std::string Source(const config::FieldOutline& f, const LiveTables* live, const std::string& table) {
  if (f.typed && f.result == ValueKind::kAbsent && live != nullptr) {
    if (const LiveTable* t = live->Find(table)) {
      if (const LiveColumn* c = live->FindColumn(*t, f.columns.front())) {
        return "column " + c->name + " (" + c->type + ")";
      }
    }
  }
  return "\"" + f.text + "\"";
}

std::vector<std::string> AttributeNames(const sink::DatasourceSpecs& specs) {
  std::vector<std::string> names;
  for (const auto& a : specs.attributes) names.push_back(a.uid);
  return names;
}

void CheckAttribute(const config::EntryOutline& e, const config::FieldOutline& f,
                    const std::string& datasource, const sink::DatasourceSpecs& specs, const LiveTables* live,
                    Findings& findings) {
  const std::string label = e.name + " " + config::FieldRoleKey(f.role) + "." + f.name + ": ";
  const sink::AttributeSpec* spec = specs.FindAttribute(f.name);
  if (spec == nullptr) {
    const std::string hint = DidYouMean(f.name, AttributeNames(specs));
    if (f.name.starts_with('_')) {
      findings.Problem(f.name_where, label + "'" + f.name + "' is not an attribute of datasource " +
                                         datasource +
                                         " and the API rejects unknown reserved ('_') attributes" + hint);
    } else {
      findings.Problem(
          f.name_where,
          label + "'" + f.name + "' is not an attribute of datasource " + datasource +
              ": the first record would create a new custom attribute" +
              (hint.empty() ? " (create it in Instasent first if it is meant to be new)" : hint));
    }
    return;
  }
  if (spec->read_only) {
    findings.Warning(f.name_where, label + "attribute '" + f.name + "' is read-only at Instasent");
  }
  const std::string mismatch =
      TypeMismatch(spec->uid, spec->data_type, spec->multivalue, FieldKind(f, live, e.table),
                   f.columns.empty() ? "" : f.columns.front());
  if (!mismatch.empty()) {
    findings.Problem(f.where, label + Source(f, live, e.table) + " " + mismatch);
  }
}

void CheckEvent(const config::EntryOutline& e, const std::string& datasource,
                const sink::DatasourceSpecs& specs, const LiveTables* live, Findings& findings) {
  auto type_field = std::find_if(e.fields.begin(), e.fields.end(),
                                 [](const auto& f) { return f.role == config::FieldRole::kEventType; });
  if (type_field == e.fields.end()) return;
  if (!type_field->constant) {
    findings.Warning(type_field->where, e.name + " type: \"" + type_field->text +
                                            "\" depends on the row: its event types are not checked");
    return;
  }
  const std::string& type = type_field->text;
  const sink::EventTypeSpec* spec = specs.FindEvent(type);
  if (spec == nullptr) {
    std::vector<std::string> known;
    for (const auto& ev : specs.events) known.push_back(ev.uid);
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    findings.Problem(type_field->where,
                     e.name + " type: event type '" + type + "' does not exist in datasource " + datasource +
                         DidYouMean(type, known) + "; its event types: " + (list.empty() ? "none" : list));
    return;
  }
  if (!spec->parameters_known) return;
  std::vector<std::string> names;
  for (const auto& p : spec->parameters) names.push_back(p.parameter);
  for (const auto& p : spec->parameters) {
    if (!p.required) continue;
    const bool mapped = std::any_of(e.fields.begin(), e.fields.end(), [&](const auto& f) {
      return f.role == config::FieldRole::kParameter && f.name == p.parameter;
    });
    if (!mapped) {
      findings.Problem(e.fields_where, e.name + " parameters: event type " + type + " requires parameter '" +
                                           p.parameter + "', which is not mapped");
    }
  }
  for (const auto& f : e.fields) {
    if (f.role != config::FieldRole::kParameter) continue;
    const std::string label = e.name + " parameters." + f.name + ": ";
    auto p = std::find_if(spec->parameters.begin(), spec->parameters.end(),
                          [&](const auto& s) { return s.parameter == f.name; });
    if (p == spec->parameters.end()) {
      findings.Problem(f.name_where, label + "'" + f.name + "' is not a parameter of event type " + type +
                                         DidYouMean(f.name, names));
      continue;
    }
    const std::string mismatch =
        TypeMismatch(p->parameter, p->data_type, p->multi_value, FieldKind(f, live, e.table),
                     f.columns.empty() ? "" : f.columns.front());
    if (!mismatch.empty()) findings.Problem(f.where, label + Source(f, live, e.table) + " " + mismatch);
  }
}

}  // namespace

std::string TypeMismatch(const std::string& uid, const std::string& data_type, int multivalue, ValueKind kind,
                         const std::string& column) {
  const std::string type = Lower(data_type);
  if (kind == ValueKind::kAbsent || type == "payload") return "";
  const std::string col = column.empty() ? "column" : column;
  const std::string gives =
      std::string("gives ") + KindText(kind) + ", but " + uid + " is " + (type.empty() ? "untyped" : type);
  if (kind == ValueKind::kJson) {
    if (multivalue > 1) return "";  // arrays are how multi-value specs are sent
    return gives + "; map \"{" + col + " | string}\" to send its JSON text";
  }
  if (uid == "_email" || uid == "_phone_mobile") {
    if (kind == ValueKind::kString) return "";
    return gives + (uid == "_phone_mobile" ? "; map \"{" + col + " | e164('ES')}\" with your region"
                                           : "; it must be an e-mail address text");
  }
  if (type == "number" || type == "integer" || type == "int" || type == "float" || type == "double" ||
      type == "decimal" || type == "numeric") {
    if (IsNumber(kind) || kind == ValueKind::kString) return "";  // numeric text is accepted
    return gives + (kind == ValueKind::kBool ? "; map \"{" + col + " | int}\" to send 1/0" : "");
  }
  if (type == "bool" || type == "boolean") {
    if (kind == ValueKind::kBool || kind == ValueKind::kString) return "";
    return gives + " (true/false or \"1\"/\"0\")" +
           (kind == ValueKind::kInt ? "; map \"{" + col + " | string}\" if it holds 0/1" : "");
  }
  if (type == "date") {
    if (kind == ValueKind::kDate || kind == ValueKind::kString) return "";
    return gives + " (YYYY-MM-DD)" + (IsTimestamp(kind) ? "; map \"{" + col + " | date('%Y-%m-%d')}\"" : "");
  }
  if (type == "datetime" || type == "timestamp") {
    if (IsTimestamp(kind) || kind == ValueKind::kDate || kind == ValueKind::kString) return "";
    return gives;
  }
  return "";  // text-like and unknown types take any scalar
}

void CheckAgainstSpecs(const std::vector<config::EntryOutline>& outline, const std::string& sink,
                       const std::string& datasource, const sink::DatasourceSpecs& specs,
                       const LiveTables* live, Findings& findings) {
  for (const auto& e : outline) {
    if (e.sink != sink) continue;
    if (specs.attributes_known) {
      for (const auto& f : e.fields) {
        if (f.role == config::FieldRole::kAttribute || f.role == config::FieldRole::kUserData) {
          CheckAttribute(e, f, datasource, specs, live, findings);
        }
      }
    }
    if (!e.contact && specs.events_known) CheckEvent(e, datasource, specs, live, findings);
  }
}

}  // namespace cdc::cli
