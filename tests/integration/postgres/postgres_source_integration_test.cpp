// PostgresSource against a real PostgreSQL 15: snapshot, streaming values and
// operations, TOAST, replica identity, restart/resume, interrupted snapshots,
// schema changes, idle confirmation, reconnects and back-pressure.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <regex>

#include "core/model/value.h"
#include "tests/integration/postgres/pg_test_base.h"

namespace cdc::pg::testing {
namespace {

using core::Op;
using core::Value;

class PostgresSourceIntegration : public PgTest {};

const char* kCustomers =
    "CREATE TABLE customers (id int PRIMARY KEY, email text, plan text, score numeric(10,2), "
    "signup timestamptz, active boolean, nick varchar(20));";

core::Mapping::TableNeeds CustomersNeeds() {
  return Needs("public.customers", {"id", "email", "plan", "score", "signup", "active", "nick"}, {"id"},
               true);
}

TEST_F(PostgresSourceIntegration, SnapshotThenStreamsInsertUpdateDeleteWithExactValues) {
  Sql(dsn_, kCustomers);
  Sql(dsn_,
      "INSERT INTO customers VALUES (1, 'a@x.io', 'free', 12.50, '2024-01-02 03:04:05.123456+00', true, "
      "NULL),"
      "(2, 'b@x.io', 'pro', -3, '2024-06-30 23:59:59+02', false, 'bee')");
  auto& runner = NewRunner(Options({CustomersNeeds()}));
  ASSERT_TRUE(runner.Prepare()) << runner.Prepare().error().Describe();
  EXPECT_EQ(Query(dsn_, "SELECT count(*) FROM pg_publication_tables WHERE pubname = 'pub_" + db_ +
                            "' AND tablename = 'customers'"),
            "1");
  runner.Start();
  ASSERT_TRUE(runner.CollectTxEnds(1));

  auto snap = runner.Changes();
  ASSERT_EQ(snap.size(), 2u);
  uint64_t consistent_point = snap[0].position.commit;
  EXPECT_GT(consistent_point, 0u);
  for (const auto& c : snap) {
    EXPECT_EQ(c.op, Op::kSnapshot);
    EXPECT_EQ(c.position.commit, consistent_point);
    EXPECT_TRUE(c.before.empty());
  }
  EXPECT_EQ(Col(snap[0], "id"), Value::Int(1));
  EXPECT_EQ(Col(snap[0], "email"), Value::String("a@x.io"));
  EXPECT_EQ(Col(snap[0], "score"), Value::Decimal("12.50"));
  EXPECT_EQ(Col(snap[0], "signup"), Value::TimestampTz("2024-01-02T03:04:05.123456Z"));
  EXPECT_EQ(Col(snap[0], "active"), Value::Bool(true));
  EXPECT_EQ(Col(snap[0], "nick"), Value::Null());
  EXPECT_EQ(Col(snap[1], "score"), Value::Decimal("-3.00"));
  EXPECT_EQ(Col(snap[1], "signup"), Value::TimestampTz("2024-06-30T21:59:59Z"));
  EXPECT_EQ(Col(snap[1], "active"), Value::Bool(false));
  EXPECT_EQ(Col(snap[1], "nick"), Value::String("bee"));
  EXPECT_EQ(snap[0].table->QualifiedName(), "public.customers");
  ASSERT_EQ(snap[0].table->key.size(), 1u);
  EXPECT_EQ(snap[0].table->columns[snap[0].table->key[0]], "id");
  auto ends = runner.TxEnds();
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].position.commit, consistent_point);
  EXPECT_EQ(runner.source().Progress().snapshot_rows, 2u);
  EXPECT_TRUE(std::any_of(runner.events().begin(), runner.events().end(), [](const core::SourceEvent& e) {
    auto* done = std::get_if<core::SnapshotDone>(&e);
    return done && done->rows == 2;
  }));

