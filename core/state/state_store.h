// StateStore: the pipeline's durable state in one SQLite file (WAL mode):
// source offsets and other small keyed values (snapshot progress), dead
// letters, and counters for `status`. Thread-safe (one connection, one mutex);
// every write is durable when it returns.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/model/result.h"
#include "core/pipeline/sink.h"

struct sqlite3;

namespace cdc::core {

class StateStore : public DeadLetterStore {
 public:
  // Opens or creates the file (and its directory); migrates the schema.
  static Result<std::unique_ptr<StateStore>> Open(const std::string& path, const std::string& pipeline);
  ~StateStore() override;
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // Small keyed values of this pipeline, e.g. "mysql.position", "snapshot.done".
  Result<std::optional<std::string>> Get(const std::string& key);
  Status Put(const std::string& key, const std::string& value);
  Status Erase(const std::string& key);
  // Every keyed value of this pipeline (for `status`).
  Result<std::map<std::string, std::string>> Values();
  // Several keys in one transaction.
  Status PutAll(const std::map<std::string, std::string>& values);

  // DeadLetterStore.
  Status PutDeadLetter(const DeadLetter& letter) override;

  struct DeadLetterQuery {
    std::vector<int64_t> ids;  // empty = all
    size_t limit = 0;          // 0 = no limit
  };
  Result<std::vector<DeadLetter>> ListDeadLetters(const DeadLetterQuery& query);
  Result<int64_t> CountDeadLetters();
  Status DropDeadLetters(const std::vector<int64_t>& ids);  // empty = all

  // Cumulative counters (records sent by kind/outcome...) for `status`.
  Status AddCounters(const std::map<std::string, int64_t>& deltas);
  Result<std::map<std::string, int64_t>> Counters();

  const std::string& pipeline() const { return pipeline_; }

 private:
  StateStore(sqlite3* db, std::string pipeline) : db_(db), pipeline_(std::move(pipeline)) {}
  Status Exec(const char* sql);

  std::mutex mu_;
  sqlite3* db_;
  std::string pipeline_;
};

}  // namespace cdc::core
