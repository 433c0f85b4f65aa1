#include "config/mapping_compiler.h"

#include <set>

#include "config/compiled_mapping.h"
#include "config/mapping_outline.h"
#include "config/mapping_outline_builder.h"
#include "config/raw_config.h"
#include "config/try.h"
#include "core/metrics/metrics.h"

namespace cdc::config {
namespace {

using core::Fail;
using core::Result;
using core::Status;

class Compiler {
 public:
  // With `outline`, also records where each item and template sits.
  Compiler(const PipelineConfig& config, const MappingContext& context,
           std::vector<EntryOutline>* outline = nullptr)
      : config_(config), context_(context), r_(config.raw->reader), outline_(outline) {}

  Result<std::vector<MappingEntry>> Run() {
    std::vector<MappingEntry> entries;
    size_t i = 0;
    for (const auto& node : config_.raw->mappings) {
      MappingEntry entry;
      if (outline_ != nullptr) {
        current_ = &outline_->emplace_back();
        current_->where = current_->table_where = current_->fields_where = r_.Where(node);
      }
      CDC_TRY(Entry(node, i++, entry));
      if (current_ != nullptr) {
        current_->name = entry.name;
        current_->table = entry.table;
        current_->sink = entry.destination.empty() ? config_.sinks.front().name : entry.destination;
        current_->contact = entry.contact.has_value();
      }
      entries.push_back(std::move(entry));
    }
    return entries;
  }

 private:
  Status Entry(const YAML::Node& node, size_t i, MappingEntry& e) {
    const std::string where = "mappings[" + std::to_string(i) + "]";
    CDC_TRY(
        r_.CheckMap(node, where,
                    {"table", "sink", "ops", "where", "contact", "event", "on_delete", "on_user_id_change"}));
    if (!node["table"]) return Fail(r_.ErrorAt(node, where + ": missing required key 'table'"));
    std::string table;
    CDC_TRY_ASSIGN(table, r_.Scalar(node["table"], "table"));
    if (table.empty() || table.front() == '.' || table.back() == '.') {
      return Fail(r_.ErrorAt(node["table"], "'table' must be 'schema.table' or 'table'"));
    }
    if (table.find('.') == std::string::npos && context_.default_schema.empty()) {
      return Fail(r_.ErrorAt(node["table"],
                             "'table' needs a schema ('db.table'): the source names "
                             "no default database"));
    }
    e.table = QualifyTable(table, context_.default_schema);
    if (current_ != nullptr) current_->table_where = r_.Where(node["table"]);
    e.pipeline = config_.pipeline;
    if (node["contact"] && node["event"]) {
      return Fail(r_.ErrorAt(node["event"], where + ": use either 'contact:' or 'event:', not both"));
    }
    if (!node["contact"] && !node["event"]) {
      return Fail(r_.ErrorAt(node, where + ": needs 'contact:' or 'event:'"));
    }
    if (node["sink"]) {
      CDC_TRY_ASSIGN(e.destination, r_.Scalar(node["sink"], "sink"));
      bool known = false;
      for (const SinkConfig& s : config_.sinks) known = known || s.name == e.destination;
      if (!known) {
        return Fail(r_.ErrorAt(node["sink"], "no sink named '" + e.destination + "'"));
      }
    }
    const bool is_contact = static_cast<bool>(node["contact"]);
    e.ops = is_contact ? AllOps() : OpBit(core::Op::kSnapshot) | OpBit(core::Op::kInsert);
    if (node["ops"]) CDC_TRY_ASSIGN(e.ops, Ops(node["ops"]));
    if (node["where"]) {
      std::string text;
      CDC_TRY_ASSIGN(text, r_.Scalar(node["where"], "where"));
      auto p = Predicate::Compile(text, e.slots);
      if (!p) return Fail(r_.ErrorAt(node["where"], "where: " + p.error().message, p.error().offset));
      e.where = std::move(*p);
      if (current_ != nullptr) {
        // `where:` is compiled first, so every slot so far is one of its columns.
        FieldOutline& f = current_->fields.emplace_back();
        f.role = FieldRole::kWhere;
        f.where = f.name_where = r_.Where(node["where"]);
        f.text = text;
        f.columns = e.slots.names();
      }
    }
    if (is_contact) {
      CDC_TRY(Contact(node, e));
      e.name = where + " (" + e.table + " contact)";
    } else {
      for (const char* key : {"on_delete", "on_user_id_change"}) {
        if (node[key]) {
          return Fail(r_.ErrorAt(node[key], std::string("'") + key + "' applies to contact mappings"));
        }
      }
      CDC_TRY(Event(node["event"], where, e));
      e.name = where + " (" + e.table + " event " + e.event->type.text() + ")";
    }
    return {};
  }