  Sql(dsn_,
      "INSERT INTO customers VALUES (3, 'c@x.io', 'free', 0.10, '2025-01-01 00:00:00+00', true, 'cee')");
  Sql(dsn_,
      "BEGIN; UPDATE customers SET plan = 'pro', score = 99.99 WHERE id = 1; "
      "DELETE FROM customers WHERE id = 2; COMMIT;");
  ASSERT_TRUE(runner.CollectTxEnds(3));
  auto all = runner.Changes();
  ASSERT_EQ(all.size(), 5u);
  const auto& ins = all[2];
  const auto& upd = all[3];
  const auto& del = all[4];
  EXPECT_EQ(ins.op, Op::kInsert);
  EXPECT_EQ(Col(ins, "id"), Value::Int(3));
  EXPECT_EQ(Col(ins, "score"), Value::Decimal("0.10"));
  EXPECT_EQ(Col(ins, "signup"), Value::TimestampTz("2025-01-01T00:00:00Z"));
  EXPECT_EQ(Col(ins, "nick"), Value::String("cee"));
  EXPECT_EQ(upd.op, Op::kUpdate);
  EXPECT_EQ(Col(upd, "id"), Value::Int(1));
  EXPECT_EQ(Col(upd, "plan"), Value::String("pro"));
  EXPECT_EQ(Col(upd, "score"), Value::Decimal("99.99"));
  EXPECT_EQ(Col(upd, "email"), Value::String("a@x.io"));
  EXPECT_TRUE(upd.before.empty()) << "key unchanged, default identity: no old row";
  EXPECT_EQ(del.op, Op::kDelete);
  EXPECT_TRUE(del.after.empty());
  EXPECT_EQ(Col(del, "id", true), Value::Int(2));
  EXPECT_TRUE(Col(del, "email", true).is_absent()) << "key-only old row";

  // Positions: a transaction's changes and its TxEnd share the commit LSN; the
  // TxEnd carries the commit end; transactions follow each other.
  ends = runner.TxEnds();
  ASSERT_EQ(ends.size(), 3u);
  EXPECT_EQ(ins.position.commit, ends[1].position.commit);
  EXPECT_EQ(upd.position.commit, ends[2].position.commit);
  EXPECT_EQ(del.position.commit, ends[2].position.commit);
  EXPECT_LT(upd.position, del.position);
  EXPECT_LT(del.position, ends[2].position);
  EXPECT_GT(ends[2].position.change, ends[2].position.commit);
  EXPECT_LT(ends[0].position, ins.position);
  EXPECT_LT(ends[1].position, upd.position);
  EXPECT_GT(ins.position.commit, consistent_point);
  EXPECT_GT(ins.commit_time_us, 0);
  EXPECT_EQ(ends[2].commit_time_us, upd.commit_time_us);
  EXPECT_NE(upd.xid, 0u);

  EXPECT_TRUE(Eventually([&] { return runner.source().Progress().caught_up; }));
  ASSERT_TRUE(runner.Stop());
}

TEST_F(PostgresSourceIntegration, UnchangedToastedColumnArrivesAbsent) {
  Sql(dsn_,
      "CREATE TABLE docs (id int PRIMARY KEY, body text, n int); "
      "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;");
  auto& runner = NewRunner(Options({Needs("public.docs", {"id", "body", "n"})}, SnapshotMode::kNever));
  ASSERT_TRUE(runner.Prepare());
  runner.Start();
  ASSERT_TRUE(Eventually([&] { return runner.source().Progress().caught_up; }));
  Sql(dsn_, "INSERT INTO docs SELECT 1, string_agg(md5(i::text), '') , 1 FROM generate_series(1, 400) i");
  Sql(dsn_, "UPDATE docs SET n = 2 WHERE id = 1");
  ASSERT_TRUE(runner.CollectTxEnds(2));
  auto changes = runner.Changes();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(Col(changes[0], "body").kind(), core::ValueKind::kString);
  EXPECT_EQ(Col(changes[0], "body").text().size(), 400u * 32u);
  EXPECT_EQ(changes[1].op, Op::kUpdate);
  EXPECT_TRUE(Col(changes[1], "body").is_absent()) << "unchanged TOAST is omitted, never null";
  EXPECT_EQ(Col(changes[1], "n"), Value::Int(2));
}

