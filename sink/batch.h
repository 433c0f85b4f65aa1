// Batch: records for one endpoint taken from one ordering lane (see
// OrderingLanes::TakeBatch), and what happens to it on the wire (attempts,
// ?_sync). Plain data; owned by the sink's HTTP thread once taken.
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
  // Per record (the vector may be shorter than `records`): empty, or when
  // later upserts of the same user were merged into records[i], the original
  // records in submission order (records[i] as submitted first). Accepting
  // the item finishes all of them, so the checkpointer sees every submitted
  // ticket done; an item the API rejects is sent again as its originals (see
  // Unmerge), so one bad upsert never takes good ones to the dead letters.
  std::vector<std::vector<core::Record>> originals;
  bool sync = false;  // contacts: send with ?_sync
  int attempt = 0;    // failed attempts so far (5xx, timeouts, resets)

  // Submitted records this batch stands for: its items plus those merged in.
  size_t SubmittedCount() const;
  // True when records[i] is several submitted upserts merged into one.
  bool IsMerged(size_t i) const { return i < originals.size() && !originals[i].empty(); }
  // The tickets records[i] finishes: its own, or those of all its originals.
  std::vector<uint64_t> TicketsOf(size_t i) const;
};

// The originals of records[i] as a batch of their own (no merging): what is
// sent when the API rejected the merged item. Requires IsMerged(i).
Batch Unmerge(Batch& batch, const std::vector<size_t>& items);

// Merges a later contact upsert item into an earlier one of the same user:
// the later value of each attribute wins, attributes only the earlier one
// has are kept (as if both had been applied in order: omitted keeps, null
// clears). False, leaving `into` unchanged, when either is not a JSON object.
// Compact objects as the mapping writes them are merged member by member as
// written (values keep their exact text); anything else is parsed.
bool MergeContactItem(std::string& into, const std::string& later);

// The request body: a JSON array joined from each record's already serialised
// item, without parsing them again.
std::string JoinItems(const Batch& batch);

// A 400 rejects the whole request without saying which item is at fault; the
// halves are sent one after the other (first half first, order kept) until a
// single item answered 400 identifies the bad one. Requires size() >= 2.
std::pair<Batch, Batch> SplitInHalves(Batch batch);

}  // namespace cdc::sink
