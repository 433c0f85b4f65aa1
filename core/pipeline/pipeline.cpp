#include "core/pipeline/pipeline.h"

#include <thread>

#include "core/log/log.h"
#include "core/model/json_writer.h"

namespace cdc::core {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(20);
constexpr auto kStateWriteInterval = std::chrono::seconds(1);
// While changes keep arriving, confirm at most this often: a MySQL confirm
// is a state-store write, a Postgres one wakes the reader; once per small
// transaction they cost more than the transaction's rows.
constexpr auto kConfirmInterval = std::chrono::milliseconds(50);
constexpr auto kLagCheckInterval = std::chrono::seconds(1);
constexpr int64_t kAutomationWindowUs = 3600LL * 1000 * 1000;
// Handled chunks kept for the reader to overwrite (ChangeWriter); this bounds
// the memory old events hold (a quarter of a full queue's). The two threads
// run in bursts on a busy machine: with 4, 36-71 % of the chunks came back
// to a full pool (cdc_micro_bench, 500,000 changes) and the pipeline thread
// freed their rows while the reader allocated fresh ones; with 16, 25-44 %.
constexpr size_t kRecycledChunks = 16;

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The row a mapping rejected, as a JSON object of its columns (absent ones left out).
std::string RowToJson(const RowChange& change) {
  const auto& values = change.after.empty() ? change.before : change.after;
  std::string out = "{";
  bool first = true;
  for (size_t i = 0; i < values.size() && i < change.table->columns.size(); ++i) {
    if (values[i].is_absent()) continue;
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, change.table->columns[i]);
    out += ':';
    AppendJsonValue(out, values[i]);
  }
  return out + "}";
}

}  // namespace

Pipeline::Pipeline(PipelineOptions options, Source& source, Mapping& mapping,
                   std::vector<std::pair<std::string, Sink*>> sinks, StateStore& state, Metrics& metrics)
    : options_(std::move(options)),
      source_(source),
      mapping_(mapping),
      sinks_(std::move(sinks)),
      state_(state),
      metrics_(metrics),
      lag_(options_.name, options_.lag_warning, metrics),
      changes_(metrics.Counter("instasent_cdc_source_changes_total", "Row changes read from the source",
                               {{"pipeline", options_.name}})),
      mapping_failures_(metrics.Counter("instasent_cdc_mapping_failures_total",
                                        "Rows the mapping could not convert (dead-lettered)",
                                        {{"pipeline", options_.name}})),
      truncates_(metrics.Counter("instasent_cdc_truncates_total", "TRUNCATEs seen (not applied)",
                                 {{"pipeline", options_.name}})),
      outside_window_(metrics.Counter("instasent_cdc_events_outside_window_total",
                                      "Streamed events whose date is more than 1 h from now when sent",
                                      {{"pipeline", options_.name}})),
      queue_depth_(metrics.Gauge("instasent_cdc_queue_depth_chunks", "Chunks waiting between source and mapping",
                                 {{"pipeline", options_.name}})) {}