TEST_F(PostgresSourceIntegration, ReplicaIdentityFullGivesWholeOldRow) {
  Sql(dsn_,
      "CREATE TABLE orders (id int PRIMARY KEY, status text, amount numeric); "
      "ALTER TABLE orders REPLICA IDENTITY FULL;");
  auto& runner = NewRunner(
      Options({Needs("public.orders", {"id", "status", "amount"}, {"status"}, true)}, SnapshotMode::kNever));
  ASSERT_TRUE(runner.Prepare()) << "FULL identity provides every old column";
  runner.Start();
  ASSERT_TRUE(Eventually([&] { return runner.source().Progress().caught_up; }));
  Sql(dsn_, "INSERT INTO orders VALUES (7, 'new', 10.5)");
  Sql(dsn_, "UPDATE orders SET status = 'paid' WHERE id = 7");
  Sql(dsn_, "DELETE FROM orders WHERE id = 7");
  ASSERT_TRUE(runner.CollectTxEnds(3));
  auto changes = runner.Changes();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(Col(changes[1], "status", true), Value::String("new"));
  EXPECT_EQ(Col(changes[1], "amount", true), Value::Decimal("10.5"));
  EXPECT_EQ(Col(changes[1], "status"), Value::String("paid"));
  EXPECT_EQ(changes[2].op, Op::kDelete);
  EXPECT_EQ(Col(changes[2], "status", true), Value::String("paid"));
  EXPECT_EQ(Col(changes[2], "amount", true), Value::Decimal("10.5"));
  for (const auto& c : changes) {
    EXPECT_EQ(c.table->key, (std::vector<size_t>{0})) << "the primary key stays the key under FULL";
  }
}

TEST_F(PostgresSourceIntegration, ConfirmedPositionSurvivesRestartWithoutReplay) {
  Sql(dsn_, kCustomers);
  Sql(dsn_, "INSERT INTO customers (id, email) VALUES (1, 'a@x.io')");
  {
    auto& run1 = NewRunner(Options({CustomersNeeds()}));
    ASSERT_TRUE(run1.Prepare());
    run1.Start();
    ASSERT_TRUE(run1.CollectTxEnds(1));
    run1.source().Confirm(run1.TxEnds()[0].position);
    Sql(dsn_, "INSERT INTO customers (id, email) VALUES (2, 'b@x.io')");
    ASSERT_TRUE(run1.CollectTxEnds(2));
    core::Position a = run1.TxEnds()[1].position;
    run1.source().Confirm(a);
    ASSERT_TRUE(Eventually([&] { return SlotConfirmedFlush() >= a.change; }))
        << "slot at " << core::FormatLsn(SlotConfirmedFlush()) << ", want " << core::FormatLsn(a.change);
    ASSERT_TRUE(Eventually([&] { return run1.source().Progress().confirmed_all; }));
    EXPECT_EQ(run1.state().Get(kSnapshotStateKey).value().value_or(""), "done");
    ASSERT_TRUE(run1.Stop());
  }
  Sql(dsn_, "INSERT INTO customers (id, email) VALUES (3, 'c@x.io')");
  auto& run2 = NewRunner(Options({CustomersNeeds()}));
  ASSERT_TRUE(run2.Prepare());
  run2.Start();
  ASSERT_TRUE(run2.CollectTxEnds(1));
  auto changes = run2.Changes();
  ASSERT_EQ(changes.size(), 1u) << "no snapshot again, no replay of the confirmed insert";
  EXPECT_EQ(changes[0].op, Op::kInsert);
  EXPECT_EQ(Col(changes[0], "id"), Value::Int(3));
}

