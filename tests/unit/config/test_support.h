// Helpers for the config tests: write a YAML file into a fresh temp directory,
// load and compile it, and build tables and row changes by hand.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "config/compiled_mapping.h"
#include "config/config.h"
#include "core/model/row_change.h"

namespace cdc::config::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cdc-config-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

  std::string Write(const std::string& name, const std::string& text) const {
    const std::string file = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path());
    std::ofstream(file) << text;
    return file;
  }

 private:
  std::string path_;
};

// The head every mapping test shares; mappings follow at column 0.
inline std::string ConfigHead() {
  return "pipeline: shop\n"
         "source:\n"
         "  kind: postgres\n"
         "  dsn: host=127.0.0.1\n"
         "sink:\n"
         "  url: http://127.0.0.1:1\n"
         "  project: p\n"
         "  datasource: d\n"
         "  token: t\n";
}

struct Compiled {
  TempDir dir;
  core::Result<PipelineConfig> config;
  core::Result<std::unique_ptr<core::Mapping>> mapping;
  CompiledMapping* get() const { return static_cast<CompiledMapping*>(mapping->get()); }
};

inline std::unique_ptr<Compiled> CompileYaml(const std::string& mappings_yaml,
                                             const std::string& head = ConfigHead()) {
  auto c = std::make_unique<Compiled>();
  const std::string file = c->dir.Write("cdc.yaml", head + mappings_yaml);
  c->config = LoadConfig(file);
  if (c->config) {
    c->mapping = CompileMapping(*c->config, MappingContextFor(*c->config));
  } else {
    c->mapping = core::Fail(c->config.error());
  }
  return c;
}

inline std::shared_ptr<const core::TableSchema> Table(const std::string& schema, const std::string& name,
                                                      std::vector<std::string> columns,
                                                      std::vector<size_t> key = {0}, uint64_t version = 1) {
  auto t = std::make_shared<core::TableSchema>();
  t->schema = schema;
  t->name = name;
  t->types.assign(columns.size(), "text");
  t->columns = std::move(columns);
  t->key = std::move(key);
  t->version = version;
  return t;
}

inline core::RowChange Change(core::Op op, std::shared_ptr<const core::TableSchema> table,
                              std::vector<core::Value> after, std::vector<core::Value> before = {},
                              uint64_t lsn = 0x16B3748) {
  core::RowChange c;
  c.op = op;
  c.table = std::move(table);
  c.after = std::move(after);
  c.before = std::move(before);
  c.position.source = core::SourceKind::kPostgres;
  c.position.commit = lsn + 0x100;
  c.position.change = lsn;
  c.commit_time_us = 1700000000123456;  // 2023-11-14T22:13:20.123456Z
  return c;
}

struct Output {
  std::vector<core::Record> records;
  std::vector<core::MappingFailure> failures;
};

inline Output ApplyTo(core::Mapping& m, const core::RowChange& change) {
  Output o;
  m.Apply(change, o.records, o.failures);
  return o;
}

}  // namespace cdc::config::testing
