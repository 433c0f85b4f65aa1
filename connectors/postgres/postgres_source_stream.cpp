#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "connectors/postgres/postgres_source_impl.h"

// The streaming half of PostgresSource: pgoutput messages → SourceEvents,
// transaction boundaries, keepalives and standby status updates.

namespace cdc::pg {

using core::Error;
using core::ErrorKind;
using core::Fail;
using core::Position;
using core::SourceKind;

core::Status PostgresSource::SyncStatus(ReplicationStream& stream) {
  uint64_t lsn;
  {
    std::lock_guard lock(mu_);
    lsn = confirmed_lsn_;
  }
  stream.SetConfirmed(lsn);
  core::Status st = stream.SendStatusIfDue();
  std::lock_guard lock(mu_);
  sent_lsn_ = std::max(sent_lsn_, stream.last_sent());
  return st;
}

void PostgresSource::NoteKeepalive(uint64_t wal_end) {
  std::lock_guard lock(mu_);
  server_wal_end_ = std::max(server_wal_end_, wal_end);
  received_lsn_ = std::max(received_lsn_, wal_end);
  // Quiet pipeline: everything emitted is confirmed and no transaction is
  // open, so nothing before the server's WAL end is still ours to deliver.
  // Confirming it keeps an idle slot from pinning WAL.
  if (!in_tx_ && !snapshot_pending_ && last_emitted_ <= confirmed_pos_) {
    confirmed_lsn_ = std::max(confirmed_lsn_, wal_end);
  }
}

void PostgresSource::Emit(core::SourceEvent event, core::ChangeWriter& out) {
  if (closed_) return;
  if (!out.Emit(std::move(event))) closed_ = true;
  dirty_ = true;
}

core::Status PostgresSource::StreamLoop(ReplicationStream& stream, core::ChangeWriter& out,
                                        const std::atomic<bool>& stop) {
  decoder_.Reset();
  relations_.Clear();  // the server sends every Relation again on a new connection
  {
    std::lock_guard lock(mu_);
    in_tx_ = false;
    idle_ = false;
  }
  // While the queue is full the reader is stuck in Emit/Flush: keep the
  // server informed (it drops a silent client after wal_sender_timeout).
  std::optional<core::Error> hook_error;
  out.SetWaitHook([&] {
    if (hook_error) return;
    if (auto st = SyncStatus(stream); !st) hook_error = st.error();
  });
  struct HookReset {
    core::ChangeWriter& out;
    ~HookReset() { out.SetWaitHook(nullptr); }
  } hook_reset{out};

  // Timers (status updates, heartbeat) read the clock, which costs about as
  // much as decoding a message: during a backlog look at them once per batch.
  constexpr int kMessagesPerTimerCheck = 64;
  int until_timers = 0;
  while (!stop.load() && !closed_) {
    if (hook_error) return Fail(*hook_error);
    if (until_timers-- <= 0) {
      if (auto st = SyncStatus(stream); !st) return st;
      if (auto st = heartbeat_.Tick(); !st) return st;
      until_timers = kMessagesPerTimerCheck;
    }
    auto message = stream.Next(std::chrono::milliseconds(0));
    if (!message) return Fail(message.error());
    if (message->kind == StreamMessage::Kind::kNone) {
      until_timers = 0;  // after a wait, look at the timers first
      message = WaitForMessage(stream, out);
      if (!message) return Fail(message.error());
    }
    if (message->kind == StreamMessage::Kind::kNone) continue;
    if (message->kind == StreamMessage::Kind::kKeepalive) {
      NoteKeepalive(message->wal_end);
      continue;
    }
    {
      std::lock_guard lock(mu_);
      idle_ = false;
      received_lsn_ = std::max(received_lsn_, message->start_lsn);
      server_wal_end_ = std::max(server_wal_end_, message->wal_end);
    }
    auto decoded = decoder_.Decode(message->payload);
    if (!decoded) {
      core::Error e = decoded.error();
      e.position = core::FormatLsn(message->start_lsn);
      return Fail(std::move(e));
    }
    if (auto st = Handle(*decoded, message->start_lsn, out); !st) return st;
  }
  if (!closed_) out.Flush();
  // Tell the server where we are before leaving (a clean stop keeps its place).
  {
    std::lock_guard lock(mu_);
    stream.SetConfirmed(confirmed_lsn_);
  }
  if (stream.SendFinalStatus()) {
    std::lock_guard lock(mu_);
    sent_lsn_ = std::max(sent_lsn_, stream.last_sent());
  }
  return {};
}

core::Result<StreamMessage> PostgresSource::WaitForMessage(ReplicationStream& stream, core::ChangeWriter& out) {
  // While a backlog drains, the socket runs dry between the server's sends
  // for well under a millisecond. Waiting that long before handing over a
  // partial chunk keeps chunks full: every hand-off wakes the pipeline thread,
  // and those wake-ups cost both cores more than the wait costs latency.
  // The same for the reader itself: it wakes up once per few KB of messages
  // rather than per message the walsender sends.
  stream.BatchReads(true);
  auto message = stream.Next(kBriefWait);
  if (!message || message->kind != StreamMessage::Kind::kNone) return message;
  stream.BatchReads(false);  // idle: the next byte is news
  if (auto st = SyncStatus(stream); !st) return Fail(st.error());
  // Nothing buffered: hand over what we have before waiting.
  if (dirty_) {
    if (!out.Flush()) {
      closed_ = true;  // the pipeline is shutting down: the loop ends
      return StreamMessage{};
    }
    dirty_ = false;
  }
  bool became_idle = false;
  {
    std::lock_guard lock(mu_);
    became_idle = !idle_;
    idle_ = true;
  }
  // Caught up, perhaps: the pipeline looks now (--until-idle), not at its next poll.
  if (became_idle && !out.Wake()) {
    closed_ = true;
    return StreamMessage{};
  }
  // A confirmation that came within 100 ms of the last status update is sent
  // when that gap has passed, not at the end of a 250 ms idle wait.
  auto wait = std::min(std::chrono::milliseconds(250), stream.UntilStatusDue() + std::chrono::milliseconds(1));
  return stream.Next(wait, wake_fd_);
}

core::Status PostgresSource::Handle(const PgoutputMessage& message, uint64_t lsn, core::ChangeWriter& out) {
  if (auto* m = std::get_if<BeginMessage>(&message)) {
    std::lock_guard lock(mu_);
    in_tx_ = true;
    tx_final_lsn_ = m->final_lsn;
    tx_commit_time_us_ = m->commit_time_us;
    tx_xid_ = m->xid;
    tx_index_ = 0;
    return {};
  }
  if (auto* m = std::get_if<CommitMessage>(&message)) {
    if (m->commit_lsn != tx_final_lsn_) {
      return Fail(Error::Bug("Commit " + core::FormatLsn(m->commit_lsn) + " does not match Begin " +
                             core::FormatLsn(tx_final_lsn_)));
    }
    // commit = the commit LSN like every change of the transaction (so the
    // TxEnd sorts after them); change = the commit record's end, the LSN the
    // slot may be confirmed to without replaying this transaction.
    Position end{SourceKind::kPostgres, m->commit_lsn, m->end_lsn, 0};
    {
      std::lock_guard lock(mu_);
      last_emitted_ = std::max(last_emitted_, end);
      last_commit_time_us_ = m->commit_time_us;
    }
    Emit(core::TxEnd{end, m->commit_time_us}, out);
    std::lock_guard lock(mu_);
    in_tx_ = false;
    return {};
  }
  if (auto* m = std::get_if<RelationMessage>(&message)) {
    relations_.Apply(*m, types_);
    return {};
  }
  if (auto* m = std::get_if<TypeMessage>(&message)) {
    std::string name = m->namespace_name.empty()
                           ? std::string(m->name)
                           : std::string(m->namespace_name) + "." + std::string(m->name);
    types_.NoteName(m->oid, std::move(name));
    return {};
  }
  bool is_change =
      std::holds_alternative<InsertMessage>(message) || std::holds_alternative<UpdateMessage>(message) ||
      std::holds_alternative<DeleteMessage>(message) || std::holds_alternative<TruncateMessage>(message);
  if (is_change && !in_tx_) {
    return Fail(Error::Bug(std::string(MessageName(message)) + " outside a transaction"));
  }
  ChangeContext context{Position{SourceKind::kPostgres, tx_final_lsn_, lsn, tx_index_++}, tx_commit_time_us_,
                        tx_xid_};
  if (auto* m = std::get_if<InsertMessage>(&message)) {
    return EmitChange(builder_->Build(*m, context), m->relation_oid, m->new_tuple, out);
  }
  if (auto* m = std::get_if<UpdateMessage>(&message)) {
    return EmitChange(builder_->Build(*m, context), m->relation_oid, m->new_tuple, out);
  }
  if (auto* m = std::get_if<DeleteMessage>(&message)) {
    return EmitChange(builder_->Build(*m, context), m->relation_oid, m->old_tuple, out);
  }
  if (auto* m = std::get_if<TruncateMessage>(&message)) {
    for (uint32_t oid : m->relation_oids) {
      const RelationInfo* info = relations_.Find(oid);
      if (!info) return Fail(Error::Bug("Truncate of relation " + std::to_string(oid) + " never described"));
      Emit(core::Truncate{info->schema, context.position}, out);
    }
    return {};
  }
  if (std::holds_alternative<OriginMessage>(message) || std::holds_alternative<LogicalMessage>(message)) {
    return {};  // replication origins and pg_logical_emit_message carry no rows
  }
  // Stream* messages: protocol 2 only, which this source does not request.
  return Fail(Error::Bug(std::string("unexpected pgoutput message ") + MessageName(message)));
}

core::Status PostgresSource::EmitChange(core::Result<core::RowChange> change, uint32_t relation_oid,
                                        const TupleData& tuple, core::ChangeWriter& out) {
  if (change) {
    Emit(std::move(*change), out);
    return {};
  }
  if (change.error().kind != ErrorKind::kBadData) return Fail(change.error());
  // The row as the server sent it (column → text), for the dead letter.
  nlohmann::json row = nlohmann::json::object();
  if (const RelationInfo* info = relations_.Find(relation_oid)) {
    for (size_t i = 0; i < tuple.size() && i < info->schema->columns.size(); ++i) {
      const TupleColumn& c = tuple[i];
      if (c.kind == TupleDataKind::kText) {
        row[info->schema->columns[i]] = std::string(c.data);
      } else if (c.kind == TupleDataKind::kNull) {
        row[info->schema->columns[i]] = nullptr;
      }
    }
  }
  return DeadLetter(change.error(), row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace cdc::pg