TEST_F(PostgresSourceIntegration, CrashBeforeSnapshotConfirmedRedoesSnapshot) {
  Sql(dsn_, kCustomers);
  Sql(dsn_, "INSERT INTO customers (id, email) VALUES (1, 'a@x.io'), (2, 'b@x.io')");
  uint64_t consistent_point = 0;
  {
    auto& run1 = NewRunner(Options({CustomersNeeds()}));
    ASSERT_TRUE(run1.Prepare());
    run1.Start();
    ASSERT_TRUE(run1.CollectTxEnds(1));
    consistent_point = run1.TxEnds()[0].position.commit;
    Sql(dsn_, "INSERT INTO customers (id, email) VALUES (3, 'c@x.io')");
    ASSERT_TRUE(run1.CollectTxEnds(2));
    // Crash: nothing was confirmed.
    ASSERT_TRUE(run1.Stop());
    EXPECT_EQ(run1.state().Get(kSnapshotStateKey).value().value_or(""), "pending");
  }
  EXPECT_EQ(SlotConfirmedFlush(), consistent_point) << "an unconfirmed snapshot never moves the slot";
  Sql(dsn_, "DELETE FROM customers WHERE id = 1");

  auto& run2 = NewRunner(Options({CustomersNeeds()}));
  ASSERT_TRUE(run2.Prepare());
  run2.Start();
  // Snapshot TxEnd, then the replayed insert of 3 and the delete of 1.
  ASSERT_TRUE(run2.CollectTxEnds(3));
  auto changes = run2.Changes();
  std::vector<int64_t> snapshot_ids;
  for (const auto& c : changes) {
    if (c.op == Op::kSnapshot) {
      snapshot_ids.push_back(Col(c, "id").as_int());
      EXPECT_EQ(c.position.commit, consistent_point);
    }
  }
  EXPECT_EQ(snapshot_ids, (std::vector<int64_t>{2, 3})) << "read again, as of now";
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[2].op, Op::kInsert);
  EXPECT_EQ(Col(changes[2], "id"), Value::Int(3));
  EXPECT_EQ(changes[3].op, Op::kDelete) << "a delete made between the two reads is not missed";
  EXPECT_EQ(Col(changes[3], "id", true), Value::Int(1));

  run2.source().Confirm(run2.TxEnds()[0].position);
  EXPECT_EQ(run2.state().Get(kSnapshotStateKey).value().value_or(""), "done");
}

TEST_F(PostgresSourceIntegration, CleanStopLeavesTheSlotAtTheConfirmedPosition) {
  Sql(dsn_, "CREATE TABLE items (id int PRIMARY KEY)");
  auto& runner = NewRunner(Options({Needs("public.items", {"id"})}, SnapshotMode::kNever));
  ASSERT_TRUE(runner.Prepare());
  runner.Start();
  ASSERT_TRUE(Eventually([&] { return runner.source().Progress().caught_up; }));
  Sql(dsn_, "INSERT INTO items VALUES (1)");
  ASSERT_TRUE(runner.CollectTxEnds(1));
  core::Position end = runner.TxEnds()[0].position;
  runner.source().Confirm(end);
  ASSERT_TRUE(runner.Stop());  // at once: the final status update carries it
  EXPECT_TRUE(Eventually([&] { return SlotConfirmedFlush() >= end.change; }, std::chrono::seconds(5)))
      << "slot at " << core::FormatLsn(SlotConfirmedFlush()) << ", confirmed " << core::FormatLsn(end.change);
}

TEST_F(PostgresSourceIntegration, AddColumnMidStreamGivesNewColumn) {
  Sql(dsn_, "CREATE TABLE items (id int PRIMARY KEY, name text)");
  auto& runner = NewRunner(Options({Needs("public.items", {"id", "name"})}, SnapshotMode::kNever));
  ASSERT_TRUE(runner.Prepare());
  runner.Start();
  ASSERT_TRUE(Eventually([&] { return runner.source().Progress().caught_up; }));
  Sql(dsn_, "INSERT INTO items VALUES (1, 'one')");
  Sql(dsn_, "ALTER TABLE items ADD COLUMN tier text");
  Sql(dsn_, "INSERT INTO items VALUES (2, 'two', 'gold')");
  ASSERT_TRUE(runner.CollectTxEnds(2));
  auto changes = runner.Changes();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].table->ColumnIndex("tier"), -1);
  EXPECT_EQ(Col(changes[1], "tier"), Value::String("gold"));
  EXPECT_NE(changes[0].table->version, changes[1].table->version);
}

TEST_F(PostgresSourceIntegration, IdleConfirmationAdvancesSlotWithoutData) {
  Sql(dsn_, "CREATE TABLE watched (id int PRIMARY KEY); CREATE TABLE noise (id int, pad text);");
  auto& runner = NewRunner(Options({Needs("public.watched", {"id"})}, SnapshotMode::kNever));
  ASSERT_TRUE(runner.Prepare());
  runner.Start();
  ASSERT_TRUE(Eventually([&] { return runner.source().Progress().caught_up; }));
  uint64_t before = CurrentWalLsn();
  Sql(dsn_, "INSERT INTO noise SELECT i, repeat('x', 100) FROM generate_series(1, 2000) i");
  ASSERT_TRUE(Eventually([&] { return SlotConfirmedFlush() > before; }))
      << "slot stuck at " << core::FormatLsn(SlotConfirmedFlush()) << ", WAL was at "
      << core::FormatLsn(before);
  EXPECT_TRUE(runner.Changes().empty());
  EXPECT_TRUE(Eventually([&] { return runner.source().Progress().confirmed_all; }));
}

