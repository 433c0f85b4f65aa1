// Contact mappings end to end: YAML text → CompileMapping → Apply on
// hand-built row changes → exact records.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/metrics/metrics.h"
#include "tests/unit/config/test_support.h"

namespace cdc::config {
namespace {

using core::Op;
using core::RecordKind;
using core::Value;
using testing::ApplyTo;
using testing::Change;
using testing::CompileYaml;
using testing::Table;

const char kCustomers[] =
    "mappings:\n"
    "  - table: public.customers\n"
    "    contact:\n"
    "      user_id: \"{id}\"\n"
    "      attributes:\n"
    "        _email: \"{email | email}\"\n"
    "        _first_name: \"{first_name}\"\n"
    "        _phone_mobile: \"{phone | e164('ES')}\"\n"
    "        plan: \"{plan}\"\n"
    "        score: \"{score}\"\n"
    "        label: \"{first_name} ({plan})\"\n";

auto CustomersTable() {
  return Table("public", "customers", {"id", "email", "first_name", "phone", "plan", "score"});
}

std::vector<Value> Customer(int64_t id, Value first_name = Value::String("Ann"), Value plan = Value::Null()) {
  return {Value::Int(id),        Value::String(" Ann@Example.com"),
          std::move(first_name), Value::String("612 345 678"),
          std::move(plan),       Value::Double(1.5)};
}

TEST(ContactMapping, InsertBecomesAnUpsertWithTypedAttributes) {
  auto c = CompileYaml(kCustomers);
  ASSERT_TRUE(c->mapping) << c->mapping.error().message;
  auto out = ApplyTo(**c->mapping, Change(Op::kInsert, CustomersTable(), Customer(42)));
  ASSERT_TRUE(out.failures.empty()) << out.failures[0].error.message;
  ASSERT_EQ(out.records.size(), 1u);
  const core::Record& r = out.records[0];
  EXPECT_EQ(r.kind, RecordKind::kContactUpsert);
  EXPECT_EQ(r.user_id, "42");
  EXPECT_EQ(r.table, "public.customers");
  EXPECT_EQ(r.destination, "");
  EXPECT_EQ(r.position.change, 0x16B3748u);
  EXPECT_EQ(r.json,
            "{\"_user_id\":\"42\",\"_email\":\"ann@example.com\",\"_first_name\":\"Ann\","
            "\"_phone_mobile\":\"+34612345678\",\"plan\":null,\"score\":1.5,\"label\":\"Ann ()\"}");
}

TEST(ContactMapping, AbsentValueOmitsTheAttributeAndNullClearsIt) {
  auto c = CompileYaml(kCustomers);
  ASSERT_TRUE(c->mapping);
  // first_name not delivered (unchanged TOAST): both attributes reading it are omitted.
  auto out = ApplyTo(**c->mapping,
                     Change(Op::kUpdate, CustomersTable(), Customer(42, Value::Absent(), Value::Null())));
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].json,
            "{\"_user_id\":\"42\",\"_email\":\"ann@example.com\","
            "\"_phone_mobile\":\"+34612345678\",\"plan\":null,\"score\":1.5}");
}

TEST(ContactMapping, UserIdChangeDeletesTheOldContactThenUpsertsTheNew) {
  auto c = CompileYaml(kCustomers);
  ASSERT_TRUE(c->mapping);
  auto out = ApplyTo(**c->mapping, Change(Op::kUpdate, CustomersTable(), Customer(43), Customer(42)));
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.records[0].kind, RecordKind::kContactDelete);
  EXPECT_EQ(out.records[0].user_id, "42");
  EXPECT_EQ(out.records[0].json, "");
  EXPECT_EQ(out.records[1].kind, RecordKind::kContactUpsert);
  EXPECT_EQ(out.records[1].user_id, "43");
  // Marked as one identity change, for a destination that renames instead (Encharge's alias).
  EXPECT_TRUE(out.records[0].renamed);
  EXPECT_EQ(out.records[1].previous_user_id, "42");
}

