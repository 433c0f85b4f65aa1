#include "config/yaml_loader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "tests/unit/config/test_support.h"

namespace cdc::config {
namespace {

using testing::TempDir;

const char kMinimal[] =
    "pipeline: shop\n"                     // 1
    "source:\n"                            // 2
    "  kind: postgres\n"                   // 3
    "  dsn: host=127.0.0.1 dbname=shop\n"  // 4
    "sink:\n"                              // 5
    "  url: http://127.0.0.1:8080/\n"      // 6
    "  project: proj_1\n"                  // 7
    "  datasource: ds_1\n"                 // 8
    "  token: tok\n"                       // 9
    "mappings:\n"                          // 10
    "  - table: customers\n"               // 11
    "    contact: {user_id: \"{id}\"}\n";  // 12

// Loads `text` from dir/cdc.yaml; returns the error message ("" on success).
std::string LoadError(const std::string& text, std::string* file_out = nullptr) {
  TempDir dir;
  const std::string file = dir.Write("cdc.yaml", text);
  if (file_out) *file_out = file;
  auto c = LoadConfig(file);
  if (c) return "";
  EXPECT_EQ(c.error().kind, core::ErrorKind::kConfig);
  return c.error().message;
}

// Replaces the first occurrence of `from` in kMinimal.
std::string With(const std::string& from, const std::string& to) {
  std::string s = kMinimal;
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

TEST(YamlLoader, MinimalFileGetsDocumentedDefaults) {
  TempDir dir;
  const std::string file = dir.Write("cdc.yaml", kMinimal);
  auto c = LoadConfig(file);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->pipeline, "shop");
  EXPECT_EQ(c->source.kind, "postgres");
  EXPECT_EQ(c->source.slot, "instasent_shop");
  EXPECT_EQ(c->source.publication, "instasent_shop");
  EXPECT_EQ(c->source.snapshot, "initial");
  EXPECT_EQ(c->source.line, 2);
  ASSERT_EQ(c->sinks.size(), 1u);
  const SinkConfig& s = c->sinks[0];
  EXPECT_EQ(s.name, "default");
  EXPECT_EQ(s.kind, "instasent");
  EXPECT_EQ(s.url, "http://127.0.0.1:8080");  // trailing slash dropped
  EXPECT_EQ(s.token, "tok");
  EXPECT_EQ(s.batch_size, 100);
  EXPECT_EQ(s.linger_ms, 200);
  EXPECT_EQ(s.max_in_flight, 4);
  EXPECT_EQ(s.contact_sync, "auto");
  EXPECT_EQ(s.timeout_ms, 30000);
  EXPECT_EQ(c->state_path, dir.path() + "/state/shop.db");
  EXPECT_EQ(c->admin_listen, "");
  EXPECT_EQ(c->log_level, "info");
  EXPECT_EQ(c->dir, dir.path());
}

TEST(YamlLoader, UnknownKeyIsReportedAtTheKey) {
  std::string file;
  const std::string err = LoadError(With("  dsn:", "  slott: x\n  dsn:"), &file);
  EXPECT_EQ(err, file +
                     ":4:3: unknown key 'slott' in source (expected one of: kind, dsn, slot, "
                     "publication, server_id, snapshot, heartbeat, lag_warning)");
}

TEST(YamlLoader, UnknownTopLevelKeyIsReported) {
  std::string file;
  const std::string err = LoadError(std::string(kMinimal) + "extra: 1\n", &file);
  EXPECT_EQ(err.rfind(file + ":13:1: unknown key 'extra' in the top level", 0), 0u) << err;
}

TEST(YamlLoader, WrongTypeIsReportedAtTheValue) {
  std::string file;
  {
    const std::string got = LoadError(With("  project: proj_1", "  project: [a, b]"), &file);
    EXPECT_EQ(got, file + ":7:12: 'project' must be a single value, not a list");
  };
  {
    const std::string got = LoadError(
        With("source:\n  kind: postgres\n  dsn: host=127.0.0.1 dbname=shop\n", "source: postgres\n"), &file);
    EXPECT_EQ(got, file + ":2:9: 'source' must be a map, not a scalar");
  };
}

TEST(YamlLoader, BadEnumValueNamesTheChoices) {
  std::string file;
  {
    const std::string got = LoadError(With("  dsn: host", "  snapshot: sometimes\n  dsn: host"), &file);
    EXPECT_EQ(got, file + ":4:13: 'snapshot' must be one of initial, never, initial_only, got 'sometimes'");
  };
}

TEST(YamlLoader, BatchSizeAboveHundredIsRejected) {
  std::string file;
  {
    const std::string got = LoadError(With("  token: tok", "  token: tok\n  batch_size: 101"), &file);
    EXPECT_EQ(got, file + ":10:15: 'batch_size' must be between 1 and 100, got 101");
  };
  EXPECT_NE(LoadError(With("  token: tok", "  token: tok\n  batch_size: 0")), "");
  EXPECT_EQ(LoadError(With("  token: tok", "  token: tok\n  batch_size: 100")), "");
}

TEST(YamlLoader, MissingEnvironmentVariableNamesItAndItsPosition) {
  ::unsetenv("CDC_TEST_SURELY_UNSET");
  std::string file;
  {
    const std::string got = LoadError(With("  token: tok", "  token: \"x${CDC_TEST_SURELY_UNSET}\""), &file);
    EXPECT_EQ(got, file + ":9:12: environment variable CDC_TEST_SURELY_UNSET is not set");
  };
}

TEST(YamlLoader, ExpandsEnvironmentInScalars) {
  ::setenv("CDC_TEST_TOKEN", "tok-from-env", 1);
  ::setenv("CDC_TEST_BATCH", "25", 1);
  ::unsetenv("CDC_TEST_HOST");
  TempDir dir;
  std::string text = With("  token: tok", "  token: ${CDC_TEST_TOKEN}\n  batch_size: ${CDC_TEST_BATCH}");
  text.replace(text.find("host=127.0.0.1"), 14, "host=${CDC_TEST_HOST:-db.example}");
  auto c = LoadConfig(dir.Write("cdc.yaml", text));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->sinks[0].token, "tok-from-env");
  EXPECT_EQ(c->sinks[0].batch_size, 25);
  EXPECT_EQ(c->source.dsn, "host=db.example dbname=shop");
}

TEST(YamlLoader, ErrorsNeverEchoSecretValues) {
  ::setenv("CDC_TEST_SECRET", "hunter2-very-secret", 1);
  const std::string err = LoadError(With("  token: tok", "  token: tok\n  batch_size: ${CDC_TEST_SECRET}"));
  EXPECT_NE(err.find("'batch_size' must be an integer"), std::string::npos) << err;
  EXPECT_EQ(err.find("hunter2"), std::string::npos) << err;
}

TEST(YamlLoader, TokenFileIsReadRelativeToTheConfigAndTrimmed) {
  TempDir dir;
  dir.Write("secrets/token.txt", "  tok-in-file\n\n");
  const std::string file = dir.Write("cdc.yaml", With("  token: tok", "  token_file: secrets/token.txt"));
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path("/");  // relative to the file, not to the process
  auto c = LoadConfig(file);
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->sinks[0].token, "tok-in-file");
}

