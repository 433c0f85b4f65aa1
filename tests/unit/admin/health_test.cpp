#include "core/admin/health.h"

#include <gtest/gtest.h>

namespace cdc::core {
namespace {

TEST(Health, AMonitorThatStopsTickingMakesTheProcessNotLive) {
  Health health(std::chrono::milliseconds(20));
  EXPECT_TRUE(health.Live().ok);  // no tick yet: starting
  health.Beat(true, "");
  EXPECT_TRUE(health.Ready().ok);
  const auto deadline = Health::Clock::now() + std::chrono::seconds(5);
  while (health.Live().ok && Health::Clock::now() < deadline) {
  }
  const auto live = health.Live();
  EXPECT_FALSE(live.ok);
  EXPECT_NE(live.reason.find("monitor loop"), std::string::npos);
  EXPECT_FALSE(health.Ready().ok);
  health.Beat(true, "");
  EXPECT_TRUE(health.Live().ok);
}

TEST(Health, TheFirstFatalErrorSticks) {
  Health health;
  health.Beat(true, "");
  health.SetFatal("first");
  health.SetFatal("second");
  health.Beat(true, "");
  EXPECT_FALSE(health.Live().ok);
  EXPECT_NE(health.Live().reason.find("first"), std::string::npos);
  EXPECT_FALSE(health.Ready().ok);
}

}  // namespace
}  // namespace cdc::core
