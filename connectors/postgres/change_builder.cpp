#include "connectors/postgres/change_builder.h"

#include <string>
#include <utility>

namespace cdc::pg {
namespace {

core::Error WithContext(core::Error e, const RelationInfo* relation, const ChangeContext& context) {
  if (relation != nullptr && e.table.empty()) e.table = relation->schema->QualifiedName();
  if (e.position.empty()) e.position = context.position.ToString();
  return e;
}

}  // namespace

core::Result<const RelationInfo*> ChangeBuilder::Relation(uint32_t oid,
                                                          const ChangeContext& context) const {
  const RelationInfo* relation = relations_.Find(oid);
  if (relation == nullptr) {
    // The server always sends a Relation before the first change of a table
    // in a session, so this means messages were lost or reordered.
    return core::Fail(
        WithContext(core::Error::Bug("change for relation OID " + std::to_string(oid) +
                                     " before any Relation message describing it"),
                    nullptr, context));
  }
  return relation;
}

core::Status ChangeBuilder::ConvertTuple(const RelationInfo& relation, const TupleData& tuple,
                                         TupleRole role, const ChangeContext& context,
                                         std::vector<core::Value>& out) {
  const auto& schema = *relation.schema;
  if (tuple.size() != schema.columns.size()) {
    return core::Fail(WithContext(
        core::Error::Bug("tuple has " + std::to_string(tuple.size()) + " columns, relation has " +
                         std::to_string(schema.columns.size())),
        &relation, context));
  }
  out.clear();
  out.reserve(tuple.size());
  for (size_t i = 0; i < tuple.size(); ++i) {
    const TupleColumn& column = tuple[i];
    // A key-only old tuple carries NULL in every column outside the replica
    // identity: those values are unknown, not NULL.
    if (role == TupleRole::kKeyOnly && !relation.identity[i]) {
      out.emplace_back();
      continue;
    }
    switch (column.kind) {
      case TupleDataKind::kNull:
        out.push_back(core::Value::Null());
        break;
      case TupleDataKind::kUnchangedToast:
        out.emplace_back();  // absent: the attribute is omitted, never cleared
        break;
      case TupleDataKind::kBinary:
        return core::Fail(
            WithContext(core::Error::BadData("binary tuple data for column " + schema.columns[i] +
                                             " (the binary option is never requested)"),
                        &relation, context));
      case TupleDataKind::kText: {
        auto value = TextToValue(relation.type_oids[i], column.data, types_, &warnings_);
        if (!value) {
          core::Error e = std::move(value).error();
          e.message = "column " + schema.columns[i] + " (" + schema.types[i] + "): " + e.message;
          return core::Fail(WithContext(std::move(e), &relation, context));
        }
        out.push_back(std::move(*value));
        break;
      }
    }
  }
  return {};
}

core::Result<core::RowChange> ChangeBuilder::Build(const InsertMessage& message,
                                                   const ChangeContext& context) {
  auto relation = Relation(message.relation_oid, context);
  if (!relation) return core::Fail(relation.error());
  core::RowChange change;
  change.op = core::Op::kInsert;
  change.table = (*relation)->schema;
  change.position = context.position;
  change.commit_time_us = context.commit_time_us;
  change.xid = context.xid;
  if (auto s = ConvertTuple(**relation, message.new_tuple, TupleRole::kNew, context, change.after);
      !s) {
    return core::Fail(s.error());
  }
  return change;
}

core::Result<core::RowChange> ChangeBuilder::Build(const UpdateMessage& message,
                                                   const ChangeContext& context) {
  auto relation = Relation(message.relation_oid, context);
  if (!relation) return core::Fail(relation.error());
  core::RowChange change;
  change.op = core::Op::kUpdate;
  change.table = (*relation)->schema;
  change.position = context.position;
  change.commit_time_us = context.commit_time_us;
  change.xid = context.xid;
  if (message.old_kind != OldTupleKind::kNone) {
    TupleRole role =
        message.old_kind == OldTupleKind::kKey ? TupleRole::kKeyOnly : TupleRole::kFullOld;
    if (auto s = ConvertTuple(**relation, message.old_tuple, role, context, change.before); !s) {
      return core::Fail(s.error());
    }
  }
  if (auto s = ConvertTuple(**relation, message.new_tuple, TupleRole::kNew, context, change.after);
      !s) {
    return core::Fail(s.error());
  }
  return change;
}

core::Result<core::RowChange> ChangeBuilder::Build(const DeleteMessage& message,
                                                   const ChangeContext& context) {
  auto relation = Relation(message.relation_oid, context);
  if (!relation) return core::Fail(relation.error());
  core::RowChange change;
  change.op = core::Op::kDelete;
  change.table = (*relation)->schema;
  change.position = context.position;
  change.commit_time_us = context.commit_time_us;
  change.xid = context.xid;
  TupleRole role =
      message.old_kind == OldTupleKind::kKey ? TupleRole::kKeyOnly : TupleRole::kFullOld;
  if (auto s = ConvertTuple(**relation, message.old_tuple, role, context, change.before); !s) {
    return core::Fail(s.error());
  }
  return change;
}

}  // namespace cdc::pg