TEST(ContactMapping, UpsertOnlySkipsTheDeleteOnUserIdChange) {
  auto c = CompileYaml(std::string(kCustomers) + "      on_user_id_change: upsert_only\n");
  ASSERT_TRUE(c->mapping) << c->mapping.error().message;
  auto out = ApplyTo(**c->mapping, Change(Op::kUpdate, CustomersTable(), Customer(43), Customer(42)));
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].kind, RecordKind::kContactUpsert);
  EXPECT_EQ(out.records[0].user_id, "43");
  EXPECT_EQ(out.records[0].previous_user_id, "");
}

TEST(ContactMapping, UpdateWithSameOrUnknownOldUserIdIsOneUpsert) {
  auto c = CompileYaml(kCustomers);
  ASSERT_TRUE(c->mapping);
  auto same = ApplyTo(**c->mapping, Change(Op::kUpdate, CustomersTable(), Customer(42), Customer(42)));
  ASSERT_EQ(same.records.size(), 1u);
  EXPECT_EQ(same.records[0].kind, RecordKind::kContactUpsert);
  auto unknown = ApplyTo(**c->mapping, Change(Op::kUpdate, CustomersTable(), Customer(42)));
  ASSERT_EQ(unknown.records.size(), 1u);
  EXPECT_EQ(unknown.records[0].kind, RecordKind::kContactUpsert);
}

TEST(ContactMapping, MinimalUpdateImageTakesTheUnchangedUserIdFromTheOldRow) {
  auto c = CompileYaml(kCustomers);
  ASSERT_TRUE(c->mapping);
  // MySQL binlog_row_image=MINIMAL: the old image holds the key, the new one
  // only the changed columns.
  std::vector<Value> before(6), after(6);
  before[0] = Value::Int(42);
  after[4] = Value::String("pro");
  auto out = ApplyTo(**c->mapping, Change(Op::kUpdate, CustomersTable(), after, before));
  ASSERT_TRUE(out.failures.empty()) << out.failures[0].error.message;
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].kind, RecordKind::kContactUpsert);
  EXPECT_EQ(out.records[0].json, "{\"_user_id\":\"42\",\"plan\":\"pro\"}");
}

TEST(ContactMapping, DeleteUsesTheOldRowsUserId) {
  auto c = CompileYaml(kCustomers);
  ASSERT_TRUE(c->mapping);
  // A key-only old row, as Postgres sends with the default replica identity.
  std::vector<Value> key_only(6);
  key_only[0] = Value::Int(42);
  auto out = ApplyTo(**c->mapping, Change(Op::kDelete, CustomersTable(), {}, key_only));
  ASSERT_TRUE(out.failures.empty());
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].kind, RecordKind::kContactDelete);
  EXPECT_EQ(out.records[0].user_id, "42");
  EXPECT_EQ(out.records[0].json, "");
}

TEST(ContactMapping, DeleteWithoutTheUserIdColumnIsAFailure) {
  auto c = CompileYaml(
      "mappings:\n"
      "  - table: customers\n"
      "    contact: {user_id: \"{email}\"}\n");
  ASSERT_TRUE(c->mapping);
  std::vector<Value> key_only(6);
  key_only[0] = Value::Int(42);
  auto out = ApplyTo(**c->mapping, Change(Op::kDelete, CustomersTable(), {}, key_only));
  EXPECT_TRUE(out.records.empty());
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_EQ(out.failures[0].error.kind, core::ErrorKind::kBadData);
  EXPECT_EQ(out.failures[0].mapping, "mappings[0] (public.customers contact)");
  EXPECT_EQ(out.failures[0].error.table, "public.customers");
  EXPECT_EQ(out.failures[0].error.position, "0/16B3748");
}

TEST(ContactMapping, OnDeleteIgnoreSendsNothing) {
  auto c = CompileYaml(
      "mappings:\n"
      "  - table: customers\n"
      "    on_delete: ignore\n"
      "    contact: {user_id: \"{id}\"}\n");
  ASSERT_TRUE(c->mapping) << c->mapping.error().message;
  auto out = ApplyTo(**c->mapping, Change(Op::kDelete, CustomersTable(), {}, Customer(42)));
  EXPECT_TRUE(out.records.empty());
  EXPECT_TRUE(out.failures.empty());
  EXPECT_FALSE(c->get()->Tables()[0].needs_deletes);
}

