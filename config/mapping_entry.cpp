#include "config/mapping_entry.h"

#include <set>

#include "config/time_text.h"
#include "core/model/json_writer.h"

namespace cdc::config {
namespace {

using core::Fail;
using core::Op;
using core::Record;
using core::RecordKind;
using core::RowChange;
using core::Value;

core::Error IdError(const Template& t, const char* what, core::ValueKind kind) {
  const char* problem = kind == core::ValueKind::kAbsent ? "' needs a column value the source did not deliver"
                        : kind == core::ValueKind::kNull ? "' is NULL"
                                                         : "' is empty";
  return core::Error::BadData(std::string(what) + " '" + t.text() + problem);
}

// Renders an id (user id, event id, event type): always a non-empty string.
core::Result<std::string> RenderId(const Template& t, const RowView& row, const char* what) {
  Value scratch;
  std::string text;
  auto kind = t.AppendText(row, text, scratch);
  if (!kind) return Fail(kind.error());
  if (*kind == core::ValueKind::kAbsent || *kind == core::ValueKind::kNull || text.empty()) {
    return Fail(IdError(t, what, *kind));
  }
  return text;
}

// RenderId into `id`, also appending it to `json` as a JSON string. The text
// is rendered straight between the quotes and escaped only when it has to be:
// ids are written for every row and rarely hold a quote or a control byte.
core::Status AppendId(const Template& t, const RowView& row, const char* what, std::string& json,
                      std::string& id) {
  Value scratch;
  json.push_back('"');
  const size_t start = json.size();
  auto kind = t.AppendText(row, json, scratch);
  if (!kind) return Fail(kind.error());
  if (*kind == core::ValueKind::kAbsent || *kind == core::ValueKind::kNull || json.size() == start) {
    return Fail(IdError(t, what, *kind));
  }
  id.assign(json, start);
  if (core::NeedsJsonEscape(id)) {
    json.resize(start - 1);
    core::AppendJsonString(json, id);
  } else {
    json.push_back('"');
  }
  return {};
}

// Appends `"key":value` pairs (absent values omitted), each preceded by a
// comma unless `first` is set and nothing was written yet. `keys` holds the
// pre-quoted `,"key":` texts (Prepare) or is empty.
core::Status AppendFields(const NamedTemplates& fields, const std::vector<std::string>& keys,
                          const RowView& row, bool first, std::string& json, uint64_t& nonfinite) {
  Value scratch;
  const bool quoted = keys.size() == fields.size();
  for (size_t i = 0; i < fields.size(); ++i) {
    auto v = fields[i].second.Evaluate(row, scratch);
    if (!v) return Fail(v.error());
    if ((*v)->is_absent()) continue;  // omit keeps the stored value
    if (quoted) {
      json.append(keys[i], first ? 1 : 0);
    } else {
      if (!first) json.push_back(',');
      core::AppendJsonString(json, fields[i].first);
      json.push_back(':');
    }
    first = false;
    if (!core::AppendJsonValue(json, **v)) ++nonfinite;
  }
  return {};
}

std::vector<std::string> QuotedKeysOf(const NamedTemplates& fields) {
  std::vector<std::string> keys;
  for (const auto& [key, tmpl] : fields) {
    std::string quoted = ",";
    core::AppendJsonString(quoted, key);
    quoted.push_back(':');
    keys.push_back(std::move(quoted));
  }
  return keys;
}

class EntryRun {
 public:
  EntryRun(const MappingEntry& e, const RowChange& c, const std::vector<int>& index, std::vector<Record>& out,
           uint64_t& nonfinite)
      : e_(e),
        c_(c),
        new_row_(c.after, index),
        old_row_(c.before, index),
        merged_row_(c.after, index, &c.before),
        out_(out),
        nonfinite_(nonfinite) {}

  core::Status Run() {
    // Conditions, ids and dates read unchanged columns of an update from the
    // old image when the new one leaves them out (MINIMAL images, TOAST).
    const RowView& keys = c_.op == Op::kDelete ? old_row_ : merged_row_;
    if (e_.where && !e_.where->Evaluate(c_.op, keys, old_row_)) return {};
    if (e_.contact) return Contact(*e_.contact);
    return Event(*e_.event, c_.op == Op::kDelete ? old_row_ : new_row_, keys);
  }

 private:
  core::Status Fields(const NamedTemplates& fields, const std::vector<std::string>& keys, const RowView& row,
                      bool first, std::string& json) {
    return AppendFields(fields, keys, row, first, json, nonfinite_);
  }

