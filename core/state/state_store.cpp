#include "core/state/state_store.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <set>

#include "core/state/state_sql.h"

namespace cdc::core {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A prepared statement that finalizes itself; binds are 1-based.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return rc_ == SQLITE_OK; }
  Statement& Bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col))
             : std::string();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  Error Failure(const char* what) const {
    return Error::Fatal(std::string("state store: ") + what + ": " + sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

Status RunToDone(Statement& st, const char* what) {
  if (!st.ok()) return Fail(st.Failure(what));
  if (st.Step() != SQLITE_DONE) return Fail(st.Failure(what));
  return {};
}

}  // namespace

Result<std::unique_ptr<StateStore>> StateStore::Open(const std::string& path,
                                                     const std::string& pipeline) {
  std::error_code ec;
  const auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  if (ec) return Fail(Error::Config("cannot create state directory " + dir.string() + ": " + ec.message()));

  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Fail(Error::Config("cannot open state store " + path + ": " + msg));
  }
  std::unique_ptr<StateStore> store(new StateStore(db, pipeline));
  if (auto st = store->Exec(state_sql::kPragmas); !st) return Fail(st.error());

  Statement version(db, "PRAGMA user_version");
  if (!version.ok() || version.Step() != SQLITE_ROW) return Fail(version.Failure("read schema version"));
  const int64_t have = version.Int(0);
  if (have > state_sql::kSchemaVersion) {
    return Fail(Error::Config("state store " + path + " was written by a newer instasent-cdc (schema " +
                              std::to_string(have) + ")"));
  }
  if (have < 1) {
    if (auto st = store->Exec(state_sql::kMigrationV1); !st) return Fail(st.error());
  }
  return store;
}

StateStore::~StateStore() { sqlite3_close(db_); }

Status StateStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Fail(Error::Fatal("state store: " + msg));
  }
  return {};
}

Result<std::optional<std::string>> StateStore::Get(const std::string& key) {
  std::lock_guard lock(mu_);
  Statement st(db_, state_sql::kGet);
  if (!st.ok()) return Fail(st.Failure("read"));
  st.Bind(1, pipeline_).Bind(2, key);
  const int rc = st.Step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(st.Text(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return Fail(st.Failure("read"));
}

Status StateStore::Put(const std::string& key, const std::string& value) {
  return PutAll({{key, value}});
}

Status StateStore::PutAll(const std::map<std::string, std::string>& values) {
  std::lock_guard lock(mu_);
  if (auto st = Exec("BEGIN IMMEDIATE"); !st) return st;
  const int64_t now = NowMs();
  for (const auto& [key, value] : values) {
    Statement st(db_, state_sql::kPut);
    if (!st.ok()) break;
    st.Bind(1, pipeline_).Bind(2, key).Bind(3, value).Bind(4, now);
    if (auto done = RunToDone(st, "write"); !done) {
      (void)Exec("ROLLBACK");
      return done;
    }
  }
  return Exec("COMMIT");
}

Result<std::map<std::string, std::string>> StateStore::Values() {
  std::lock_guard lock(mu_);
  Statement st(db_, state_sql::kValues);
  st.Bind(1, pipeline_);
  std::map<std::string, std::string> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) out[st.Text(0)] = st.Text(1);
  if (rc != SQLITE_DONE) return Fail(st.Failure("read values"));
  return out;
}

Status StateStore::Erase(const std::string& key) {
  std::lock_guard lock(mu_);
  Statement st(db_, state_sql::kErase);
  st.Bind(1, pipeline_).Bind(2, key);
  return RunToDone(st, "erase");
}

Status StateStore::PutDeadLetter(const DeadLetter& letter) {
  std::lock_guard lock(mu_);
  Statement st(db_, state_sql::kPutDeadLetter);
  st.Bind(1, pipeline_)
      .Bind(2, letter.destination)
      .Bind(3, letter.kind)
      .Bind(4, letter.user_id)
      .Bind(5, letter.table)
      .Bind(6, letter.payload)
      .Bind(7, letter.reason)
      .Bind(8, letter.position)
      .Bind(9, letter.created_at_ms ? letter.created_at_ms : NowMs());
  return RunToDone(st, "write dead letter");
}

Result<std::vector<DeadLetter>> StateStore::ListDeadLetters(const DeadLetterQuery& query) {
  std::lock_guard lock(mu_);
  Statement st(db_, state_sql::kListDeadLetters);
  if (!st.ok()) return Fail(st.Failure("list dead letters"));
  st.Bind(1, pipeline_);
  const std::set<int64_t> wanted(query.ids.begin(), query.ids.end());
  std::vector<DeadLetter> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    DeadLetter d;
    d.id = st.Int(0);
    if (!wanted.empty() && !wanted.count(d.id)) continue;
    d.pipeline = pipeline_;
    d.destination = st.Text(1);
    d.kind = st.Text(2);
    d.user_id = st.Text(3);
    d.table = st.Text(4);
    d.payload = st.Text(5);
    d.reason = st.Text(6);
    d.position = st.Text(7);
    d.created_at_ms = st.Int(8);
    out.push_back(std::move(d));
    if (query.limit && out.size() >= query.limit) break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Fail(st.Failure("list dead letters"));
  return out;
}

Result<int64_t> StateStore::CountDeadLetters() {
  std::lock_guard lock(mu_);
  Statement st(db_, state_sql::kCountDeadLetters);
  st.Bind(1, pipeline_);
  if (st.Step() != SQLITE_ROW) return Fail(st.Failure("count dead letters"));
  return st.Int(0);
}

Status StateStore::DropDeadLetters(const std::vector<int64_t>& ids) {
  std::lock_guard lock(mu_);
  if (ids.empty()) {
    Statement st(db_, state_sql::kDropAllDeadLetters);
    st.Bind(1, pipeline_);
    return RunToDone(st, "drop dead letters");
  }
  if (auto st = Exec("BEGIN IMMEDIATE"); !st) return st;
  for (int64_t id : ids) {
    Statement st(db_, state_sql::kDropDeadLetter);
    st.Bind(1, pipeline_).Bind(2, id);
    if (auto done = RunToDone(st, "drop dead letter"); !done) {
      (void)Exec("ROLLBACK");
      return done;
    }
  }
  return Exec("COMMIT");
}

Status StateStore::AddCounters(const std::map<std::string, int64_t>& deltas) {
  std::lock_guard lock(mu_);
  if (auto st = Exec("BEGIN IMMEDIATE"); !st) return st;
  for (const auto& [name, delta] : deltas) {
    Statement st(db_, state_sql::kAddCounter);
    st.Bind(1, pipeline_).Bind(2, name).Bind(3, delta);
    if (auto done = RunToDone(st, "add counter"); !done) {
      (void)Exec("ROLLBACK");
      return done;
    }
  }
  return Exec("COMMIT");
}

Result<std::map<std::string, int64_t>> StateStore::Counters() {
  std::lock_guard lock(mu_);
  Statement st(db_, state_sql::kCounters);
  st.Bind(1, pipeline_);
  std::map<std::string, int64_t> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) out[st.Text(0)] = st.Int(1);
  if (rc != SQLITE_DONE) return Fail(st.Failure("read counters"));
  return out;
}

}  // namespace cdc::core
