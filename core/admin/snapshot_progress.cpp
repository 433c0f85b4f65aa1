#include "core/admin/snapshot_progress.h"

#include <fmt/format.h>

#include <algorithm>

namespace cdc::core {
namespace {

std::string Duration(double seconds) {
  const auto s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

std::string SnapshotProgress::Describe(uint64_t rows, uint64_t estimate, double rate) {
  std::string out = fmt::format("{} rows", rows);
  if (estimate > 0) {
    out = fmt::format("{} of about {} rows", rows, estimate);
    if (rows <= estimate) out += fmt::format(" ({}%)", rows * 100 / estimate);
  }
  out += fmt::format(", {:.0f} rows/s", rate);
  if (estimate > rows && rate > 0) out += ", ETA " + Duration(static_cast<double>(estimate - rows) / rate);
  return out;
}

std::string SnapshotProgress::Bar(uint64_t rows, uint64_t estimate, double rate) {
  constexpr int kWidth = 30;
  const int filled =
      estimate > 0 ? static_cast<int>(std::min<uint64_t>(rows, estimate) * kWidth / estimate) : 0;
  return "snapshot [" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] " +
         Describe(rows, estimate, rate);
}

std::optional<SnapshotProgress::Output> SnapshotProgress::Sample(Clock::time_point now, bool active,
                                                                 uint64_t rows, uint64_t estimate) {
  if (!active) {
    if (!shown_) return std::nullopt;
    shown_ = false;
    const double secs = std::chrono::duration<double>(now - started_).count();
    const double rate = secs > 0 ? static_cast<double>(rows) / secs : 0;
    std::string text = fmt::format("snapshot read: {} rows in {}, {:.0f} rows/s", rows, Duration(secs), rate);
    return Output{std::move(text), false};
  }
  if (!shown_) {
    shown_ = true;
    started_ = last_line_ = last_sample_ = now;
    last_rows_ = rows;
    rate_ = 0;
    return terminal_ ? std::optional<Output>(Output{Bar(rows, estimate, 0), true}) : std::nullopt;
  }
  const double dt = std::chrono::duration<double>(now - last_sample_).count();
  if (dt > 0 && rows >= last_rows_) {
    const double instant = static_cast<double>(rows - last_rows_) / dt;
    // Smoothed over ~5 samples: a paused second (back-pressure) does not swing the ETA.
    rate_ = rate_ == 0 ? instant : rate_ * 0.8 + instant * 0.2;
  }
  last_sample_ = now;
  last_rows_ = rows;
  if (terminal_) return Output{Bar(rows, estimate, rate_), true};
  if (now - last_line_ < line_interval_) return std::nullopt;
  last_line_ = now;
  return Output{"snapshot: " + Describe(rows, estimate, rate_), false};
}

}  // namespace cdc::core
