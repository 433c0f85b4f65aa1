// Names of the model's enumerations and small helpers of its structs.
#include "core/model/record.h"
#include "core/model/result.h"
#include "core/model/row_change.h"

namespace cdc::core {

const char* OpName(Op op) {
  switch (op) {
    case Op::kSnapshot: return "snapshot";
    case Op::kInsert: return "insert";
    case Op::kUpdate: return "update";
    case Op::kDelete: return "delete";
  }
  return "?";
}

const char* RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kContactUpsert: return "contact_upsert";
    case RecordKind::kContactDelete: return "contact_delete";
    case RecordKind::kEvent: return "event";
  }
  return "?";
}

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kRetryable: return "retryable";
    case ErrorKind::kBadData: return "bad data";
    case ErrorKind::kConfig: return "configuration";
    case ErrorKind::kFatal: return "fatal";
    case ErrorKind::kBug: return "internal";
  }
  return "?";
}

std::string Error::Describe() const {
  std::string out = message;
  if (!table.empty() || !position.empty()) {
    out += " (";
    if (!table.empty()) out += "table " + table;
    if (!table.empty() && !position.empty()) out += ", ";
    if (!position.empty()) out += "position " + position;
    out += ")";
  }
  return out;
}

int TableSchema::ColumnIndex(const std::string& column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == column) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace cdc::core