TEST(ContactMapping, OpsListFiltersOperations) {
  auto c = CompileYaml(
      "mappings:\n"
      "  - table: customers\n"
      "    ops: [snapshot, insert]\n"
      "    contact: {user_id: \"{id}\"}\n");
  ASSERT_TRUE(c->mapping);
  EXPECT_EQ(ApplyTo(**c->mapping, Change(Op::kSnapshot, CustomersTable(), Customer(1))).records.size(), 1u);
  EXPECT_EQ(ApplyTo(**c->mapping, Change(Op::kInsert, CustomersTable(), Customer(1))).records.size(), 1u);
  EXPECT_TRUE(ApplyTo(**c->mapping, Change(Op::kUpdate, CustomersTable(), Customer(1))).records.empty());
  EXPECT_TRUE(ApplyTo(**c->mapping, Change(Op::kDelete, CustomersTable(), {}, Customer(1))).records.empty());
}

TEST(ContactMapping, WhereFiltersRowsAndChangedSeesTheOldRow) {
  auto c = CompileYaml(
      "mappings:\n"
      "  - table: customers\n"
      "    where: \"plan == 'pro' and changed(plan)\"\n"
      "    contact: {user_id: \"{id}\"}\n");
  ASSERT_TRUE(c->mapping) << c->mapping.error().message;
  auto pro = [](int id) { return Customer(id, Value::String("A"), Value::String("pro")); };
  auto free = [](int id) { return Customer(id, Value::String("A"), Value::String("free")); };
  EXPECT_EQ(ApplyTo(**c->mapping, Change(Op::kInsert, CustomersTable(), pro(1))).records.size(), 1u);
  EXPECT_TRUE(ApplyTo(**c->mapping, Change(Op::kInsert, CustomersTable(), free(1))).records.empty());
  EXPECT_EQ(ApplyTo(**c->mapping, Change(Op::kUpdate, CustomersTable(), pro(1), free(1))).records.size(), 1u);
  EXPECT_TRUE(ApplyTo(**c->mapping, Change(Op::kUpdate, CustomersTable(), pro(1), pro(1))).records.empty());
  const auto needs = c->get()->Tables();
  ASSERT_EQ(needs.size(), 1u);
  EXPECT_EQ(needs[0].old_columns, (std::vector<std::string>{"plan", "id"}));
}

TEST(ContactMapping, NullOrEmptyUserIdIsAFailureNamingTheMapping) {
  auto c = CompileYaml(kCustomers);
  ASSERT_TRUE(c->mapping);
  auto row = Customer(1);
  row[0] = Value::Null();
  auto out = ApplyTo(**c->mapping, Change(Op::kInsert, CustomersTable(), row));
  EXPECT_TRUE(out.records.empty());
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_EQ(out.failures[0].error.message, "mappings[0] (public.customers contact): user_id '{id}' is NULL");
  row[0] = Value::String("");
  out = ApplyTo(**c->mapping, Change(Op::kInsert, CustomersTable(), row));
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_NE(out.failures[0].error.message.find("is empty"), std::string::npos);
}

TEST(ContactMapping, FilterFailureIsBadDataNamingColumnAndValue) {
  auto c = CompileYaml(kCustomers);
  ASSERT_TRUE(c->mapping);
  auto row = Customer(1);
  row[3] = Value::String("not a phone");
  auto out = ApplyTo(**c->mapping, Change(Op::kInsert, CustomersTable(), row));
  EXPECT_TRUE(out.records.empty());
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_EQ(out.failures[0].error.kind, core::ErrorKind::kBadData);
  EXPECT_EQ(out.failures[0].error.message,
            "mappings[0] (public.customers contact): column 'phone': e164('ES') cannot make a "
            "valid phone number of 'not a phone'");
}

