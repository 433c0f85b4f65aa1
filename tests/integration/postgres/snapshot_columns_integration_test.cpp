// The snapshot reads only the columns some mapping reads plus the key: against
// a real PostgreSQL 15, rows carry exactly those columns (schema and values
// agree, in table order), a numeric or wide column no mapping reads neither
// arrives nor forces COPY text, and needs that list no column read every one.
#include <string>
#include <vector>

#include "connectors/postgres/slot_admin.h"
#include "connectors/postgres/snapshot.h"
#include "core/model/value.h"
#include "tests/integration/postgres/pg_test_base.h"

namespace cdc::pg::testing {
namespace {

using core::Value;

// id is not the first column: the key index must follow the columns read.
const char* kWide =
    "CREATE TABLE wide (note text, id bigint PRIMARY KEY, email text, amount numeric(12,2), score int, "
    "body text, active boolean);"
    "INSERT INTO wide SELECT 'n' || g, g, 'u' || g || '@example.com', g * 1.25, g * 10,"
    "  (SELECT string_agg(md5((g * 1000 + i)::text), '') FROM generate_series(1, 2000) i), g % 2 = 0"
    "  FROM generate_series(1, 5) g;"
    "INSERT INTO wide (id) VALUES (6);";  // every other column NULL

class SnapshotColumns : public PgTest {
 protected:
  std::vector<core::RowChange> SnapshotOf(const core::Mapping::TableNeeds& needs) {
    auto& runner = NewRunner(Options({needs}, SnapshotMode::kInitialOnly));
    EXPECT_TRUE(runner.Prepare());
    runner.Start();
    EXPECT_TRUE(runner.CollectTxEnds(1));
    EXPECT_TRUE(runner.Stop());
    return runner.Changes();
  }

  TableDescription Described(const std::string& table) {
    auto admin = SlotAdmin::Connect(dsn_);
    EXPECT_TRUE(admin);
    auto tables = (*admin)->DescribeTables({table});
    EXPECT_TRUE(tables);
    return tables->front();
  }
};

TEST_F(SnapshotColumns, RowsCarryOnlyTheMappedColumnsAndTheKeyInTableOrder) {
  Sql(dsn_, kWide);
  const auto changes = SnapshotOf(Needs("public.wide", {"active", "email", "score"}));
  ASSERT_EQ(changes.size(), 6u);
  for (const auto& change : changes) {
    ASSERT_EQ(change.table->columns, (std::vector<std::string>{"id", "email", "score", "active"}));
    ASSERT_EQ(change.table->key, (std::vector<size_t>{0}));
    ASSERT_EQ(change.table->types.size(), 4u);
    ASSERT_EQ(change.after.size(), 4u);
  }
  EXPECT_EQ(Col(changes[2], "id"), Value::Int(3));
  EXPECT_EQ(Col(changes[2], "email"), Value::String("u3@example.com"));
  EXPECT_EQ(Col(changes[2], "score"), Value::Int(30));
  EXPECT_EQ(Col(changes[3], "active"), Value::Bool(true));
  EXPECT_EQ(Col(changes[5], "id"), Value::Int(6));
  EXPECT_TRUE(Col(changes[5], "email").is_null());
  EXPECT_TRUE(Col(changes[5], "active").is_null());
}

TEST_F(SnapshotColumns, NumericColumnNoMappingReadsNoLongerForcesTextCopy) {
  Sql(dsn_, kWide);
  const TableDescription all = Described("public.wide");
  const auto read = Snapshot::ColumnsToRead(all, {Needs("public.wide", {"email", "score"})});
  auto snapshot = Snapshot::Begin(dsn_, "");
  ASSERT_TRUE(snapshot);
  EXPECT_FALSE((*snapshot)->UsesBinaryCopy(all)) << "numeric has no binary decoder";
  EXPECT_TRUE((*snapshot)->UsesBinaryCopy(read));
  // Reading the mapped numeric column brings text back, with its exact digits.
  const auto with_amount = Snapshot::ColumnsToRead(all, {Needs("public.wide", {"amount"})});
  EXPECT_FALSE((*snapshot)->UsesBinaryCopy(with_amount));
  TypeResolver types;
  std::vector<core::RowChange> rows;
  ASSERT_TRUE((*snapshot)->ReadTable(
      with_amount, Snapshot::SchemaFor(with_amount, types, 1), types, core::Position{},
      [&](core::RowChange&& c) {
        rows.push_back(std::move(c));
        return true;
      },
      [](const core::Error& e, const std::string&) {
        ADD_FAILURE() << e.Describe();
        return true;
      }));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].table->columns, (std::vector<std::string>{"id", "amount"}));
  EXPECT_EQ(Col(rows[1], "amount"), Value::Decimal("2.50"));
  EXPECT_TRUE((*snapshot)->Commit());
}

TEST_F(SnapshotColumns, NeedsListingNoColumnReadEveryColumn) {
  Sql(dsn_, kWide);
  const auto changes = SnapshotOf(Needs("public.wide", {}));
  ASSERT_EQ(changes.size(), 6u);
  EXPECT_EQ(changes[0].table->columns,
            (std::vector<std::string>{"note", "id", "email", "amount", "score", "body", "active"}));
  EXPECT_EQ(changes[0].table->key, (std::vector<size_t>{1}));
  EXPECT_EQ(Col(changes[1], "note"), Value::String("n2"));
  EXPECT_EQ(Col(changes[1], "amount"), Value::Decimal("2.50"));
  EXPECT_EQ(Col(changes[1], "body").text().size(), 2000u * 32);
}

TEST_F(SnapshotColumns, ReplicaIdentityColumnsAreReadWhenThereIsNoPrimaryKey) {
  Sql(dsn_,
      "CREATE TABLE keyed (a int NOT NULL, b text, c text NOT NULL, d text);"
      "CREATE UNIQUE INDEX keyed_ac ON keyed (c, a);"
      "ALTER TABLE keyed REPLICA IDENTITY USING INDEX keyed_ac;"
      "INSERT INTO keyed VALUES (1, 'b1', 'c1', 'd1')");
  const auto changes = SnapshotOf(Needs("public.keyed", {"d"}));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].table->columns, (std::vector<std::string>{"a", "c", "d"}));
  EXPECT_EQ(changes[0].table->key, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(Col(changes[0], "c"), Value::String("c1"));
  EXPECT_EQ(Col(changes[0], "d"), Value::String("d1"));
}

}  // namespace
}  // namespace cdc::pg::testing
