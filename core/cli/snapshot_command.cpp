// `instasent-cdc snapshot --table T`: re-reads named mapped tables and sends
// them through the same mappings (op `snapshot`) to the configured sinks,
// waits for every record to be acknowledged or dead-lettered, and prints a
// summary. Never touches the slot, the binlog position or the stored stream
// position, so a running `run` of the same pipeline keeps going.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>

#include "core/cli/commands.h"
#include "core/cli/signals.h"
#include "core/cli/table_reader.h"
#include "core/cli/wiring.h"
#include "core/log/log.h"
#include "core/model/json_writer.h"

namespace cdc::cli {

namespace {

// Records are finished when the sinks drain; nothing is confirmed anywhere.
class IgnoreAcks : public core::AckListener {
 public:
  void OnDone(uint64_t) override {}
};

// Dead letters of a table snapshot say so in their position ("snapshot:
// public.customers") instead of a stream position they never had.
class SnapshotDeadLetters : public core::DeadLetterStore {
 public:
  explicit SnapshotDeadLetters(core::DeadLetterStore& store) : store_(store) {}
  core::Status PutDeadLetter(const core::DeadLetter& letter) override {
    core::DeadLetter relabelled = letter;
    relabelled.position = "snapshot:" + letter.table;
    {
      std::lock_guard lock(mu_);
      ++count_;
    }
    return store_.PutDeadLetter(relabelled);
  }
  int64_t count() {
    std::lock_guard lock(mu_);
    return count_;
  }

