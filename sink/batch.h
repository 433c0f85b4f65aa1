// Batch: a run of records for one endpoint, taken from the front of one
// ordering lane, and what happens to it on the wire (attempts, ?_sync).
// Plain data; owned by the sink's HTTP thread once taken from the lane.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/model/record.h"

namespace cdc::sink {

enum class Endpoint : uint8_t { kContacts, kEvents, kDelete };
inline constexpr int kEndpointCount = 3;

Endpoint EndpointOf(core::RecordKind kind);
const char* EndpointName(Endpoint endpoint);  // "contacts", "events", "delete"

struct Batch {
  Endpoint endpoint = Endpoint::kContacts;
  std::vector<core::Record> records;
  bool sync = false;  // contacts: send with ?_sync
  int attempt = 0;    // failed attempts so far (5xx, timeouts, resets)
};

// The request body: a JSON array joined from each record's already serialised
// item, without parsing them again.
std::string JoinItems(const Batch& batch);

// A 400 rejects the whole request without saying which item is at fault; the
// halves are sent one after the other (first half first, order kept) until a
// single item answered 400 identifies the bad one. Requires size() >= 2.
std::pair<Batch, Batch> SplitInHalves(Batch batch);

}  // namespace cdc::sink