TEST(YamlLoader, MissingTokenFileIsAConfigError) {
  std::string file;
  const std::string err = LoadError(With("  token: tok", "  token_file: nope.txt"), &file);
  EXPECT_EQ(err.rfind(file + ":9:15: cannot read token_file", 0), 0u) << err;
}

TEST(YamlLoader, EndlessTokenFileIsRefusedInsteadOfRead) {
  const std::string err = LoadError(With("  token: tok", "  token_file: /dev/zero"));
  EXPECT_NE(err.find("token_file '/dev/zero' is larger than 64 KiB"), std::string::npos) << err;
}

TEST(YamlLoader, TokenAndTokenFileTogetherAreRejected) {
  EXPECT_NE(LoadError(With("  token: tok", "  token: tok\n  token_file: t.txt"))
                .find("either 'token' or 'token_file'"),
            std::string::npos);
}

TEST(YamlLoader, StatePathIsRelativeToTheConfigFile) {
  TempDir dir;
  auto c = LoadConfig(dir.Write("sub/cdc.yaml", std::string(kMinimal) + "state: ../data/x.db\n"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->state_path, dir.path() + "/data/x.db");
}

TEST(YamlLoader, AdminListenIsHostAndPortOrAPortAlone) {
  for (const char* bad : {":", "127.0.0.1:", "127.0.0.1:70000", "::1:80", "host:http"}) {
    const std::string err = LoadError(std::string(kMinimal) + "admin: {listen: \"" + bad + "\"}\n");
    EXPECT_NE(err.find("'listen' must be HOST:PORT"), std::string::npos) << bad << ": " << err;
  }
  EXPECT_EQ(LoadError(std::string(kMinimal) + "admin: {listen: \"[::1]:9187\"}\n"), "");
  EXPECT_EQ(LoadError(std::string(kMinimal) + "admin: {listen: \"0.0.0.0:0\"}\n"), "");
  EXPECT_EQ(LoadError(std::string(kMinimal) + "admin: {listen: \"9187\"}\n"), "");
  EXPECT_EQ(LoadError(std::string(kMinimal) + "admin: {listen: \":9187\"}\n"), "");
}

TEST(YamlLoader, PipelineNameMustBeLowercaseWord) {
  std::string file;
  {
    const std::string got = LoadError(With("pipeline: shop", "pipeline: Shop-1"), &file);
    EXPECT_EQ(got, file + ":1:11: 'pipeline' must be 1..53 characters of [a-z0-9_], got 'Shop-1'");
  };
}

TEST(YamlLoader, MissingRequiredKeyIsNamed) {
  std::string file;
  {
    const std::string got = LoadError(With("  dsn: host=127.0.0.1 dbname=shop\n", ""), &file);
    EXPECT_EQ(got, file + ":3:3: source: missing required key 'dsn'");
  };
}

TEST(YamlLoader, YamlSyntaxErrorCarriesPosition) {
  std::string file;
  const std::string err = LoadError("pipeline: shop\nsource: [kind\n", &file);
  EXPECT_EQ(err.rfind(file + ":", 0), 0u) << err;
  EXPECT_NE(err.find("end of sequence"), std::string::npos) << err;
}

TEST(YamlLoader, MysqlSourceDefaultsServerIdAndRejectsSlot) {
  TempDir dir;
  std::string text = With("  kind: postgres\n  dsn: host=127.0.0.1 dbname=shop",
                          "  kind: mysql\n  dsn: mysql://cdc:pw@127.0.0.1:3306/shop?socket=/tmp/s");
  auto c = LoadConfig(dir.Write("cdc.yaml", text));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->source.server_id, 5701u);
  EXPECT_EQ(c->source.slot, "");
  EXPECT_EQ(MappingContextFor(*c).default_schema, "shop");
  EXPECT_EQ(MappingContextFor(*c).source, core::SourceKind::kMysql);

  std::string file;
  const std::string err = LoadError(With("  kind: postgres\n", "  kind: mysql\n  slot: s\n"), &file);
  EXPECT_EQ(err, file + ":4:9: 'slot' applies only to a postgres source");
}

