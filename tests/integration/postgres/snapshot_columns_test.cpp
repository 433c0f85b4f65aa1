// Snapshot::ColumnsToRead over catalog descriptions (no server needed): which
// columns a snapshot COPYs for the mappings' needs.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "connectors/postgres/snapshot.h"

namespace cdc::pg {
namespace {

using Needs = core::Mapping::TableNeeds;

TableDescription Table(std::vector<std::string> names, std::vector<std::string> primary_key,
                       std::vector<std::string> identity = {}) {
  TableDescription t;
  t.schema = "public";
  t.name = "t";
  t.exists = true;
  for (auto& name : names) {
    const bool in_identity = std::find(identity.begin(), identity.end(), name) != identity.end() ||
                             std::find(primary_key.begin(), primary_key.end(), name) != primary_key.end();
    t.columns.push_back(ColumnDescription{name, 23, "integer", in_identity});
  }
  t.primary_key = std::move(primary_key);
  return t;
}

std::vector<std::string> Names(const TableDescription& t) {
  std::vector<std::string> out;
  for (const auto& c : t.columns) out.push_back(c.name);
  return out;
}

using V = std::vector<std::string>;

TEST(SnapshotColumnsToRead, MappedColumnsPlusTheKeyInTableOrder) {
  auto t = Table({"a", "id", "b", "c", "d"}, {"id"});
  EXPECT_EQ(Names(Snapshot::ColumnsToRead(t, {Needs{"public.t", {"d", "b"}, {}, false}})),
            (V{"id", "b", "d"}));
}

TEST(SnapshotColumnsToRead, EveryMappingOfTheTableCountsAndOtherTablesDoNot) {
  auto t = Table({"a", "id", "b", "c", "d"}, {"id"});
  const std::vector<Needs> needs = {Needs{"public.t", {"a"}, {}, false},
                                    Needs{"public.other", {"c"}, {}, false},
                                    Needs{"t", {"d"}, {"b"}, true}};  // a bare name is in public
  EXPECT_EQ(Names(Snapshot::ColumnsToRead(t, needs)), (V{"a", "id", "b", "d"}));
}

TEST(SnapshotColumnsToRead, NeedsListingNoColumnReadEveryColumn) {
  auto t = Table({"a", "id", "b"}, {"id"});
  const std::vector<Needs> needs = {Needs{"public.t", {"a"}, {}, false}, Needs{"public.t", {}, {}, false}};
  EXPECT_EQ(Names(Snapshot::ColumnsToRead(t, needs)), (V{"a", "id", "b"}));
}

TEST(SnapshotColumnsToRead, NoNeedsForTheTableReadEveryColumn) {
  auto t = Table({"a", "id", "b"}, {"id"});
  EXPECT_EQ(Names(Snapshot::ColumnsToRead(t, {Needs{"public.other", {"x"}, {}, false}})),
            (V{"a", "id", "b"}));
}

TEST(SnapshotColumnsToRead, ReplicaIdentityIsTheKeyWithoutAPrimaryKey) {
  auto t = Table({"a", "b", "c", "d"}, {}, {"c", "a"});
  auto read = Snapshot::ColumnsToRead(t, {Needs{"public.t", {"d"}, {}, false}});
  EXPECT_EQ(Names(read), (V{"a", "c", "d"}));
  TypeResolver types;
  EXPECT_EQ(Snapshot::SchemaFor(read, types, 1)->key, (std::vector<size_t>{0, 1}));
}

TEST(SnapshotColumnsToRead, PrimaryKeyIsTheKeyUnderReplicaIdentityFull) {
  // FULL marks every column as identity; the key (and what is read) stays the primary key.
  auto t = Table({"a", "id", "b"}, {"id"}, {"a", "id", "b"});
  auto read = Snapshot::ColumnsToRead(t, {Needs{"public.t", {"b"}, {}, false}});
  EXPECT_EQ(Names(read), (V{"id", "b"}));
  TypeResolver types;
  EXPECT_EQ(Snapshot::SchemaFor(read, types, 1)->key, (std::vector<size_t>{0}));
}

TEST(SnapshotColumnsToRead, NothingToReadReadsEveryColumnRatherThanNoRows) {
  auto t = Table({"a", "b"}, {});
  EXPECT_EQ(Names(Snapshot::ColumnsToRead(t, {Needs{"public.t", {"missing"}, {}, false}})), (V{"a", "b"}));
}

}  // namespace
}  // namespace cdc::pg
