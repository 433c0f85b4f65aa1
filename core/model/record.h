// Record: one item for a destination (contact upsert, contact delete, event),
// already serialised as the JSON object the API takes, so a sink only joins
// items into a batch. Produced by a Mapping, consumed by a Sink.
#pragma once

#include <cstdint>
#include <string>

#include "core/model/position.h"
#include "core/model/shared_name.h"

namespace cdc::core {

enum class RecordKind : uint8_t { kContactUpsert, kContactDelete, kEvent };

const char* RecordKindName(RecordKind kind);  // "contact_upsert", "contact_delete", "event"

struct Record {
  RecordKind kind = RecordKind::kContactUpsert;
  std::string user_id;   // always set; the ordering key
  std::string event_id;  // events only
  std::string json;      // the item object, e.g. {"_user_id":"42","_email":"a@b.c"};
                         // empty for contact deletes
  // A user-id change (on_user_id_change: delete_and_upsert) yields a delete of the
  // old id with `renamed` set, then the upsert of the new id carrying the old one in
  // `previous_user_id`. A destination with an identity change of its own (Encharge's
  // alias) uses these; Instasent simply deletes and upserts.
  std::string previous_user_id;  // contact upserts only
  bool renamed = false;          // contact deletes only
  SharedName destination;        // sink name for routing; empty = the default sink
  SharedName table;              // source table, for dead letters and logs
  Position position;
  int64_t event_time_us = 0;  // events: the _event_date sent (epoch µs); 0 = not sent
  uint64_t ticket = 0;        // set by the pipeline; what the sink acknowledges
                              // (0 = untracked: the sink accepted it in Submit)
};

}  // namespace cdc::core
