// The pure prerequisite checks over catalog descriptions (no server needed).
#include "connectors/postgres/postgres_checks.h"

#include <gtest/gtest.h>

namespace cdc::pg {
namespace {

TableDescription Table(const std::string& name, char identity,
                       std::vector<std::pair<std::string, bool>> columns) {
  TableDescription t;
  t.schema = "public";
  t.name = name;
  t.exists = true;
  t.replica_identity = identity;
  for (auto& [column, in_identity] : columns) {
    t.columns.push_back(ColumnDescription{column, 23, "integer", in_identity || identity == 'f'});
    t.has_identity_key = t.has_identity_key || in_identity;
  }
  return t;
}

TEST(PostgresChecks, BareTableNamesAreInPublic) {
  EXPECT_EQ(SplitTableName("orders"), (std::pair<std::string, std::string>{"public", "orders"}));
  EXPECT_EQ(SplitTableName("shop.orders"), (std::pair<std::string, std::string>{"shop", "orders"}));
}

TEST(PostgresChecks, IdentityIndexProvidesItsColumnsOnly) {
  auto t = Table("orders", 'i', {{"id", false}, {"code", true}, {"status", false}});
  core::Mapping::TableNeeds ok{"public.orders", {"id", "code"}, {"code"}, true};
  EXPECT_TRUE(CheckTables({ok}, {t}).empty());
  core::Mapping::TableNeeds needs_status{"public.orders", {"status"}, {"status"}, false};
  auto problems = CheckTables({needs_status}, {t});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("USING INDEX only provides code"), std::string::npos) << problems[0];
}

TEST(PostgresChecks, FullIdentityProvidesEveryOldColumn) {
  auto t = Table("orders", 'f', {{"id", false}, {"status", false}});
  core::Mapping::TableNeeds needs{"public.orders", {"id", "status"}, {"status"}, true};
  EXPECT_TRUE(CheckTables({needs}, {t}).empty());
}

TEST(PostgresChecks, ReplicaIdentityNothingIsReported) {
  auto t = Table("log", 'n', {{"id", false}});
  auto problems = CheckTables({{"public.log", {"id"}, {}, false}}, {t});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("REPLICA IDENTITY FULL"), std::string::npos);
}

TEST(PostgresChecks, PublicationMustPublishTheOperationsTheMappingUses) {
  PublicationDescription pub;
  pub.exists = true;
  pub.publishes_insert = true;
  pub.publishes_update = true;
  pub.publishes_delete = false;
  pub.tables = {"public.orders"};
  core::Mapping::TableNeeds inserts_only{"public.orders", {"id"}, {}, false};
  EXPECT_TRUE(CheckPublication("p", pub, {inserts_only}).empty()) << "deletes not needed";
  core::Mapping::TableNeeds deletes{"public.orders", {"id"}, {"id"}, true};
  auto problems = CheckPublication("p", pub, {deletes});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("does not publish delete"), std::string::npos) << problems[0];
}

TEST(PostgresChecks, MissingPublicationIsNotAProblemItIsCreated) {
  EXPECT_TRUE(CheckPublication("p", PublicationDescription{}, {{"public.orders", {"id"}, {}, true}}).empty());
}

}  // namespace
}  // namespace cdc::pg
