// `instasent-cdc dlq list|replay|drop`.
#include <chrono>
#include <ctime>
#include <iostream>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "core/cli/commands.h"
#include "core/cli/wiring.h"
#include "core/log/log.h"

namespace cdc::cli {

namespace {

std::string FormatTime(int64_t ms) {
  std::time_t t = ms / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<core::RecordKind> KindFromName(const std::string& name) {
  if (name == "contact_upsert") return core::RecordKind::kContactUpsert;
  if (name == "contact_delete") return core::RecordKind::kContactDelete;
  if (name == "event") return core::RecordKind::kEvent;
  return std::nullopt;  // "row": the mapping rejected it; nothing to send as is
}

// Collects the tickets the sink finished, to wait for a replay.
class ReplayListener : public core::AckListener {
 public:
  void OnDone(uint64_t ticket) override {
    std::lock_guard lock(mu_);
    done_.insert(ticket);
  }
  size_t Done() {
    std::lock_guard lock(mu_);
    return done_.size();
  }

 private:
  std::mutex mu_;
  std::set<uint64_t> done_;
};

}  // namespace

int DlqListCommand(const CommonOptions& common, bool json, size_t limit) {
  auto loaded = LoadPipeline(common, false, true);
  if (!loaded) return ReportFailure(loaded.error());
  auto letters = loaded->state->ListDeadLetters({.ids = {}, .limit = limit});
  if (!letters) return ReportFailure(letters.error());
  for (const auto& d : *letters) {
    if (json) {
      nlohmann::json line = {{"id", d.id},         {"kind", d.kind},         {"user_id", d.user_id},
                             {"reason", d.reason}, {"position", d.position}, {"time", FormatTime(d.created_at_ms)},
                             {"table", d.table},   {"destination", d.destination}};
      line["payload"] = nlohmann::json::parse(d.payload, nullptr, false);
      if (line["payload"].is_discarded()) line["payload"] = d.payload;
      std::cout << line.dump() << "\n";
    } else {
      std::cout << d.id << "\t" << d.kind << "\t" << d.user_id << "\t" << d.reason << "\t" << d.position << "\t"
                << FormatTime(d.created_at_ms) << "\n";
    }
  }
  return 0;
}

int DlqDropCommand(const CommonOptions& common, const std::vector<int64_t>& ids, bool all) {
  auto loaded = LoadPipeline(common, false, true);
  if (!loaded) return ReportFailure(loaded.error());
  auto before = loaded->state->CountDeadLetters();
  if (auto st = loaded->state->DropDeadLetters(all ? std::vector<int64_t>{} : ids); !st) {
    return ReportFailure(st.error());
  }
  auto after = loaded->state->CountDeadLetters();
  std::cout << "dropped " << (before && after ? *before - *after : 0) << " dead letter(s)\n";
  return 0;
}

int DlqReplayCommand(const CommonOptions& common, const std::vector<int64_t>& ids) {
  auto loaded = LoadPipeline(common, false, true);
  if (!loaded) return ReportFailure(loaded.error());
  auto& state = *loaded->state;
  auto letters = state.ListDeadLetters({.ids = ids, .limit = 0});
  if (!letters) return ReportFailure(letters.error());

  core::Metrics metrics;
  ReplayListener listener;
  auto sinks = MakeSinks(loaded->config, listener, state, metrics);
  if (!sinks) return ReportFailure(sinks.error());
  for (auto& [name, sink] : *sinks) {
    if (auto st = sink->Start(); !st) return ReportFailure(st.error());
  }

  std::vector<int64_t> replayed;
  size_t skipped = 0;
  uint64_t ticket = 0;
  for (const auto& d : *letters) {
    auto kind = KindFromName(d.kind);
    core::Sink* sink = nullptr;
    for (auto& [name, candidate] : *sinks) {
      if (name == d.destination) sink = candidate.get();
    }
    if (!kind || !sink) {
      ++skipped;
      continue;
    }
    core::Record record;
    record.kind = *kind;
    record.user_id = d.user_id;
    record.destination = d.destination;
    record.table = d.table;
    record.json = *kind == core::RecordKind::kContactDelete ? "" : d.payload;
    if (*kind == core::RecordKind::kEvent) {
      auto item = nlohmann::json::parse(d.payload, nullptr, false);
      if (item.is_object() && item.contains("_event_id")) record.event_id = item["_event_id"].get<std::string>();
    }
    record.ticket = ++ticket;
    if (auto st = sink->Submit(std::move(record)); !st) return ReportFailure(st.error());
    replayed.push_back(d.id);
  }
  for (auto& [name, sink] : *sinks) {
    sink->Flush();
    sink->Drain(std::chrono::minutes(10));
    if (auto failure = sink->Failure()) return ReportFailure(*failure);
    sink->Stop();
  }
  if (listener.Done() != replayed.size()) {
    std::cerr << "error: only " << listener.Done() << " of " << replayed.size()
              << " replayed dead letters finished; nothing was dropped\n";
    return 1;
  }
  // Every replayed item was accepted or dead-lettered anew: drop the old entries.
  if (!replayed.empty()) {
    if (auto st = state.DropDeadLetters(replayed); !st) return ReportFailure(st.error());
  }
  auto left = state.CountDeadLetters();
  std::cout << "replayed " << replayed.size() << " dead letter(s)";
  if (skipped) std::cout << ", skipped " << skipped << " (rows the mapping rejected: fix the data or the mapping)";
  std::cout << "; " << (left ? *left : 0) << " dead letter(s) now stored\n";
  return 0;
}

}  // namespace cdc::cli
