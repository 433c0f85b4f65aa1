#include "connectors/postgres/relation_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connectors/postgres/pgoutput_decoder.h"
#include "tests/unit/postgres/pg_fixtures.h"

namespace cdc::pg {
namespace {

class RelationCacheTest : public ::testing::Test {
 protected:
  // Decodes a Relation capture; the bytes are kept alive for the views.
  RelationMessage Load(const std::string& relative) {
    bytes_.push_back(testing::ReadFile(testing::PgoutputDir() + "/" + relative));
    PgoutputDecoder decoder;
    auto m = decoder.Decode(bytes_.back());
    EXPECT_TRUE(m) << relative;
    return std::get<RelationMessage>(*m);
  }

  std::vector<std::string> bytes_;
  TypeResolver types_;
  RelationCache cache_;
};

TEST_F(RelationCacheTest, BuildsTheSchemaFromARelationMessage) {
  const RelationInfo& info = cache_.Apply(Load("postgrex_wal/insert-event2-relation.bin"), types_);
  EXPECT_EQ(info.oid, 22887u);
  EXPECT_EQ(info.replica_identity, 'd');
  const core::TableSchema& s = *info.schema;
  EXPECT_EQ(s.QualifiedName(), "public.users");
  EXPECT_EQ(s.columns, (std::vector<std::string>{"id", "name", "age", "email", "password_digest",
                                                 "salary", "sex"}));
  EXPECT_EQ(s.types, (std::vector<std::string>{"int8", "varchar", "int4", "varchar", "varchar",
                                               "numeric", "bool"}));
  EXPECT_EQ(s.key, (std::vector<size_t>{0}));
  EXPECT_EQ(info.type_oids, (std::vector<uint32_t>{20, 1043, 23, 1043, 1043, 1700, 16}));
  EXPECT_EQ(info.type_modifiers, (std::vector<int32_t>{-1, -1, -1, -1, -1, 393222, -1}));
  EXPECT_GT(s.version, 0u);
  EXPECT_EQ(cache_.Find(22887), &info);
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(RelationCacheTest, EveryRelationMessageReplacesTheEntryWithANewVersion) {
  const auto first = cache_.Apply(Load("captured-pg15-chinook/v1/01-relation.bin"), types_).schema;
  EXPECT_EQ(first->key, (std::vector<size_t>{0}));
  // The same table after ALTER TABLE ... REPLICA IDENTITY FULL.
  const RelationInfo& second =
      cache_.Apply(Load("captured-pg15-chinook/v1/21-relation.bin"), types_);
  EXPECT_EQ(second.replica_identity, 'f');
  EXPECT_EQ(second.schema->key.size(), 13u);
  EXPECT_GT(second.schema->version, first->version);
  EXPECT_NE(second.schema.get(), first.get());
  EXPECT_EQ(cache_.Find(16395)->schema, second.schema);
  // Changes that already hold the old definition keep it unchanged.
  EXPECT_EQ(first->key, (std::vector<size_t>{0}));
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(RelationCacheTest, ReappliedIdenticalDefinitionStillGetsANewVersion) {
  const uint64_t v1 =
      cache_.Apply(Load("postgrex_wal/insert-event2-relation.bin"), types_).schema->version;
  const uint64_t v2 =
      cache_.Apply(Load("postgrex_wal/update-event2-relation.bin"), types_).schema->version;
  EXPECT_GT(v2, v1);
}

TEST_F(RelationCacheTest, ClearForgetsRelationsButVersionsKeepIncreasing) {
  const uint64_t before =
      cache_.Apply(Load("kyleconroy-pgoutput/001.waldata"), types_).schema->version;
  cache_.Clear();
  EXPECT_EQ(cache_.Find(16395), nullptr);
  EXPECT_EQ(cache_.size(), 0u);
  const uint64_t after =
      cache_.Apply(Load("kyleconroy-pgoutput/001.waldata"), types_).schema->version;
  EXPECT_GT(after, before);
}

TEST_F(RelationCacheTest, PrimaryKeyFromTheCatalogReplacesFullIdentityKey) {
  cache_.SetPrimaryKey(16395, {"customer_id"});
  const RelationInfo& info = cache_.Apply(Load("captured-pg15-chinook/v1/21-relation.bin"), types_);
  EXPECT_EQ(info.replica_identity, 'f');
  EXPECT_EQ(info.schema->key, (std::vector<size_t>{0}));
  // The old tuple still carries every column.
  EXPECT_EQ(info.identity, std::vector<bool>(13, true));
}

TEST_F(RelationCacheTest, PrimaryKeyWithAColumnNotSentKeepsTheReplicaIdentity) {
  cache_.SetPrimaryKey(16395, {"customer_id", "not_published"});
  const RelationInfo& info = cache_.Apply(Load("captured-pg15-chinook/v1/21-relation.bin"), types_);
  EXPECT_EQ(info.schema->key.size(), 13u);
}

TEST_F(RelationCacheTest, UnknownOidIsNotFound) { EXPECT_EQ(cache_.Find(12345), nullptr); }

TEST_F(RelationCacheTest, UserTypeNamesComeFromTypeMessages) {
  // kyleconroy 016: Type public.ticket_state, OID 35756.
  bytes_.push_back(testing::ReadFile(testing::PgoutputDir() + "/kyleconroy-pgoutput/016.waldata"));
  PgoutputDecoder decoder;
  auto type = decoder.Decode(bytes_.back());
  ASSERT_TRUE(type);
  const auto& t = std::get<TypeMessage>(*type);
  types_.NoteName(t.oid, std::string(t.namespace_name) + "." + std::string(t.name));

  RelationMessage r;
  r.oid = 40000;
  r.namespace_name = "";
  r.name = "tickets";
  r.columns = {{1, "id", 23, -1}, {0, "state", 35756, -1}};
  const RelationInfo& info = cache_.Apply(r, types_);
  EXPECT_EQ(info.schema->types, (std::vector<std::string>{"int4", "public.ticket_state"}));
  // pgoutput sends an empty namespace for pg_catalog.
  EXPECT_EQ(info.schema->schema, "pg_catalog");
}

}  // namespace
}  // namespace cdc::pg
