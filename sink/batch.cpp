#include "sink/batch.h"

#include <nlohmann/json.hpp>

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

size_t Batch::SubmittedCount() const {
  size_t n = records.size();
  for (const auto& merged : originals) n += merged.empty() ? 0 : merged.size() - 1;
  return n;
}

std::vector<uint64_t> Batch::TicketsOf(size_t i) const {
  if (!IsMerged(i)) return {records[i].ticket};
  std::vector<uint64_t> tickets;
  tickets.reserve(originals[i].size());
  for (const auto& record : originals[i]) tickets.push_back(record.ticket);
  return tickets;
}

Batch Unmerge(Batch& batch, const std::vector<size_t>& items) {
  Batch out;
  out.endpoint = batch.endpoint;
  out.sync = batch.sync;
  for (size_t i : items) {
    assert(batch.IsMerged(i));
    for (auto& record : batch.originals[i]) out.records.push_back(std::move(record));
    batch.originals[i].clear();
  }
  return out;
}

bool MergeContactItem(std::string& into, const std::string& later) {
  // ordered_json keeps the attributes in the order the mapping wrote them.
  auto base = nlohmann::ordered_json::parse(into, nullptr, false);
  auto update = nlohmann::ordered_json::parse(later, nullptr, false);
  if (!base.is_object() || !update.is_object()) return false;
  for (auto& [key, value] : update.items()) base[key] = std::move(value);
  into = base.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return true;
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
  Batch first{batch.endpoint, {}, {}, batch.sync, 0};
  Batch second{batch.endpoint, {}, {}, batch.sync, 0};
  first.records.assign(std::make_move_iterator(batch.records.begin()),
                       std::make_move_iterator(batch.records.begin() + half));
  second.records.assign(std::make_move_iterator(batch.records.begin() + half),
                        std::make_move_iterator(batch.records.end()));
  if (!batch.originals.empty()) {
    batch.originals.resize(batch.records.size());
    first.originals.assign(std::make_move_iterator(batch.originals.begin()),
                           std::make_move_iterator(batch.originals.begin() + half));
    second.originals.assign(std::make_move_iterator(batch.originals.begin() + half),
                            std::make_move_iterator(batch.originals.end()));
  }
  return {std::move(first), std::move(second)};
}

}  // namespace cdc::sink