TEST(YamlLoader, HeartbeatAndLagWarningDefaultsAndUnits) {
  TempDir dir;
  auto d = LoadConfig(dir.Write("a.yaml", kMinimal));
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->source.heartbeat_interval_ms, 30000);
  EXPECT_EQ(d->source.heartbeat_mode, "message");
  EXPECT_EQ(d->source.lag_warning_bytes, int64_t{1} << 30);
  EXPECT_EQ(d->source.lag_warning_seconds, 300);
  EXPECT_FALSE(d->source.resnapshot);

  auto c = LoadConfig(dir.Write("b.yaml", With("  dsn: host",
                                               "  heartbeat: {interval: 500ms, mode: table, table: ops.beat}\n"
                                               "  lag_warning: {bytes: 512MiB, seconds: 2m}\n"
                                               "  dsn: host")));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->source.heartbeat_interval_ms, 500);
  EXPECT_EQ(c->source.heartbeat_table, "ops.beat");
  EXPECT_EQ(c->source.lag_warning_bytes, int64_t{512} << 20);
  EXPECT_EQ(c->source.lag_warning_seconds, 120);
  auto off = LoadConfig(dir.Write("c.yaml", With("  dsn: host", "  heartbeat: {interval: 0}\n  lag_warning: "
                                                                 "{bytes: 0, seconds: 0}\n  dsn: host")));
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(off->source.heartbeat_interval_ms, 0);
  EXPECT_EQ(off->source.lag_warning_bytes, 0);
}

