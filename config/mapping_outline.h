// MappingOutline: where each item of `mappings:` and each of its templates sits
// in the config file ("file:line:column"), what columns it reads and what type
// it yields, so `validate` can report live-datasource problems at their place.
// Built by OutlineMapping with the same compiler as CompileMapping; plain data.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "core/model/value.h"

namespace cdc::config {

enum class FieldRole {
  kUserId,     // contact or event `user_id`
  kAttribute,  // contact `attributes.NAME`
  kEventType,  // event `type`
  kEventId,    // event `id`
  kEventDate,  // event `date`
  kParameter,  // event `parameters.NAME`
  kUserData,   // event `user_data.NAME` (contact attributes sent with the event)
  kWhere,      // the `where:` condition
};

const char* FieldRoleKey(FieldRole role);  // "attributes", "parameters", "type", ...

struct FieldOutline {
  FieldRole role = FieldRole::kUserId;
  std::string name;                  // attribute/parameter name; empty for the other roles
  std::string where;                 // "file:line:column" of the template (the value)
  std::string name_where;            // of the name (the key) for named fields; else == where
  std::string text;                  // the template (or condition) as compiled, ${ENV} expanded
  std::vector<std::string> columns;  // every column it reads, in order
  bool typed = false;                // one placeholder and nothing else: keeps a type
  bool constant = false;             // no placeholder at all
  // What a typed template yields: kAbsent = the type of columns[0] (no
  // converting filter); else the last converting filter's result (kString for
  // text filters, kInt, kDouble, kDecimal, or kDate for date('%Y-%m-%d')).
  // Untyped templates yield kString.
  core::ValueKind result = core::ValueKind::kString;
};

struct EntryOutline {
  std::string name;          // "mappings[1] (public.orders event purchase)"
  std::string table;         // "schema.table"
  std::string sink;          // the sink it routes to (the default sink's name when unset)
  bool contact = false;      // contact mapping; else an event mapping
  std::string where;         // of the item
  std::string table_where;   // of its `table:` value
  std::string fields_where;  // of `parameters:` (events) / `attributes:` (contacts), else of the item
  std::vector<FieldOutline> fields;
};

// Compiles `mappings:` like CompileMapping and returns where everything is.
core::Result<std::vector<EntryOutline>> OutlineMapping(const PipelineConfig& config,
                                                       const MappingContext& context);

}  // namespace cdc::config
