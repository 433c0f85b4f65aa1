#include "sink/batch.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <iterator>
#include <string_view>

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

namespace {

// One member of a JSON object as written: the key with its quotes and the
// value's text, both views into the item.
struct Member {
  std::string_view key;
  std::string_view value;
};

size_t SkipSpace(std::string_view text, size_t at) {
  while (at < text.size() && std::string_view(" \t\n\r").find(text[at]) != std::string_view::npos) ++at;
  return at;
}

// End of the string starting at `at` (a quote), or npos.
size_t StringEnd(std::string_view text, size_t at) {
  for (size_t i = at + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// End of the value starting at `at`, or npos when it is not one we can vouch
// for (the caller then falls back to a full parse).
size_t ValueEnd(std::string_view text, size_t at) {
  if (at >= text.size()) return std::string_view::npos;
  const char c = text[at];
  if (c == '"') return StringEnd(text, at);
  if (c == '{' || c == '[') {
    int depth = 0;
    for (size_t i = at; i < text.size(); ++i) {
      if (text[i] == '"') {
        i = StringEnd(text, i);
        if (i == std::string_view::npos) return i;
        --i;
      } else if (text[i] == '{' || text[i] == '[') {
        ++depth;
      } else if ((text[i] == '}' || text[i] == ']') && --depth == 0) {
        return i + 1;
      }
    }
    return std::string_view::npos;
  }
  for (std::string_view literal : {"true", "false", "null"}) {
    if (text.substr(at, literal.size()) == literal) return at + literal.size();
  }
  if (c != '-' && (c < '0' || c > '9')) return std::string_view::npos;
  size_t i = at + 1;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' ||
                             text[i] == 'e' || text[i] == 'E' || text[i] == '+' || text[i] == '-')) {
    ++i;
  }
  return i;
}

// The members of a JSON object, or false when `text` is not a plain object
// (or a key is escaped, where equal keys could be written differently).
bool SplitObject(std::string_view text, std::vector<Member>& members) {
  size_t at = SkipSpace(text, 0);
  if (at >= text.size() || text[at] != '{') return false;
  at = SkipSpace(text, at + 1);
  if (at < text.size() && text[at] == '}') return SkipSpace(text, at + 1) == text.size();
  for (;;) {
    if (at >= text.size() || text[at] != '"') return false;
    const size_t key_end = StringEnd(text, at);
    if (key_end == std::string_view::npos) return false;
    const std::string_view key = text.substr(at, key_end - at);
    if (key.find('\\') != std::string_view::npos) return false;
    at = SkipSpace(text, key_end);
    if (at >= text.size() || text[at] != ':') return false;
    at = SkipSpace(text, at + 1);
    const size_t value_end = ValueEnd(text, at);
    if (value_end == std::string_view::npos) return false;
    members.push_back({key, text.substr(at, value_end - at)});
    at = SkipSpace(text, value_end);
    if (at >= text.size()) return false;
    if (text[at] == '}') return SkipSpace(text, at + 1) == text.size();
    if (text[at] != ',') return false;
    at = SkipSpace(text, at + 1);
  }
}

// The general case: parse both, merge, serialise again.
bool MergeByParsing(std::string& into, const std::string& later) {
  // ordered_json keeps the attributes in the order the mapping wrote them.
  auto base = nlohmann::ordered_json::parse(into, nullptr, false);
  auto update = nlohmann::ordered_json::parse(later, nullptr, false);
  if (!base.is_object() || !update.is_object()) return false;
  for (auto& [key, value] : update.items()) base[key] = std::move(value);
  into = base.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return true;
}

}  // namespace

bool MergeContactItem(std::string& into, const std::string& later) {
  // Items come from the mapping as compact objects: merge the members as
  // written, without a DOM (which also keeps every number's exact text).
  std::vector<Member> merged;
  std::vector<Member> update;
  merged.reserve(16);
  update.reserve(16);
  if (!SplitObject(into, merged) || !SplitObject(later, update)) return MergeByParsing(into, later);
  for (const Member& member : update) {
    auto same =
        std::find_if(merged.begin(), merged.end(), [&](const Member& m) { return m.key == member.key; });
    if (same != merged.end()) {
      same->value = member.value;
    } else {
      merged.push_back(member);
    }
  }
  std::string out;
  size_t size = 2;
  for (const Member& m : merged) size += m.key.size() + m.value.size() + 2;
  out.reserve(size);
  out += '{';
  for (const Member& m : merged) {
    if (out.size() > 1) out += ',';
    out += m.key;
    out += ':';
    out += m.value;
  }
  out += '}';
  into = std::move(out);
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
