// Runs the decoder over one binlog fixture and checks it against the facts in
// its expect.json: events (offset, type, size, next position, timestamp),
// counts per type, the FORMAT_DESCRIPTION, CRC32, header-level decodes (GTIDs,
// GTID sets, rotate targets, table names) and mariadb-binlog's row images.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connectors/mysql/binlog_event.h"
#include "connectors/mysql/event_decoder.h"

namespace cdc::mysql::testing {

struct DecodedEvent {
  size_t offset = 0;
  BinlogEvent event;
};

struct FixtureRun {
  std::string relative;
  std::string bytes;  // the whole file (magic + events)
  nlohmann::json expect;
  EventDecoder decoder;
  std::vector<DecodedEvent> events;      // successfully decoded, in order
  std::map<size_t, core::Error> errors;  // by offset, events that failed
  size_t raw_event_count = 0;
};

// Decodes every event of the fixture (errors are recorded, not fatal).
FixtureRun RunFixture(const std::string& relative);

// The individual checks; each adds gtest failures.
void CheckStructure(const FixtureRun& run);
void CheckHeaderDecodes(const FixtureRun& run);
void CheckRowImages(const FixtureRun& run);
// RunFixture + no decode errors + all three checks.
FixtureRun CheckFixture(const std::string& relative);

// The index-th event of the file (0-based, the FORMAT_DESCRIPTION is 0).
const BinlogEvent& Nth(const FixtureRun& run, size_t index);
// Same, which must be a rows event.
const Rows& RowsAt(const FixtureRun& run, size_t index);

// Rows events in order (top level and inside TRANSACTION_PAYLOADs).
std::vector<std::pair<size_t, const Rows*>> AllRows(const FixtureRun& run);
template <class T>
std::vector<std::pair<size_t, const T*>> EventsOf(const FixtureRun& run) {
  std::vector<std::pair<size_t, const T*>> out;
  for (const auto& e : run.events) {
    if (const T* t = e.event.As<T>()) out.emplace_back(e.offset, t);
  }
  return out;
}

}  // namespace cdc::mysql::testing
