// Every SQL statement of the state store, in one place. The schema version is
// PRAGMA user_version; migrations run in order from the file's version.
#pragma once

namespace cdc::core::state_sql {

inline constexpr int kSchemaVersion = 1;

inline constexpr const char* kPragmas =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;";

// One transaction: a fresh state file costs one commit (one set of fsyncs at
// start-up) instead of one per statement, and a crash cannot leave half a schema.
inline constexpr const char* kMigrationV1 = R"sql(
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS kv (
  pipeline TEXT NOT NULL,
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (pipeline, key));
CREATE TABLE IF NOT EXISTS dead_letters (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  pipeline    TEXT NOT NULL,
  destination TEXT NOT NULL,
  kind        TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  tbl         TEXT NOT NULL,
  payload     TEXT NOT NULL,
  reason      TEXT NOT NULL,
  position    TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS dead_letters_by_pipeline ON dead_letters(pipeline, id);
CREATE TABLE IF NOT EXISTS counters (
  pipeline TEXT NOT NULL,
  name     TEXT NOT NULL,
  value    INTEGER NOT NULL,
  PRIMARY KEY (pipeline, name));
PRAGMA user_version = 1;
COMMIT;
)sql";

inline constexpr const char* kGet = "SELECT value FROM kv WHERE pipeline = ?1 AND key = ?2";
inline constexpr const char* kPut =
    "INSERT INTO kv(pipeline, key, value, updated_at_ms) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT(pipeline, key) DO UPDATE SET value = excluded.value, "
    "updated_at_ms = excluded.updated_at_ms";
inline constexpr const char* kValues = "SELECT key, value FROM kv WHERE pipeline = ?1 ORDER BY key";
inline constexpr const char* kErase = "DELETE FROM kv WHERE pipeline = ?1 AND key = ?2";
inline constexpr const char* kPutDeadLetter =
    "INSERT INTO dead_letters(pipeline, destination, kind, user_id, tbl, payload, reason, "
    "position, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
inline constexpr const char* kListDeadLetters =
    "SELECT id, destination, kind, user_id, tbl, payload, reason, position, created_at_ms "
    "FROM dead_letters WHERE pipeline = ?1 ORDER BY id";
inline constexpr const char* kCountDeadLetters =
    "SELECT count(*) FROM dead_letters WHERE pipeline = ?1";
inline constexpr const char* kDropDeadLetter =
    "DELETE FROM dead_letters WHERE pipeline = ?1 AND id = ?2";
inline constexpr const char* kDropAllDeadLetters = "DELETE FROM dead_letters WHERE pipeline = ?1";
inline constexpr const char* kAddCounter =
    "INSERT INTO counters(pipeline, name, value) VALUES (?1, ?2, ?3) "
    "ON CONFLICT(pipeline, name) DO UPDATE SET value = value + excluded.value";
inline constexpr const char* kCounters = "SELECT name, value FROM counters WHERE pipeline = ?1";

}  // namespace cdc::core::state_sql