TEST_F(PostgresSourceIntegration, ReconnectsAfterTheWalsenderIsTerminated) {
  Sql(dsn_, "CREATE TABLE items (id int PRIMARY KEY)");
  auto& runner = NewRunner(Options({Needs("public.items", {"id"})}, SnapshotMode::kNever));
  ASSERT_TRUE(runner.Prepare());
  runner.Start();
  ASSERT_TRUE(Eventually([&] { return runner.source().Progress().caught_up; }));
  Sql(dsn_, "INSERT INTO items VALUES (1)");
  ASSERT_TRUE(runner.CollectTxEnds(1));
  core::Position first = runner.TxEnds()[0].position;
  runner.source().Confirm(first);
  ASSERT_TRUE(Eventually([&] { return SlotConfirmedFlush() >= first.change; }));
  Sql(dsn_, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'slot_" +
                db_ + "'");
  ASSERT_TRUE(Eventually([&] { return runner.source().Progress().reconnects >= 1; }));
  Sql(dsn_, "INSERT INTO items VALUES (2)");
  ASSERT_TRUE(runner.CollectUntil([](const auto& events) {
    for (const auto& e : events) {
      auto* c = std::get_if<core::RowChange>(&e);
      if (c && c->after.size() == 1 && c->after[0] == Value::Int(2)) return true;
    }
    return false;
  })) << "streaming resumed after the reconnect";
  size_t ones = 0;
  for (const auto& c : runner.Changes()) ones += c.after[0] == Value::Int(1) ? 1 : 0;
  EXPECT_EQ(ones, 1u) << "the confirmed transaction is not replayed after reconnecting";
}

TEST_F(PostgresSourceIntegration, StatusUpdatesContinueWhileThePipelineIsFull) {
  Sql(dsn_, "CREATE TABLE items (id int PRIMARY KEY)");
  // One chunk of queue: the reader blocks after a few hundred events.
  auto& runner = NewRunner(Options({Needs("public.items", {"id"})}, SnapshotMode::kNever), 1);
  ASSERT_TRUE(runner.Prepare());
  runner.Start();
  ASSERT_TRUE(Eventually([&] { return runner.source().Progress().caught_up; }));
  Sql(dsn_, "INSERT INTO items SELECT generate_series(1, 3000)");
  ASSERT_TRUE(
      Eventually([&] { return runner.queue().Size() == 1 && !runner.source().Progress().caught_up; }));
  std::string q =
      "SELECT extract(epoch from r.reply_time)::text FROM pg_stat_replication r "
      "JOIN pg_replication_slots s ON s.active_pid = r.pid WHERE s.slot_name = 'slot_" +
      db_ + "'";
  std::string first;
  ASSERT_TRUE(Eventually([&] { return !(first = Query(dsn_, q)).empty(); }));
  EXPECT_TRUE(Eventually([&] { return std::stod(Query(dsn_, q)) > std::stod(first) + 0.3; },
                         std::chrono::seconds(10)))
      << "the blocked reader still sends standby status updates";
  ASSERT_TRUE(runner.CollectTxEnds(1));
  EXPECT_EQ(runner.Changes().size(), 3000u);
}

