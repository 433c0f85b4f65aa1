#include "core/model/position.h"

#include <cinttypes>
#include <cstdio>

namespace cdc::core {

std::string FormatLsn(uint64_t lsn) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(lsn >> 32),
                static_cast<unsigned>(lsn & 0xFFFFFFFFu));
  return buf;
}

bool ParseLsn(const std::string& text, uint64_t& lsn) {
  unsigned hi = 0, lo = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%X/%X%n", &hi, &lo, &consumed) != 2) return false;
  if (static_cast<size_t>(consumed) != text.size()) return false;
  lsn = (static_cast<uint64_t>(hi) << 32) | lo;
  return true;
}

namespace {
std::string FormatBinlog(uint64_t packed) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%06u:%u", static_cast<unsigned>(packed >> 32),
                static_cast<unsigned>(packed & 0xFFFFFFFFu));
  return buf;
}
}  // namespace

std::string Position::ToString() const {
  switch (source) {
    case SourceKind::kPostgres:
      return FormatLsn(change != 0 ? change : commit);
    case SourceKind::kMysql:
      if (change == 0) return FormatBinlog(commit);
      return FormatBinlog(change) + "#" + std::to_string(index);
    case SourceKind::kNone:
      break;
  }
  return std::to_string(commit) + ":" + std::to_string(change) + "#" + std::to_string(index);
}

std::string Position::CommitString() const {
  switch (source) {
    case SourceKind::kPostgres: return FormatLsn(commit);
    case SourceKind::kMysql: return FormatBinlog(commit);
    case SourceKind::kNone: break;
  }
  return std::to_string(commit);
}

}  // namespace cdc::core
