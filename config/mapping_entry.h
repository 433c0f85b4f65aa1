// MappingEntry: one compiled item of `mappings:` (a contact or an event
// mapping of one table). Apply renders a row straight into Record::json with
// the core JSON writer; column slots are bound to row indices by the caller
// (CompiledMapping) once per table schema version. Immutable after compile.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/column_slots.h"
#include "config/predicate.h"
#include "config/template.h"
#include "core/model/record.h"
#include "core/pipeline/mapping.h"

namespace cdc::config {

using NamedTemplates = std::vector<std::pair<std::string, Template>>;

struct ContactSpec {
  Template user_id;
  NamedTemplates attributes;
  bool delete_contact = true;     // on_delete: delete_contact | ignore
  bool delete_and_upsert = true;  // on_user_id_change: delete_and_upsert | upsert_only
};

struct EventSpec {
  Template type;
  std::optional<Template> id;
  Template user_id;
  std::optional<Template> date;
  NamedTemplates parameters;
  std::optional<NamedTemplates> user_data;
};

inline constexpr uint8_t OpBit(core::Op op) { return static_cast<uint8_t>(1u << static_cast<int>(op)); }

struct MappingEntry {
  std::string name;         // "mappings[1] (public.orders event purchase)"
  std::string table;        // "schema.table"
  std::string destination;  // sink name from `sink:`; empty = the default sink
  std::string pipeline;
  uint8_t ops = 0;  // OpBit mask
  std::optional<Predicate> where;
  ColumnSlots slots;
  std::optional<ContactSpec> contact;
  std::optional<EventSpec> event;

  // What every record of this entry repeats, prepared once by Prepare
  // (CompiledMapping calls it): `,"key":` of each field of attributes /
  // parameters / user_data, so that rendering a row appends each key instead
  // of escaping it again (empty: quoted per row), a constant event type, and
  // the table and sink names each record carries.
  struct QuotedKeys {
    std::vector<std::string> attributes;
    std::vector<std::string> parameters;
    std::vector<std::string> user_data;
    std::string event_type;  // `,"_event_type":"<type>"` for a constant type; else empty
  } quoted_keys;
  core::SharedName record_table;
  core::SharedName record_destination;
  void Prepare();

  // Appends this entry's records for `change` (or one failure). `index` maps
  // slots to row indices of change.table; `nonfinite` counts NaN/±Inf floats
  // written as null.
  void Apply(const core::RowChange& change, const std::vector<int>& index, std::vector<core::Record>& out,
             std::vector<core::MappingFailure>& failures, uint64_t& nonfinite) const;

  // What this entry needs from its table (columns by name).
  core::Mapping::TableNeeds Needs() const;
};

}  // namespace cdc::config
