// Position: where a change sits in its source's stream, as plain integers so it
// is cheap to copy per row and totally ordered within one source.
//
//   Postgres: commit = commit end LSN of the transaction (snapshot rows: the
//             slot's consistent point); change = the change record's own LSN.
//   MySQL:    commit = (binlog file number << 32) | offset where the transaction
//             begins for its rows (the end offset is only known at the XID),
//             and the end offset of the XID/COMMIT for its TxEnd; both orders
//             hold. change = (file number << 32) | offset of the rows event,
//             index = the row's place inside that event.
// A source maps a confirmed Position back to its own resume token (slot flush
// LSN; binlog file+offset and GTID set) itself.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>

namespace cdc::core {

enum class SourceKind : uint8_t { kNone, kPostgres, kMysql };

struct Position {
  SourceKind source = SourceKind::kNone;
  uint64_t commit = 0;
  uint64_t change = 0;
  uint32_t index = 0;

  auto Key() const { return std::tie(commit, change, index); }
  bool operator<(const Position& o) const { return Key() < o.Key(); }
  bool operator<=(const Position& o) const { return Key() <= o.Key(); }
  bool operator==(const Position& o) const { return Key() == o.Key(); }
  bool empty() const { return commit == 0 && change == 0 && index == 0; }

  // Stable text used in event ids and dead letters (a replay of the same
  // slot/binlog yields the same text):
  //   Postgres "0/16B3748" (the change LSN; the commit LSN when change is 0)
  //   MySQL    "000003:1234#2" (file number, event offset, row index)
  std::string ToString() const;
  // The transaction-level text ("0/16B37A0", "000003:1500").
  std::string CommitString() const;
};

std::string FormatLsn(uint64_t lsn);
// Parses "X/Y" (hex halves) as Postgres prints LSNs; false on bad input.
bool ParseLsn(const std::string& text, uint64_t& lsn);

}  // namespace cdc::core
