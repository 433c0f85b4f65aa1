// ChangeBuilder: Insert/Update/Delete messages + the relation cache →
// core::RowChange with typed values. Unchanged TOAST → absent, NULL → null;
// a key-only ('K') old tuple gives values for the key columns only (the rest
// absent); an Update without old tuple leaves `before` empty. The position,
// commit time and xid come from the caller (the transaction being read).
// Not thread-safe: one per reader, like the cache it reads.
#pragma once

#include <cstdint>

#include "connectors/postgres/pg_types.h"
#include "connectors/postgres/pgoutput_messages.h"
#include "connectors/postgres/relation_cache.h"
#include "core/model/position.h"
#include "core/model/result.h"
#include "core/model/row_change.h"

namespace cdc::pg {

struct ChangeContext {
  core::Position position;
  int64_t commit_time_us = 0;  // Unix epoch µs
  uint64_t xid = 0;
};

class ChangeBuilder {
 public:
  // Both must outlive the builder.
  ChangeBuilder(const RelationCache& relations, const TypeResolver& types)
      : relations_(relations), types_(types) {}

  // Errors: unknown relation OID or a tuple that does not match the relation
  // (kBug: the stream is inconsistent); a value its type cannot have, or
  // binary-format data (never requested) (kBadData, with table and position).
  core::Result<core::RowChange> Build(const InsertMessage& message, const ChangeContext& context);
  core::Result<core::RowChange> Build(const UpdateMessage& message, const ChangeContext& context);
  core::Result<core::RowChange> Build(const DeleteMessage& message, const ChangeContext& context);

  // Counts accumulated since construction (numeric NaN sent as null, ...).
  const ConversionWarnings& warnings() const { return warnings_; }

 private:
  enum class TupleRole { kNew, kKeyOnly, kFullOld };
  core::Result<const RelationInfo*> Relation(uint32_t oid, const ChangeContext& context) const;
  core::Status ConvertTuple(const RelationInfo& relation, const TupleData& tuple, TupleRole role,
                            const ChangeContext& context, std::vector<core::Value>& out);

  const RelationCache& relations_;
  const TypeResolver& types_;
  ConversionWarnings warnings_;
};

}  // namespace cdc::pg