  static uint8_t AllOps() {
    return OpBit(core::Op::kSnapshot) | OpBit(core::Op::kInsert) | OpBit(core::Op::kUpdate) |
           OpBit(core::Op::kDelete);
  }

  Result<uint8_t> Ops(const YAML::Node& node) {
    if (!node.IsSequence() || node.size() == 0) {
      return Fail(r_.ErrorAt(node, "'ops' must be a non-empty list of snapshot, insert, update, delete"));
    }
    uint8_t mask = 0;
    for (const auto& item : node) {
      std::string op;
      CDC_TRY_ASSIGN(op, r_.OneOf(item, "ops", {"snapshot", "insert", "update", "delete"}));
      if (op == "snapshot") mask |= OpBit(core::Op::kSnapshot);
      if (op == "insert") mask |= OpBit(core::Op::kInsert);
      if (op == "update") mask |= OpBit(core::Op::kUpdate);
      if (op == "delete") mask |= OpBit(core::Op::kDelete);
    }
    return mask;
  }

  Result<Template> Compile(const YAML::Node& node, const std::string& key, ColumnSlots& slots, FieldRole role,
                           const std::string& name = {}) {
    std::string text;
    CDC_TRY_ASSIGN(text, r_.Scalar(node, key));
    auto t = Template::Compile(text, slots);
    if (!t) return Fail(r_.ErrorAt(node, key + ": " + t.error().message, t.error().offset));
    if (current_ != nullptr) current_->fields.push_back(OutlineTemplate(*t, role, name, r_.Where(node)));
    return std::move(*t);
  }

  Result<NamedTemplates> Fields(const YAML::Node& node, const std::string& key, ColumnSlots& slots,
                                FieldRole role) {
    if (!node.IsMap()) return Fail(r_.ErrorAt(node, "'" + key + "' must be a map of name: template"));
    NamedTemplates out;
    std::set<std::string> seen;
    for (const auto& kv : node) {
      std::string name;
      CDC_TRY_ASSIGN(name, r_.Scalar(kv.first, key));
      if (name.empty()) return Fail(r_.ErrorAt(kv.first, "empty name in '" + key + "'"));
      if (!seen.insert(name).second) {
        return Fail(r_.ErrorAt(kv.first, "duplicate key '" + name + "' in " + key));
      }
      if (name == "_user_id") {
        return Fail(r_.ErrorAt(kv.first, "'_user_id' is set from 'user_id:', not from " + key));
      }
      Template t;
      CDC_TRY_ASSIGN(t, Compile(kv.second, key + "." + name, slots, role, name));
      if (current_ != nullptr) current_->fields.back().name_where = r_.Where(kv.first);
      out.emplace_back(std::move(name), std::move(t));
    }
    return out;
  }

  Status Contact(const YAML::Node& entry, MappingEntry& e) {
    const YAML::Node node = entry["contact"];
    CDC_TRY(r_.CheckMap(node, "contact", {"user_id", "attributes", "on_delete", "on_user_id_change"}));
    if (!node["user_id"]) return Fail(r_.ErrorAt(node, "contact: missing required key 'user_id'"));
    ContactSpec spec;
    CDC_TRY_ASSIGN(spec.user_id, Compile(node["user_id"], "user_id", e.slots, FieldRole::kUserId));
    if (node["attributes"]) {
      if (current_ != nullptr) current_->fields_where = r_.Where(node["attributes"]);
      CDC_TRY_ASSIGN(spec.attributes,
                     Fields(node["attributes"], "attributes", e.slots, FieldRole::kAttribute));
    }
    // DESIGN.md writes on_delete beside `contact:`; inside it is accepted too.
    for (const YAML::Node& holder : {entry, node}) {
      if (holder["on_delete"]) {
        std::string v;
        CDC_TRY_ASSIGN(v, r_.OneOf(holder["on_delete"], "on_delete", {"delete_contact", "ignore"}));
        spec.delete_contact = v == "delete_contact";
      }
      if (holder["on_user_id_change"]) {
        std::string v;
        CDC_TRY_ASSIGN(v, r_.OneOf(holder["on_user_id_change"], "on_user_id_change",
                                   {"delete_and_upsert", "upsert_only"}));
        spec.delete_and_upsert = v == "delete_and_upsert";
      }
    }
    e.contact = std::move(spec);
    return {};
  }