  // Appends a record built in place: a Record is six strings, each moved on a push.
  // The reference is good until the next Add.
  Record& Add(RecordKind kind, std::string user_id) {
    Record& r = out_.emplace_back();
    r.kind = kind;
    r.user_id = std::move(user_id);
    r.destination = e_.record_destination;
    r.table = e_.record_table;
    r.position = c_.position;
    return r;
  }

  core::Status Contact(const ContactSpec& spec) {
    if (c_.op == Op::kDelete) {
      if (!spec.delete_contact) return {};
      auto uid = RenderId(spec.user_id, old_row_, "user_id");
      if (!uid) {
        core::Error e = uid.error();
        e.message +=
            " (a deleted row carries only what the source sends of the old row; "
            "map user_id from key columns or send the full old row)";
        return Fail(std::move(e));
      }
      Add(RecordKind::kContactDelete, std::move(*uid));
      return {};
    }
    std::string json;
    json.reserve(256);
    json += "{\"_user_id\":";
    std::string uid;
    if (auto st = AppendId(spec.user_id, merged_row_, "user_id", json, uid); !st) return st;
    if (auto st = Fields(spec.attributes, e_.quoted_keys.attributes, new_row_, false, json); !st) return st;
    json.push_back('}');
    std::string previous_uid;
    if (c_.op == Op::kUpdate && spec.delete_and_upsert && !old_row_.empty()) {
      // The old user id counts only when the source delivered it.
      Value scratch;
      std::string old_uid;
      auto old = spec.user_id.AppendText(old_row_, old_uid, scratch);
      if (old && *old != core::ValueKind::kAbsent && *old != core::ValueKind::kNull) {
        if (!old_uid.empty() && old_uid != uid) {
          Add(RecordKind::kContactDelete, old_uid).renamed = true;
          previous_uid = std::move(old_uid);
        }
      }
    }
    Record& r = Add(RecordKind::kContactUpsert, std::move(uid));
    r.json = std::move(json);
    r.previous_user_id = std::move(previous_uid);
    return {};
  }

  core::Result<std::string> DefaultEventId() const {
    const auto& schema = *c_.table;
    const std::vector<Value>& values = c_.op == Op::kDelete ? c_.before : c_.after;
    if (schema.key.empty()) {
      return Fail(core::Error::BadData("table " + e_.table +
                                       " has no primary key for the default _event_id; "
                                       "give the event an 'id:' template"));
    }
    std::string id = e_.pipeline + ":" + e_.table;
    for (size_t k : schema.key) {
      const Value* v = k < values.size() ? &values[k] : nullptr;
      if ((v == nullptr || v->is_absent()) && c_.op == Op::kUpdate && k < c_.before.size()) {
        v = &c_.before[k];  // key left out of the new image: unchanged
      }
      if (v == nullptr || v->is_absent()) {
        return Fail(core::Error::BadData("key column '" +
                                         (k < schema.columns.size() ? schema.columns[k] : "?") +
                                         "' was not delivered; cannot build _event_id"));
      }
      id += ':';
      v->AppendText(id);
    }
    if (c_.op == Op::kUpdate || c_.op == Op::kDelete) {
      id += ':';
      id += core::OpName(c_.op);
      id += ':';
      id += c_.position.ToString();
    }
    return id;
  }