TEST(ContactMapping, ColumnMissingFromTheSchemaFailsNamingTableAndColumn) {
  auto c = CompileYaml(std::string(kCustomers) +
                       "  - table: customers\n"
                       "    contact: {user_id: \"{id}\"}\n");
  ASSERT_TRUE(c->mapping);
  auto narrow = Table("public", "customers", {"id", "email", "first_name", "phone", "score"});
  auto out = ApplyTo(**c->mapping, Change(Op::kInsert, narrow,
                                          {Value::Int(1), Value::String("a@b.c"), Value::String("A"),
                                           Value::String("612345678"), Value::Int(1)}));
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_EQ(out.failures[0].error.message,
            "mappings[0] (public.customers contact): column 'plan' is not in table "
            "public.customers");
  ASSERT_EQ(out.records.size(), 1u);  // the second entry still applies
  EXPECT_EQ(out.records[0].json, "{\"_user_id\":\"1\"}");
  const auto needs = c->get()->Tables();
  ASSERT_EQ(needs.size(), 1u);
  EXPECT_EQ(needs[0].table, "public.customers");
  EXPECT_EQ(needs[0].columns,
            (std::vector<std::string>{"id", "email", "first_name", "phone", "plan", "score"}));
  EXPECT_TRUE(needs[0].needs_deletes);
}

TEST(ContactMapping, NewSchemaVersionIsResolvedAgain) {
  auto c = CompileYaml(
      "mappings:\n"
      "  - table: customers\n"
      "    contact: {user_id: \"{id}\", attributes: {plan: \"{plan}\"}}\n");
  ASSERT_TRUE(c->mapping);
  auto v1 = Table("public", "customers", {"id", "plan"}, {0}, 1);
  auto v2 = Table("public", "customers", {"plan", "extra", "id"}, {2}, 2);
  auto a = ApplyTo(**c->mapping, Change(Op::kInsert, v1, {Value::Int(1), Value::String("p1")}));
  auto b =
      ApplyTo(**c->mapping, Change(Op::kInsert, v2, {Value::String("p2"), Value::Int(0), Value::Int(2)}));
  ASSERT_EQ(a.records.size(), 1u);
  ASSERT_EQ(b.records.size(), 1u);
  EXPECT_EQ(a.records[0].json, "{\"_user_id\":\"1\",\"plan\":\"p1\"}");
  EXPECT_EQ(b.records[0].json, "{\"_user_id\":\"2\",\"plan\":\"p2\"}");
}

TEST(ContactMapping, OtherTablesProduceNothing) {
  auto c = CompileYaml(kCustomers);
  ASSERT_TRUE(c->mapping);
  auto out = ApplyTo(**c->mapping, Change(Op::kInsert, Table("public", "orders", {"id"}), {Value::Int(1)}));
  EXPECT_TRUE(out.records.empty());
  EXPECT_TRUE(out.failures.empty());
}

TEST(ContactMapping, NonFiniteFloatIsSentAsNullAndCounted) {
  core::Metrics metrics;
  testing::TempDir dir;
  auto config = LoadConfig(dir.Write("cdc.yaml", testing::ConfigHead() + kCustomers));
  ASSERT_TRUE(config);
  MappingContext context = MappingContextFor(*config);
  context.metrics = &metrics;
  auto mapping = CompileMapping(*config, context);
  ASSERT_TRUE(mapping);
  auto row = Customer(1);
  row[5] = Value::Double(std::numeric_limits<double>::quiet_NaN());
  auto out = ApplyTo(**mapping, Change(Op::kInsert, CustomersTable(), row));
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_NE(out.records[0].json.find("\"score\":null"), std::string::npos);
  row[5] = Value::Double(std::numeric_limits<double>::infinity());
  ApplyTo(**mapping, Change(Op::kInsert, CustomersTable(), row));
  EXPECT_EQ(static_cast<CompiledMapping&>(**mapping).nonfinite_count(), 2u);
  EXPECT_EQ(metrics.Sum("instasent_cdc_mapping_nonfinite_values_total", {{"pipeline", "shop"}}), 2.0);
}

TEST(ContactMapping, BareTableNeedsASchemaWhenTheSourceNamesNoDatabase) {
  auto c = CompileYaml(
      "mappings:\n"
      "  - table: Customer\n"
      "    contact: {user_id: \"{CustomerId}\"}\n",
      "pipeline: shop\n"
      "source: {kind: mysql, dsn: \"mysql://cdc:pw@127.0.0.1:3306\"}\n"
      "sink: {kind: jsonl, path: \"-\"}\n");
  ASSERT_FALSE(c->mapping);
  EXPECT_EQ(c->mapping.error().message,
            c->dir.path() +
                "/cdc.yaml:5:12: 'table' needs a schema ('db.table'): the source names no "
                "default database");
}