  Status Event(const YAML::Node& node, const std::string& where, MappingEntry& e) {
    CDC_TRY(r_.CheckMap(node, "event", {"type", "id", "user_id", "date", "parameters", "user_data"}));
    for (const char* key : {"type", "user_id"}) {
      if (!node[key]) return Fail(r_.ErrorAt(node, std::string("event: missing required key '") + key + "'"));
    }
    EventSpec spec;
    CDC_TRY_ASSIGN(spec.type, Compile(node["type"], "type", e.slots, FieldRole::kEventType));
    CDC_TRY_ASSIGN(spec.user_id, Compile(node["user_id"], "user_id", e.slots, FieldRole::kUserId));
    if (node["id"]) CDC_TRY_ASSIGN(spec.id, Compile(node["id"], "id", e.slots, FieldRole::kEventId));
    if (node["date"])
      CDC_TRY_ASSIGN(spec.date, Compile(node["date"], "date", e.slots, FieldRole::kEventDate));
    if (current_ != nullptr) {
      // A missing required parameter is reported at `parameters:`, else at `type:`.
      current_->fields_where = r_.Where(node["parameters"] ? node["parameters"] : node["type"]);
    }
    if (node["parameters"])
      CDC_TRY_ASSIGN(spec.parameters,
                     Fields(node["parameters"], "parameters", e.slots, FieldRole::kParameter));
    if (node["user_data"]) {
      NamedTemplates data;
      CDC_TRY_ASSIGN(data, Fields(node["user_data"], "user_data", e.slots, FieldRole::kUserData));
      spec.user_data = std::move(data);
    }
    if ((e.ops & OpBit(core::Op::kSnapshot)) && !spec.date) {
      return Fail(r_.ErrorAt(node, where + ": an event that maps snapshot rows needs 'date:' (the "
                                           "row's real date, so history never fires "
                                           "automations), or set 'ops: [insert]'"));
    }
    e.event = std::move(spec);
    return {};
  }

  const PipelineConfig& config_;
  const MappingContext& context_;
  const YamlReader& r_;
  std::vector<EntryOutline>* outline_;
  EntryOutline* current_ = nullptr;  // the item being compiled, when outlining
};

}  // namespace

std::string QualifyTable(const std::string& table, const std::string& default_schema) {
  if (table.find('.') != std::string::npos) return table;
  return default_schema + "." + table;
}

MappingContext MappingContextFor(const PipelineConfig& config) {
  MappingContext context;
  if (config.source.kind == "mysql") {
    context.source = core::SourceKind::kMysql;
    const std::string& dsn = config.source.dsn;
    const size_t scheme = dsn.find("://");
    const size_t slash = dsn.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (slash != std::string::npos) {
      context.default_schema = dsn.substr(slash + 1, dsn.find('?', slash) - slash - 1);
    }
  } else {
    context.source = core::SourceKind::kPostgres;
    context.default_schema = "public";
  }
  return context;
}

core::Result<std::unique_ptr<core::Mapping>> CompileMapping(const PipelineConfig& config,
                                                            const MappingContext& context) {
  if (!config.raw) return Fail(core::Error::Bug("CompileMapping needs a config from LoadConfig"));
  std::vector<MappingEntry> entries;
  try {
    Compiler compiler(config, context);
    CDC_TRY_ASSIGN(entries, compiler.Run());
  } catch (const YAML::Exception& e) {
    return Fail(core::Error::Config(config.raw->reader.Where(e.mark) + ": " + e.msg));
  }
  core::Series* series = nullptr;
  if (context.metrics != nullptr) {
    series =
        &context.metrics->Counter("cdc_mapping_nonfinite_values_total",
                                  "NaN/Infinity float values sent as null", {{"pipeline", config.pipeline}});
  }
  return std::make_unique<CompiledMapping>(std::move(entries), series);
}

}  // namespace cdc::config

namespace cdc::config {

core::Result<std::vector<EntryOutline>> OutlineMapping(const PipelineConfig& config,
                                                       const MappingContext& context) {
  if (!config.raw) return Fail(core::Error::Bug("OutlineMapping needs a config from LoadConfig"));
  std::vector<EntryOutline> outline;
  try {
    Compiler compiler(config, context, &outline);
    auto entries = compiler.Run();
    if (!entries) return Fail(entries.error());
  } catch (const YAML::Exception& e) {
    return Fail(core::Error::Config(config.raw->reader.Where(e.mark) + ": " + e.msg));
  }
  return outline;
}

}  // namespace cdc::config
