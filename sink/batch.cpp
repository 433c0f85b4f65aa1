#include "sink/batch.h"

#include <cassert>
#include <iterator>

namespace cdc::sink {

Endpoint EndpointOf(core::RecordKind kind) {
  switch (kind) {
    case core::RecordKind::kContactUpsert:
      return Endpoint::kContacts;
    case core::RecordKind::kContactDelete:
      return Endpoint::kDelete;
    case core::RecordKind::kEvent:
      return Endpoint::kEvents;
  }
  return Endpoint::kContacts;
}

const char* EndpointName(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kContacts:
      return "contacts";
    case Endpoint::kEvents:
      return "events";
    case Endpoint::kDelete:
      return "delete";
  }
  return "?";
}

std::string JoinItems(const Batch& batch) {
  size_t size = 2;
  for (const auto& record : batch.records) size += record.json.size() + 1;
  std::string body;
  body.reserve(size);
  body += '[';
  for (size_t i = 0; i < batch.records.size(); ++i) {
    if (i) body += ',';
    body += batch.records[i].json;
  }
  body += ']';
  return body;
}

std::pair<Batch, Batch> SplitInHalves(Batch batch) {
  assert(batch.records.size() >= 2);
  const size_t half = batch.records.size() / 2;
  Batch first{batch.endpoint, {}, batch.sync, 0};
  Batch second{batch.endpoint, {}, batch.sync, 0};
  first.records.assign(std::make_move_iterator(batch.records.begin()),
                       std::make_move_iterator(batch.records.begin() + half));
  second.records.assign(std::make_move_iterator(batch.records.begin() + half),
                        std::make_move_iterator(batch.records.end()));
  return {std::move(first), std::move(second)};
}

}  // namespace cdc::sink
