#include "connectors/postgres/pgoutput_messages.h"

#include <type_traits>

namespace cdc::pg {

const char* MessageName(const PgoutputMessage& message) {
  return std::visit(
      [](const auto& m) -> const char* {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, BeginMessage>) return "Begin";
        if constexpr (std::is_same_v<T, CommitMessage>) return "Commit";
        if constexpr (std::is_same_v<T, OriginMessage>) return "Origin";
        if constexpr (std::is_same_v<T, RelationMessage>) return "Relation";
        if constexpr (std::is_same_v<T, TypeMessage>) return "Type";
        if constexpr (std::is_same_v<T, InsertMessage>) return "Insert";
        if constexpr (std::is_same_v<T, UpdateMessage>) return "Update";
        if constexpr (std::is_same_v<T, DeleteMessage>) return "Delete";
        if constexpr (std::is_same_v<T, TruncateMessage>) return "Truncate";
        if constexpr (std::is_same_v<T, LogicalMessage>) return "Message";
        if constexpr (std::is_same_v<T, StreamStartMessage>) return "StreamStart";
        if constexpr (std::is_same_v<T, StreamStopMessage>) return "StreamStop";
        if constexpr (std::is_same_v<T, StreamCommitMessage>) return "StreamCommit";
        if constexpr (std::is_same_v<T, StreamAbortMessage>) return "StreamAbort";
        return "?";
      },
      message);
}

}  // namespace cdc::pg