Status Pipeline::Run(const std::atomic<bool>& stop) {
  auto log = Logger("pipeline");
  ChangeQueue queue(options_.queue_chunks);
  // Handled chunks go back to the reader, whose next events overwrite them.
  ChunkPool recycled(kRecycledChunks);
  std::atomic<bool> source_stop{false};
  std::atomic<bool> source_finished{false};
  Status source_status;

  std::thread reader([&] {
    ChangeWriter writer(queue, &recycled);
    source_status = source_.Run(writer, source_stop);
    if (source_status) writer.Flush();
    source_finished = true;
  });
  auto stop_reader = [&] {
    source_stop = true;
    queue.Close();
    reader.join();
  };

  // A full sink blocks Submit (the API slow or down): after a stop request
  // the drain timeout still bounds the exit, by stopping the sinks.
  std::atomic<bool> finished{false};
  std::thread watchdog([&] { Watchdog(stop, finished); });
  struct JoinWatchdog {
    std::atomic<bool>& finished;
    std::thread& thread;
    ~JoinWatchdog() {
      finished = true;
      thread.join();
    }
  } join_watchdog{finished, watchdog};
  stop_ = &stop;

  auto idle_since = Clock::now();
  bool was_idle = false;
  for (;;) {
    if (stop) {
      log->info("stopping: draining in-flight records (up to {} ms)", options_.drain_timeout.count());
      stop_reader();
      break;
    }
    if (auto failure = SinkFailure()) {
      stop_reader();
      return Fail(*failure);
    }
    auto chunk = queue.Pop(kPollInterval);
    queue_depth_.Set(static_cast<double>(queue.Size()));
    if (chunk) {
      chunk_now_us_ = NowUs();
      for (auto& event : *chunk) {
        // Stop reading at once: the rest of a half-handled transaction has no
        // TxEnd tracked, so nothing of it is confirmed.
        if (stop) break;
        if (auto st = Handle(event); !st) {
          ReportChanges();
          stop_reader();
          return st;
        }
      }
      recycled.Return(std::move(*chunk));
      ReportChanges();
    } else if (source_finished && queue.Size() == 0) {
      reader.join();
      if (!source_status) {
        ConfirmProgress(true);
        return source_status;
      }
      log->info("source finished; draining");
      break;
    }
    ConfirmProgress(false, chunk.has_value());
    ObserveLag();

    if (options_.until_idle.count() >= 0) {
      // Also right after a chunk when nothing waits behind it: the source
      // wakes us (ChangeWriter::Wake) when it becomes caught up.
      const bool idle = queue.Size() == 0 && Idle();
      if (idle && !was_idle) idle_since = Clock::now();
      was_idle = idle;
      if (idle && Clock::now() - idle_since >= options_.until_idle) {
        log->info("idle for {} ms with everything confirmed; exiting", options_.until_idle.count());
        stop_reader();
        ConfirmProgress(true);
        source_.Shutdown();
        return {};
      }
    }
  }

  const bool drained = DrainSinks(options_.drain_timeout);
  ConfirmProgress(true);
  source_.Shutdown();
  if (auto failure = SinkFailure()) return Fail(*failure);
  if (!drained) {
    log->warn("drain timeout: records still in flight were not confirmed and will be resent on restart");
  }
  return {};
}

void Pipeline::ReportChanges() {
  if (changes_unreported_ == 0) return;
  changes_.Add(static_cast<double>(changes_unreported_));
  changes_unreported_ = 0;
}

Status Pipeline::Handle(SourceEvent& event) {
  if (auto* change = std::get_if<RowChange>(&event)) return HandleChange(*change);
  if (auto* end = std::get_if<TxEnd>(&event)) {
    checkpointer_.TrackTxEnd(end->position);
    NoteTxEnd(*end);
    return {};
  }
  if (auto* truncate = std::get_if<Truncate>(&event)) {
    truncates_.Add();
    Logger("pipeline")->warn("table {} was truncated at {}: not applied to the destination (deletes are not derived from TRUNCATE)",
                             truncate->table ? truncate->table->QualifiedName() : "?", truncate->position.ToString());
    return {};
  }
  if (auto* done = std::get_if<SnapshotDone>(&event)) {
    Logger("pipeline")->info("initial snapshot read: {} rows", done->rows);
  }
  return {};
}

Status Pipeline::HandleChange(RowChange& change) {
  ++changes_unreported_;
  records_.clear();
  failures_.clear();
  mapping_.Apply(change, records_, failures_);
  for (const auto& failure : failures_) {
    if (auto st = DeadLetterRow(change, failure); !st) return st;
  }
  for (auto& record : records_) {
    Sink* sink = sinks_.front().second;
    if (!record.destination.empty()) {
      for (auto& [name, candidate] : sinks_) {
        if (name == record.destination) sink = candidate;
      }
    }
    if (record.kind == RecordKind::kEvent && change.op != Op::kSnapshot) NoteEventWindow(record);
    if (stop_ && stop_->load()) return {};
    // A record accepted within Submit needs no ticket: the transaction end
    // tracked after it cannot overtake it, and two checkpointer lock round
    // trips per record cost more than writing a jsonl line.
    if (!sink->AcknowledgesOnSubmit()) record.ticket = checkpointer_.Track();
    if (auto st = sink->Submit(std::move(record)); !st) {
      // The watchdog stopped the sinks after the drain timeout: a stop, not a failure.
      if (stop_ && stop_->load() && !SinkFailure()) return {};
      return st;
    }
  }
  return {};
}