 private:
  core::DeadLetterStore& store_;
  std::mutex mu_;
  int64_t count_ = 0;
};

std::string RowToJson(const core::RowChange& change) {
  std::string out = "{";
  for (size_t i = 0; i < change.after.size() && i < change.table->columns.size(); ++i) {
    if (change.after[i].is_absent()) continue;
    if (out.size() > 1) out += ',';
    core::AppendJsonString(out, change.table->columns[i]);
    out += ':';
    core::AppendJsonValue(out, change.after[i]);
  }
  return out + "}";
}

// "customers" → "<default schema>.customers"; qualified names stay.
std::string Qualify(const std::string& name, const std::string& default_schema) {
  return name.find('.') == std::string::npos ? default_schema + "." + name : name;
}

}  // namespace

int SnapshotCommand(const CommonOptions& common, const std::vector<std::string>& table_args) {
  const auto& stop = InstallStopSignals();
  auto loaded = LoadPipeline(common, /*compile_mapping=*/true, /*open_state=*/true);
  if (!loaded) return ReportFailure(loaded.error());
  auto& config = loaded->config;
  auto& mapping = *loaded->mapping;
  auto& state = *loaded->state;
  auto log = core::Logger("snapshot");

  // Only mapped tables: a snapshot of anything else would send nothing.
  std::vector<std::string> mapped;
  for (const auto& needs : mapping.Tables()) mapped.push_back(needs.table);
  const std::string default_schema = config::MappingContextFor(config).default_schema;
  std::vector<std::string> tables;
  for (const auto& arg : table_args) {
    const std::string name = Qualify(arg, default_schema);
    if (std::find(mapped.begin(), mapped.end(), name) == mapped.end()) {
      std::string list;
      for (const auto& m : mapped) list += (list.empty() ? "" : ", ") + m;
      std::cerr << "error: table " << name << " is not mapped by pipeline " << config.pipeline
                << "; mapped tables: " << list << "\n";
      return 2;
    }
    if (std::find(tables.begin(), tables.end(), name) == tables.end()) tables.push_back(name);
  }

  IgnoreAcks acks;
  SnapshotDeadLetters dead_letters(state);
  core::Metrics& metrics = *loaded->metrics;
  auto sinks = MakeSinks(config, acks, dead_letters, metrics);
  if (!sinks) return ReportFailure(sinks.error());
  for (auto& [name, sink] : *sinks) {
    if (auto st = sink->Start(); !st) return ReportFailure(st.error());
  }
  auto stop_sinks = [&] {
    for (auto& [name, sink] : *sinks) sink->Stop();
  };

  std::map<std::string, uint64_t> submitted;  // by record kind
  uint64_t ticket = 0;
  int64_t rejected_rows = 0;
  std::optional<core::Error> failure;
  std::vector<core::Record> records;
  std::vector<core::MappingFailure> failures;
  auto put_row_letter = [&](const std::string& table, const std::string& payload, const std::string& reason,
                            const std::string& destination) {
    ++rejected_rows;
    core::DeadLetter letter;
    letter.pipeline = config.pipeline;
    letter.destination = destination;
    letter.kind = "row";
    letter.table = table;
    letter.payload = payload;
    letter.reason = reason;
    log->warn("dead-lettered a row of {}: {}", table, reason);
    if (auto st = dead_letters.PutDeadLetter(letter); !st) failure = st.error();
    return !failure.has_value();
  };
  auto on_row = [&](core::RowChange&& change) {
    if (stop.load()) {
      failure = core::Error::Fatal("interrupted by a signal before every row was read");
      return false;
    }
    records.clear();
    failures.clear();
    mapping.Apply(change, records, failures);
    for (const auto& f : failures) {
      if (!put_row_letter(change.table->QualifiedName(), RowToJson(change),
                          f.mapping + ": " + f.error.message, sinks->front().first)) {
        return false;
      }
    }
    for (auto& record : records) {
      core::Sink* sink = sinks->front().second.get();
      for (auto& [name, candidate] : *sinks) {
        if (!record.destination.empty() && name == record.destination) sink = candidate.get();
      }
      ++submitted[core::RecordKindName(record.kind)];
      record.ticket = ++ticket;
      if (auto st = sink->Submit(std::move(record)); !st) {
        failure = st.error();
        return false;
      }
    }
    return true;
  };
  auto on_bad_row = [&](const core::Error& error, const std::string& payload) {
    return put_row_letter(error.table, payload, error.message, "source");
  };

  log->info("pipeline {}: snapshot of {} table(s)", config.pipeline, tables.size());
  auto counts = ReadTables(config, tables, mapping.Tables(), on_row, on_bad_row);
  if (!counts && !failure) failure = counts.error();

  // Wait for every record to be acknowledged or dead-lettered.
  for (auto& [name, sink] : *sinks) sink->Flush();
  while (!failure) {
    bool drained = true;
    for (auto& [name, sink] : *sinks) {
      if (auto f = sink->Failure()) failure = *f;
      if (!sink->Drain(std::chrono::milliseconds(500))) drained = false;
    }
    if (drained || failure) break;
    if (stop.load())
      failure = core::Error::Fatal("interrupted by a signal before every record was acknowledged");
  }
  stop_sinks();

  // `status` shows the snapshot's records alongside the stream's.
  std::map<std::string, int64_t> deltas;
  std::map<std::string, std::pair<int64_t, int64_t>> outcomes;  // kind → accepted, dead-lettered
  for (const char* kind : {"contact_upsert", "contact_delete", "event"}) {
    const auto accepted = static_cast<int64_t>(
        metrics.Sum("instasent_cdc_sink_records_total", {{"kind", kind}, {"outcome", "accepted"}}));
    const auto dead = static_cast<int64_t>(
        metrics.Sum("instasent_cdc_sink_records_total", {{"kind", kind}, {"outcome", "dead_lettered"}}));
    outcomes[kind] = {accepted, dead};
    if (accepted) deltas[std::string("records.") + kind + ".accepted"] = accepted;
    if (dead) deltas[std::string("records.") + kind + ".dead_lettered"] = dead;
  }
  if (rejected_rows) deltas["rows.dead_lettered"] = rejected_rows;
  if (!deltas.empty()) (void)state.AddCounters(deltas);

  if (failure) {
    log->error("{}", failure->Describe());
    return ReportFailure(*failure);
  }
  uint64_t rows = 0;
  std::cout << "snapshot of pipeline " << config.pipeline << "\n";
  for (size_t i = 0; i < tables.size(); ++i) {
    std::cout << "  " << tables[i] << ": " << (*counts)[i] << " rows read\n";
    rows += (*counts)[i];
  }
  std::cout << "rows read:     " << rows << "\n";
  for (const auto& [kind, counts_of] : outcomes) {
    const uint64_t sent = submitted.count(kind) ? submitted[kind] : 0;
    if (sent == 0 && counts_of.first == 0 && counts_of.second == 0) continue;
    std::cout << kind << ": " << sent << " sent, " << counts_of.first << " accepted, " << counts_of.second
              << " dead-lettered\n";
  }
  std::cout << "dead letters:  " << dead_letters.count() << "\n";
  log->info("pipeline {}: snapshot done: {} rows, {} dead letters", config.pipeline, rows,
            dead_letters.count());
  return 0;
}

}  // namespace cdc::cli