TEST_F(PostgresSourceIntegration, InitialOnlyReadsTheSnapshotAndStopsWithoutASlot) {
  Sql(dsn_, "CREATE TABLE items (id int PRIMARY KEY, tags text[], doc jsonb)");
  Sql(dsn_, "INSERT INTO items VALUES (1, ARRAY['a','b c'], '{\"k\": [1, 2]}'), (2, NULL, 'null')");
  auto& runner =
      NewRunner(Options({Needs("public.items", {"id", "tags", "doc"})}, SnapshotMode::kInitialOnly));
  ASSERT_TRUE(runner.Prepare());
  runner.Start();
  ASSERT_TRUE(runner.CollectTxEnds(1));
  ASSERT_TRUE(Eventually([&] { return !runner.running(); })) << "Run returns after the snapshot";
  ASSERT_TRUE(runner.Stop());
  auto changes = runner.Changes();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(Col(changes[0], "tags"), Value::Json("[\"a\",\"b c\"]"));
  EXPECT_EQ(Col(changes[0], "doc").kind(), core::ValueKind::kJson);
  EXPECT_EQ(Col(changes[1], "tags"), Value::Null());
  // Without a slot the rows sit at the WAL position the snapshot read.
  EXPECT_GT(changes[0].position.commit, 0u);
  EXPECT_LE(changes[0].position.commit, CurrentWalLsn());
  EXPECT_EQ(Query(dsn_, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"),
            "0");
  EXPECT_TRUE(runner.source().Progress().caught_up);
}

TEST_F(PostgresSourceIntegration, UserTypesConvertByKindInSnapshotAndStream) {
  Sql(dsn_,
      "CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE DOMAIN score AS int CHECK (VALUE >= 0); "
      "CREATE TABLE people (id int PRIMARY KEY, m mood, s score, ms mood[]);"
      "INSERT INTO people VALUES (1, 'happy', 5, ARRAY['sad','happy']::mood[]);");
  auto& runner = NewRunner(Options({Needs("public.people", {"id", "m", "s", "ms"})}));
  ASSERT_TRUE(runner.Prepare());
  runner.Start();
  ASSERT_TRUE(runner.CollectTxEnds(1));
  Sql(dsn_, "INSERT INTO people VALUES (2, 'sad', 7, ARRAY['happy']::mood[])");
  ASSERT_TRUE(runner.CollectTxEnds(2));
  auto changes = runner.Changes();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].op, Op::kSnapshot);
  EXPECT_EQ(Col(changes[0], "m"), Value::String("happy"));
  EXPECT_EQ(Col(changes[0], "s"), Value::Int(5)) << "a domain converts as its base type";
  EXPECT_EQ(Col(changes[0], "ms"), Value::Json("[\"sad\",\"happy\"]"));
  EXPECT_EQ(changes[1].op, Op::kInsert);
  EXPECT_EQ(Col(changes[1], "m"), Value::String("sad"));
  EXPECT_EQ(Col(changes[1], "s"), Value::Int(7));
  EXPECT_EQ(Col(changes[1], "ms"), Value::Json("[\"happy\"]"));
}

TEST_F(PostgresSourceIntegration, TruncateIsReportedNotTurnedIntoDeletes) {
  Sql(dsn_, "CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1), (2);");
  auto& runner = NewRunner(Options({Needs("public.items", {"id"})}, SnapshotMode::kNever));
  ASSERT_TRUE(runner.Prepare());
  runner.Start();
  ASSERT_TRUE(Eventually([&] { return runner.source().Progress().caught_up; }));
  Sql(dsn_, "TRUNCATE items");
  ASSERT_TRUE(runner.CollectTxEnds(1));
  EXPECT_TRUE(runner.Changes().empty());
  size_t truncates = 0;
  for (const auto& e : runner.events()) {
    if (auto* t = std::get_if<core::Truncate>(&e)) {
      ++truncates;
      EXPECT_EQ(t->table->QualifiedName(), "public.items");
      EXPECT_EQ(t->position.commit, runner.TxEnds()[0].position.commit);
    }
  }
  EXPECT_EQ(truncates, 1u);
}

TEST_F(PostgresSourceIntegration, PartitionedTableRowsArriveUnderTheRootName) {
  Sql(dsn_,
      "CREATE TABLE sales (id int, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region);"
      "CREATE TABLE sales_eu PARTITION OF sales FOR VALUES IN ('eu');"
      "CREATE TABLE sales_us PARTITION OF sales FOR VALUES IN ('us');"
      "INSERT INTO sales VALUES (1, 'eu');");
  auto& runner = NewRunner(Options({Needs("public.sales", {"id", "region"})}));
  ASSERT_TRUE(runner.Prepare());
  runner.Start();
  ASSERT_TRUE(runner.CollectTxEnds(1));
  Sql(dsn_, "INSERT INTO sales VALUES (2, 'us')");
  ASSERT_TRUE(runner.CollectTxEnds(2));
  auto changes = runner.Changes();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].op, Op::kSnapshot);
  EXPECT_EQ(changes[1].op, Op::kInsert);
  for (const auto& c : changes) {
    EXPECT_EQ(c.table->QualifiedName(), "public.sales");
    EXPECT_EQ(c.table->key, (std::vector<size_t>{0, 1})) << "snapshot and stream agree on the key";
  }
  EXPECT_EQ(Col(changes[1], "region"), Value::String("us"));
}