TEST(ContactMapping, CompileErrorsPointIntoTheYaml) {
  // Mappings start on line 10 (after the 9-line head).
  auto bad_filter = CompileYaml(
      "mappings:\n"
      "  - table: customers\n"
      "    contact:\n"
      "      user_id: \"{id | lowercase}\"\n");
  ASSERT_FALSE(bad_filter->mapping);
  const std::string file = bad_filter->dir.path() + "/cdc.yaml";
  EXPECT_EQ(
      bad_filter->mapping.error().message.rfind(file + ":13:23: user_id: unknown filter 'lowercase'", 0), 0u)
      << bad_filter->mapping.error().message;

  auto unclosed = CompileYaml(
      "mappings:\n"
      "  - table: customers\n"
      "    contact:\n"
      "      user_id: {id}\n"
      "      attributes:\n"
      "        name: 'x-{first'\n");
  ASSERT_FALSE(unclosed->mapping);
  // Plain "{id}" is a YAML flow map, not a template: a type error on user_id.
  EXPECT_EQ(unclosed->mapping.error().message,
            unclosed->dir.path() + "/cdc.yaml:13:16: 'user_id' must be a single value, not a map");

  auto brace = CompileYaml(
      "mappings:\n"
      "  - table: customers\n"
      "    contact:\n"
      "      user_id: \"{id}\"\n"
      "      attributes:\n"
      "        name: 'x-{first'\n");
  ASSERT_FALSE(brace->mapping);
  EXPECT_EQ(
      brace->mapping.error().message,
      brace->dir.path() + "/cdc.yaml:15:18: attributes.name: unclosed '{' (write '{{' for a literal brace)");

  auto unknown_key = CompileYaml(
      "mappings:\n"
      "  - table: customers\n"
      "    contact:\n"
      "      user_id: \"{id}\"\n"
      "      atributes: {}\n");
  ASSERT_FALSE(unknown_key->mapping);
  EXPECT_EQ(unknown_key->mapping.error().message.rfind(
                unknown_key->dir.path() + "/cdc.yaml:14:7: unknown key 'atributes' in contact", 0),
            0u)
      << unknown_key->mapping.error().message;

  auto bad_where = CompileYaml(
      "mappings:\n"
      "  - table: customers\n"
      "    where: plan = 'pro'\n"
      "    contact: {user_id: \"{id}\"}\n");
  ASSERT_FALSE(bad_where->mapping);
  EXPECT_EQ(bad_where->mapping.error().message,
            bad_where->dir.path() + "/cdc.yaml:12:17: where: use '==' to compare");

  auto bad_ops = CompileYaml(
      "mappings:\n"
      "  - table: customers\n"
      "    ops: [insert, upsert]\n"
      "    contact: {user_id: \"{id}\"}\n");
  ASSERT_FALSE(bad_ops->mapping);
  EXPECT_EQ(bad_ops->mapping.error().message,
            bad_ops->dir.path() +
                "/cdc.yaml:12:19: 'ops' must be one of snapshot, insert, update, delete, got "
                "'upsert'");

  auto bad_sink = CompileYaml(
      "mappings:\n"
      "  - table: customers\n"
      "    sink: archive\n"
      "    contact: {user_id: \"{id}\"}\n");
  ASSERT_FALSE(bad_sink->mapping);
  EXPECT_EQ(bad_sink->mapping.error().message,
            bad_sink->dir.path() + "/cdc.yaml:12:11: no sink named 'archive'");

  auto reserved = CompileYaml(
      "mappings:\n"
      "  - table: customers\n"
      "    contact: {user_id: \"{id}\", attributes: {_user_id: \"{email}\"}}\n");
  ASSERT_FALSE(reserved->mapping);
  EXPECT_NE(reserved->mapping.error().message.find("'_user_id' is set from 'user_id:'"), std::string::npos);
}

}  // namespace
}  // namespace cdc::config