  // `row` renders parameters and user data; `keys` the ids and the date.
  core::Status Event(const EventSpec& spec, const RowView& row, const RowView& keys) {
    // Rendered straight into the record's fields; MappingEntry::Apply drops
    // the record if anything below fails.
    Record& r = Add(RecordKind::kEvent, {});
    std::string& json = r.json;
    json.reserve(256);
    json += "{\"_user_id\":";
    if (auto st = AppendId(spec.user_id, keys, "user_id", json, r.user_id); !st) return st;
    // A constant type is quoted once (Prepare); a template is rendered
    // before the id so that errors are reported in the same order.
    const std::string& type_json = e_.quoted_keys.event_type;
    core::Result<std::string> type;
    if (type_json.empty()) {
      type = RenderId(spec.type, keys, "type");
      if (!type) return Fail(type.error());
    }
    json += ",\"_event_id\":";
    if (spec.id) {
      if (auto st = AppendId(*spec.id, keys, "id", json, r.event_id); !st) return st;
    } else {
      auto id = DefaultEventId();
      if (!id) return Fail(id.error());
      core::AppendJsonString(json, *id);
      r.event_id = std::move(*id);
    }

    int64_t when = c_.commit_time_us;
    if (spec.date) {
      Value scratch;
      auto v = spec.date->Evaluate(keys, scratch);
      if (!v) return Fail(v.error());
      if ((*v)->is_absent() || (*v)->is_null()) {
        // A snapshot row without its real date would look fresh and fire
        // automations for history.
        if (c_.op == Op::kSnapshot) {
          return Fail(
              core::Error::BadData("date '" + spec.date->text() + "' is NULL or missing in a snapshot row"));
        }
      } else {
        auto us = ValueToEpochMicros(**v);
        if (!us) return Fail(core::Error::BadData("date '" + spec.date->text() + "': " + us.error().message));
        when = *us;
      }
    }

    if (type_json.empty()) {
      json += ",\"_event_type\":";
      core::AppendJsonString(json, *type);
    } else {
      json += type_json;
    }
    if (when != 0) {
      json += ",\"_event_date\":\"";
      AppendEventDate(json, when);  // digits and separators only: nothing to escape
      json.push_back('"');
    }
    json += ",\"_event_parameters\":{";
    if (auto st = Fields(spec.parameters, e_.quoted_keys.parameters, row, true, json); !st) return st;
    json.push_back('}');
    if (spec.user_data) {
      json += ",\"_user_data\":{";
      if (auto st = Fields(*spec.user_data, e_.quoted_keys.user_data, row, true, json); !st) return st;
      json.push_back('}');
    }
    json.push_back('}');
    // Milliseconds are what the API sees, so the recorded time matches them.
    r.event_time_us = when - ((when % 1000) + 1000) % 1000;
    return {};
  }

  const MappingEntry& e_;
  const RowChange& c_;
  RowView new_row_;
  RowView old_row_;
  RowView merged_row_;
  std::vector<Record>& out_;
  uint64_t& nonfinite_;
};

void AddColumns(const std::vector<int>& slots, std::set<int>& into) {
  into.insert(slots.begin(), slots.end());
}

}  // namespace

void MappingEntry::Apply(const core::RowChange& change, const std::vector<int>& index,
                         std::vector<core::Record>& out, std::vector<core::MappingFailure>& failures,
                         uint64_t& nonfinite) const {
  if ((ops & OpBit(change.op)) == 0) return;
  const size_t before = out.size();
  EntryRun run(*this, change, index, out, nonfinite);
  if (auto st = run.Run(); !st) {
    out.resize(before);  // all or nothing per entry
    core::Error e = st.error();
    e.message = name + ": " + e.message;
    e.table = table;
    e.position = change.position.ToString();
    failures.push_back(core::MappingFailure{std::move(e), name});
  }
}

void MappingEntry::Prepare() {
  record_table = table;
  record_destination = destination;
  quoted_keys = {};
  if (contact) quoted_keys.attributes = QuotedKeysOf(contact->attributes);
  if (event) {
    quoted_keys.parameters = QuotedKeysOf(event->parameters);
    if (event->type.constant() && !event->type.text().empty()) {
      // A constant template renders its text with "{{"/"}}" unescaped.
      Value scratch;
      std::string type;
      const std::vector<core::Value> no_row;
      const std::vector<int> no_index;
      if (event->type.AppendText(RowView(no_row, no_index), type, scratch) && !type.empty()) {
        quoted_keys.event_type = ",\"_event_type\":";
        core::AppendJsonString(quoted_keys.event_type, type);
      }
    }
    if (event->user_data) quoted_keys.user_data = QuotedKeysOf(*event->user_data);
  }
}

core::Mapping::TableNeeds MappingEntry::Needs() const {
  core::Mapping::TableNeeds needs;
  needs.table = table;
  needs.columns = slots.names();
  std::set<int> old_slots;
  if (where) AddColumns(where->ChangedSlots(), old_slots);
  const bool deletes = (ops & OpBit(core::Op::kDelete)) != 0;
  if (contact) {
    const bool reads_old_uid = (deletes && contact->delete_contact) ||
                               ((ops & OpBit(core::Op::kUpdate)) && contact->delete_and_upsert);
    if (reads_old_uid) AddColumns(contact->user_id.Slots(), old_slots);
    needs.needs_deletes = deletes && contact->delete_contact;
    if (deletes && where) AddColumns(where->Slots(), old_slots);
  } else if (event) {
    needs.needs_deletes = deletes;
    if (deletes) {
      for (size_t i = 0; i < slots.names().size(); ++i) old_slots.insert(static_cast<int>(i));
    }
  }
  for (int s : old_slots) needs.old_columns.push_back(slots.names()[static_cast<size_t>(s)]);
  return needs;
}

}  // namespace cdc::config