// Not a benchmark (tests/bench is): a sanity figure for the report, printed.
TEST_F(PostgresSourceIntegration, HundredThousandRowsThroughSnapshotAndOneBigTransaction) {
  constexpr int kRows = 100000;
  Sql(dsn_,
      "CREATE TABLE orders (id int PRIMARY KEY, customer int, amount numeric(10,2), "
      "created timestamptz, note text)");
  std::string fill =
      "SELECT i + $OFF, i % 1000, (i % 10000) / 100.0, now() - i * interval '1 second', "
      "'order ' || i FROM generate_series(1, " +
      std::to_string(kRows) + ") i";
  Sql(dsn_, "INSERT INTO orders " + std::regex_replace(fill, std::regex("\\$OFF"), "0"));
  auto& runner =
      NewRunner(Options({Needs("public.orders", {"id", "customer", "amount", "created", "note"})}), 16);
  ASSERT_TRUE(runner.Prepare());
  auto t0 = std::chrono::steady_clock::now();
  runner.Start();
  ASSERT_TRUE(runner.CollectTxEnds(1, std::chrono::seconds(120)));
  auto t1 = std::chrono::steady_clock::now();
  Sql(dsn_, "INSERT INTO orders " + std::regex_replace(fill, std::regex("\\$OFF"), std::to_string(kRows)));
  auto t2 = std::chrono::steady_clock::now();
  ASSERT_TRUE(runner.CollectTxEnds(2, std::chrono::seconds(120)));
  auto t3 = std::chrono::steady_clock::now();
  auto changes = runner.Changes();
  ASSERT_EQ(changes.size(), 2u * kRows);
  EXPECT_EQ(Col(changes.back(), "id"), Value::Int(2 * kRows));
  EXPECT_EQ(Col(changes.back(), "note"), Value::String("order " + std::to_string(kRows)));
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::printf(
      "[ figures  ] snapshot %d rows in %lld ms; one %d-row transaction streamed in %lld ms after commit\n",
      kRows, static_cast<long long>(ms(t1 - t0)), kRows, static_cast<long long>(ms(t3 - t2)));
}

// During a backlog the reader waits for a few KB before waking up; once the
// backlog is read it must wake at the first byte again, or every small
// transaction would wait out the reader's 250 ms idle poll.
TEST_F(PostgresSourceIntegration, SmallTransactionsAfterABacklogAreNotHeldBackByReadBatching) {
  Sql(dsn_, "CREATE TABLE items (id int PRIMARY KEY, note text)");
  auto& runner = NewRunner(Options({Needs("public.items", {"id", "note"})}, SnapshotMode::kNever));
  ASSERT_TRUE(runner.Prepare());
  runner.Start();
  ASSERT_TRUE(Eventually([&] { return runner.source().Progress().caught_up; }));
  Sql(dsn_, "INSERT INTO items SELECT i, repeat('x', 50) FROM generate_series(1, 20000) i");
  ASSERT_TRUE(runner.CollectTxEnds(1, std::chrono::seconds(60)));
  constexpr int kSmall = 20;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 1; i <= kSmall; ++i) {
    Sql(dsn_, "INSERT INTO items VALUES (" + std::to_string(20000 + i) + ", 'small')");
    ASSERT_TRUE(runner.CollectTxEnds(1 + i, std::chrono::seconds(10)));
  }
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  EXPECT_EQ(runner.Changes().size(), 20000u + kSmall);
  EXPECT_EQ(Col(runner.Changes().back(), "id"), Value::Int(20000 + kSmall));
  // Held back, each would take at least 250 ms: 5 s in all.
  EXPECT_LT(elapsed.count(), kSmall * 250 / 2) << "small transactions waited for the idle poll";
}

}  // namespace
}  // namespace cdc::pg::testing
