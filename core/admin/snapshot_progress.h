// SnapshotProgress: turns samples of the snapshot's row count into what the
// operator sees: a one-line bar redrawn in place on a terminal, or a log line
// every 10 s otherwise (rows done, estimated total, rate, ETA). The estimate
// comes from the database's statistics and may be off: past it, the percentage
// and ETA are left out.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace cdc::core {

class SnapshotProgress {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SnapshotProgress(bool terminal, std::chrono::seconds line_interval = std::chrono::seconds(10))
      : terminal_(terminal), line_interval_(line_interval) {}

  struct Output {
    std::string text;
    bool redraw = false;  // terminal: replace the current line (no newline)
  };
  // One sample; returns what to show now, if anything. The final sample
  // after the snapshot ends (active false) gives a closing line once.
  std::optional<Output> Sample(Clock::time_point now, bool active, uint64_t rows, uint64_t estimate);

  // "1234 of about 5000 rows (24%), 812 rows/s, ETA 0:05" (no bar).
  static std::string Describe(uint64_t rows, uint64_t estimate, double rate);
  // The same with a 30-character bar in front, for a terminal.
  static std::string Bar(uint64_t rows, uint64_t estimate, double rate);

 private:
  const bool terminal_;
  const std::chrono::seconds line_interval_;
  bool shown_ = false;
  Clock::time_point started_{};
  Clock::time_point last_line_{};
  Clock::time_point last_sample_{};
  uint64_t last_rows_ = 0;
  double rate_ = 0;  // rows/s, smoothed
};

}  // namespace cdc::core