Status Pipeline::DeadLetterRow(const RowChange& change, const MappingFailure& failure) {
  mapping_failures_.Add();
  DeadLetter letter;
  letter.pipeline = options_.name;
  letter.destination = sinks_.front().first;
  letter.kind = "row";
  letter.table = change.table ? change.table->QualifiedName() : "";
  letter.payload = RowToJson(change);
  letter.reason = failure.mapping + ": " + failure.error.message;
  letter.position = change.position.ToString();
  Logger("pipeline")->warn("dead-lettered a row of {} ({}) at {}: {}", letter.table, OpName(change.op),
                           letter.position, letter.reason);
  if (auto st = state_.PutDeadLetter(letter); !st) return st;
  return {};
}

void Pipeline::NoteEventWindow(const Record& record) {
  if (record.event_time_us == 0) return;
  const int64_t skew = chunk_now_us_ - record.event_time_us;
  if (skew <= kAutomationWindowUs && skew >= -kAutomationWindowUs) return;
  outside_window_.Add();
  ++outside_window_since_log_;
  const auto now = Clock::now();
  if (now - last_window_log_ >= std::chrono::minutes(1)) {
    Logger("pipeline")->warn(
        "{} streamed event(s) dated more than 1 h from now (latest {} s off): they are stored but fire no "
        "automation (replication lag or a clock/date-column problem)",
        outside_window_since_log_, skew / 1000000);
    last_window_log_ = now;
    outside_window_since_log_ = 0;
  }
}

void Pipeline::NoteTxEnd(const TxEnd& end) {
  lag_.NoteTxEnd(end.position, end.commit_time_us);
  if (end.commit_time_us == 0) return;
  if (auto skew = commit_clock_.ObserveCommit(end.commit_time_us, NowUs())) {
    Logger("pipeline")->warn(
        "the source's commit times are {} s ahead of the local clock: fix the clock of the database server or of "
        "this host (event dates and the 1 h automation window depend on them)",
        *skew / 1000000);
  }
}

void Pipeline::ObserveLag() {
  const auto now = Clock::now();
  if (now - last_lag_check_ < kLagCheckInterval) return;
  last_lag_check_ = now;
  const std::string warning = lag_.Observe(source_.Progress().lag_bytes, NowUs());
  if (!warning.empty()) Logger("pipeline")->warn("{}", warning);
}

void Pipeline::ConfirmProgress(bool force, bool busy) {
  const auto now = Clock::now();
  if (!force && busy && now - last_confirm_at_ < kConfirmInterval) return;
  auto mark = checkpointer_.Confirmable();
  if (!mark || (last_confirmed_ && *mark == *last_confirmed_)) return;
  lag_.NoteConfirmed(*mark);
  source_.Confirm(*mark);
  last_confirmed_ = mark;
  last_confirm_at_ = now;
  if (force || now - last_state_write_ >= kStateWriteInterval) {
    last_state_write_ = now;
    if (auto st = state_.Put("checkpoint.acknowledged", mark->CommitString()); !st) {
      Logger("pipeline")->warn("could not record the checkpoint for status: {}", st.error().message);
    }
  }
}

void Pipeline::Watchdog(const std::atomic<bool>& stop, const std::atomic<bool>& finished) {
  while (!finished && !stop) std::this_thread::sleep_for(kPollInterval);
  if (finished) return;
  // One more second than the drain itself may take, for the confirmation.
  const auto deadline = Clock::now() + options_.drain_timeout + std::chrono::seconds(1);
  while (!finished && Clock::now() < deadline) std::this_thread::sleep_for(kPollInterval);
  if (finished) return;
  Logger("pipeline")->warn("drain timeout passed while waiting for the destination: stopping the sinks; "
                           "unacknowledged records will be resent on restart");
  for (auto& [name, sink] : sinks_) sink->Stop();
}

bool Pipeline::Idle() const {
  if (checkpointer_.Outstanding() != 0) return false;
  for (const auto& [name, sink] : sinks_) {
    if (sink->Pending() != 0) return false;
  }
  const auto progress = source_.Progress();
  return progress.caught_up && progress.confirmed_all;
}

std::optional<Error> Pipeline::SinkFailure() const {
  for (const auto& [name, sink] : sinks_) {
    if (auto failure = sink->Failure()) return failure;
  }
  return std::nullopt;
}

bool Pipeline::DrainSinks(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (auto& [name, sink] : sinks_) sink->Flush();
  for (auto& [name, sink] : sinks_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (!sink->Drain(std::max(left, std::chrono::milliseconds(0)))) return false;
  }
  return true;
}

}  // namespace cdc::core
