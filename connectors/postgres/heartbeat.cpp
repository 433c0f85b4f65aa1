#include "connectors/postgres/heartbeat.h"

#include <algorithm>

namespace cdc::pg {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kChecksEveryMs = 30000;  // when beats are off

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Heartbeat::Heartbeat(std::string dsn, HeartbeatOptions options, std::string publication,
                     std::vector<core::Mapping::TableNeeds> tables, std::shared_ptr<spdlog::logger> log)
    : dsn_(std::move(dsn)),
      options_(std::move(options)),
      publication_(std::move(publication)),
      tables_(std::move(tables)),
      log_(std::move(log)) {}

core::Status Heartbeat::Tick() {
  const auto now = Clock::now();
  if (now < next_) return {};
  const int64_t every = options_.interval_ms > 0 ? options_.interval_ms : kChecksEveryMs;
  next_ = now + std::chrono::milliseconds(every);
  core::Status st = Beat();
  // Lost connection (or a server restart): connect again next time.
  if (!st && st.error().kind != core::ErrorKind::kConfig) admin_.reset();
  if (!st && st.error().kind == core::ErrorKind::kConfig) return st;
  if (!st) log_->debug("heartbeat: {}", st.error().Describe());
  return {};
}

core::Status Heartbeat::Beat() {
  if (!admin_) {
    auto admin = SlotAdmin::Connect(dsn_);
    if (!admin) return core::Fail(admin.error());
    admin_ = std::move(*admin);
  }
  // Clock: the server's clock_timestamp() against ours, read half-way.
  const int64_t before = NowUs();
  auto server_now = admin_->ServerNowUs();
  if (!server_now) return core::Fail(server_now.error());
  const int64_t local = before + (NowUs() - before) / 2;
  if (auto skew = clock_.Observe(*server_now, local)) {
    log_->warn("the database server's clock is {} s {} this host's: fix the clock of one of them (event dates "
               "and the 1 h automation window depend on it)",
               std::abs(*skew) / 1000000, *skew > 0 ? "ahead of" : "behind");
  }

  // Publication: a table dropped from it is silently never streamed again.
  auto described = admin_->DescribePublication(publication_);
  if (!described) return core::Fail(described.error());
  auto problems = CheckPublication(publication_, *described, tables_);
  if (!described->exists) problems.push_back("publication " + publication_ + " was dropped");
  if (!problems.empty()) {
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "; ") + p;
    return core::Fail(core::Error::Config(
        "the publication changed while running: " + message +
        ". Changes to such a table made since it left the publication are not in the stream: after fixing the "
        "publication run `instasent-cdc run --resnapshot` to read the tables again"));
  }

  if (options_.interval_ms <= 0) return {};
  if (auto st = admin_->EmitHeartbeat(options_.table); !st) {
    if (st.error().kind == core::ErrorKind::kRetryable) return st;
    // Permissions or a missing heartbeat table: say so once, keep streaming.
    if (!beat_warned_) log_->warn("heartbeat failed (the slot may pin WAL while this database is quiet): {}",
                                  st.error().Describe());
    beat_warned_ = true;
    return {};
  }
  beat_warned_ = false;
  return {};
}

}  // namespace cdc::pg