TEST(YamlLoader, HeartbeatMistakesAreReported) {
  std::string file;
  std::string err = LoadError(With("  dsn: host", "  heartbeat: {interval: soon}\n  dsn: host"), &file);
  EXPECT_EQ(err, file + ":4:25: 'interval' must be a duration such as 30s, 500ms, 5m, 1h");
  err = LoadError(With("  dsn: host", "  heartbeat: {mode: table}\n  dsn: host"), &file);
  EXPECT_EQ(err, file + ":4:14: heartbeat: mode 'table' needs 'table' (schema.table with a beat_at column)");
  err = LoadError(With("  dsn: host", "  lag_warning: {bytes: lots}\n  dsn: host"), &file);
  EXPECT_EQ(err, file + ":4:24: 'bytes' must be a size such as 1GB, 512MB, 1GiB");
  err = LoadError(With("  kind: postgres\n  dsn: host=127.0.0.1 dbname=shop",
                       "  kind: mysql\n  dsn: mysql://cdc:pw@127.0.0.1:3306/shop\n  heartbeat: {interval: 1s}"),
                  &file);
  EXPECT_EQ(err, file + ":5:14: 'heartbeat' applies only to a postgres source");
}

TEST(YamlLoader, SinksListNeedsUniqueNamesAndSupportsJsonl) {
  TempDir dir;
  const std::string head =
      "pipeline: shop\n"
      "source: {kind: postgres, dsn: x}\n"
      "sinks:\n"
      "  - name: main\n"
      "    url: https://api.example\n"
      "    project: p\n"
      "    datasource: d\n"
      "    token: t\n"
      "    contact_sync: always\n"
      "  - name: dry\n"
      "    kind: jsonl\n"
      "    path: out/records.jsonl\n"
      "admin: {listen: \"127.0.0.1:9187\"}\n"
      "log: {level: debug}\n"
      "mappings:\n"
      "  - table: customers\n"
      "    contact: {user_id: \"{id}\"}\n";
  auto c = LoadConfig(dir.Write("cdc.yaml", head));
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->sinks.size(), 2u);
  EXPECT_EQ(c->sinks[0].name, "main");
  EXPECT_EQ(c->sinks[0].contact_sync, "always");
  EXPECT_EQ(c->sinks[1].kind, "jsonl");
  EXPECT_EQ(c->sinks[1].path, dir.path() + "/out/records.jsonl");
  EXPECT_EQ(c->admin_listen, "127.0.0.1:9187");
  EXPECT_EQ(c->log_level, "debug");

  std::string dup = head;
  dup.replace(dup.find("name: dry"), 9, "name: main");
  std::string file;
  {
    const std::string got = LoadError(dup, &file);
    EXPECT_EQ(got, file + ":10:11: duplicate sink name 'main'");
  };

  std::string bad = head;
  bad.replace(bad.find("    path: out"), 4, "    url: http://x\n    ");
  EXPECT_NE(LoadError(bad).find("'url' does not apply to a jsonl sink"), std::string::npos);
}

TEST(YamlLoader, InstasentSinkTokenTypeIsDatasourceOrProduct) {
  TempDir dir;
  auto c = LoadConfig(dir.Write("cdc.yaml", kMinimal));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->sinks[0].token_type, "datasource");
  c = LoadConfig(dir.Write("cdc.yaml", With("  token: tok\n", "  token: tok\n  token_type: product\n")));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->sinks[0].token_type, "product");
  EXPECT_NE(LoadError(With("  token: tok\n", "  token: tok\n  token_type: admin\n"))
                .find("'token_type' must be one of"),
            std::string::npos);
}

TEST(YamlLoader, EnchargeSinkDefaultsItsUrlAndRefusesInstasentKeys) {
  TempDir dir;
  const std::string sink =
      "sink:\n"
      "  url: http://127.0.0.1:8080/\n"
      "  project: proj_1\n"
      "  datasource: ds_1\n"
      "  token: tok\n";
  auto c = LoadConfig(
      dir.Write("cdc.yaml", With(sink, "sink:\n  kind: encharge\n  token: wk\n  delete_event: gone\n")));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->sinks[0].kind, "encharge");
  EXPECT_EQ(c->sinks[0].url, "https://ingest.encharge.io/v1/");
  EXPECT_EQ(c->sinks[0].token, "wk");
  EXPECT_EQ(c->sinks[0].delete_event, "gone");
  EXPECT_NE(LoadError(With(sink, "sink:\n  kind: encharge\n  token: wk\n  batch_size: 10\n"))
                .find("'batch_size' does not apply to an encharge sink"),
            std::string::npos);
  EXPECT_NE(LoadError(With(sink, "sink:\n  kind: encharge\n")).find("missing 'token' or 'token_file'"),
            std::string::npos);
  EXPECT_NE(LoadError(With("  token: tok\n", "  token: tok\n  delete_event: gone\n"))
                .find("'delete_event' applies only to an encharge sink"),
            std::string::npos);
}

}  // namespace
}  // namespace cdc::config
