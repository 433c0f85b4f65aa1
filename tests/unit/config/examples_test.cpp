// Every file in config/examples/ loads and compiles (with its variables set).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "config/config.h"

namespace cdc::config {
namespace {

TEST(Examples, EveryExampleLoadsAndCompiles) {
  const char* source_dir = std::getenv("CDC_SOURCE_DIR");
  if (source_dir == nullptr) GTEST_SKIP() << "CDC_SOURCE_DIR is not set (run through ctest)";
  ::setenv("INSTASENT_URL", "http://127.0.0.1:18080", 1);
  ::setenv("INSTASENT_PROJECT", "proj_demo", 1);
  ::setenv("INSTASENT_DATASOURCE", "ds_demo", 1);
  ::setenv("INSTASENT_TOKEN", "token-demo", 1);
  ::setenv("MYSQL_PASSWORD", "pw", 1);
  const std::filesystem::path dir = std::filesystem::path(source_dir) / "config" / "examples";
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++seen;
    auto config = LoadConfig(entry.path().string());
    ASSERT_TRUE(config) << config.error().message;
    auto mapping = CompileMapping(*config, MappingContextFor(*config));
    ASSERT_TRUE(mapping) << mapping.error().message;
    EXPECT_FALSE((*mapping)->Tables().empty()) << entry.path();
  }
  EXPECT_GE(seen, 3);
}

TEST(Examples, DemoTakesCredentialsFromTheEnvironment) {
  const char* source_dir = std::getenv("CDC_SOURCE_DIR");
  if (source_dir == nullptr) GTEST_SKIP() << "CDC_SOURCE_DIR is not set (run through ctest)";
  ::setenv("INSTASENT_URL", "http://127.0.0.1:18080", 1);
  ::setenv("INSTASENT_PROJECT", "proj_demo", 1);
  ::setenv("INSTASENT_DATASOURCE", "ds_demo", 1);
  ::setenv("INSTASENT_TOKEN", "token-demo", 1);
  auto config = LoadConfig(std::string(source_dir) + "/config/examples/demo.yaml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->pipeline, "demo");
  EXPECT_EQ(config->sinks[0].url, "http://127.0.0.1:18080");
  EXPECT_EQ(config->sinks[0].project, "proj_demo");
  EXPECT_EQ(config->sinks[0].datasource, "ds_demo");
  EXPECT_EQ(config->sinks[0].token, "token-demo");
  EXPECT_EQ(config->source.slot, "instasent_demo");
  auto mapping = CompileMapping(*config, MappingContextFor(*config));
  ASSERT_TRUE(mapping) << mapping.error().message;
  const auto tables = (*mapping)->Tables();
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].table, "public.customers");
  EXPECT_EQ(tables[1].table, "public.orders");
}

}  // namespace
}  // namespace cdc::config
