// validate's checks without servers: the mapping outline's places, typo
// suggestions, type fit against spec data types, and the findings for a
// mapping checked against given specs and live columns.
#include <gtest/gtest.h>

#include "config/mapping_outline.h"
#include "core/cli/live_tables.h"
#include "core/cli/validate_columns.h"
#include "core/cli/validate_specs.h"
#include "tests/unit/config/test_support.h"

namespace cdc::cli {
namespace {

using config::testing::TempDir;
using core::ValueKind;

const char kConfig[] =
    "pipeline: shop\n"                         // 1
    "source:\n"                                // 2
    "  kind: postgres\n"                       // 3
    "  dsn: host=127.0.0.1\n"                  // 4
    "sink:\n"                                  // 5
    "  url: http://127.0.0.1:1\n"              // 6
    "  project: p\n"                           // 7
    "  datasource: d\n"                        // 8
    "  token: t\n"                             // 9
    "mappings:\n"                              // 10
    "  - table: customers\n"                   // 11
    "    where: \"status == 'x'\"\n"           // 12
    "    contact:\n"                           // 13
    "      user_id: \"{id}\"\n"                // 14
    "      attributes:\n"                      // 15
    "        _frist_name: \"{first_name}\"\n"  // 16
    "        vip: \"{vip}\"\n"                 // 17
    "        signup_date: \"{created_at}\"\n"  // 18
    "        plan: \"{plan | lower}\"\n"       // 19
    "  - table: orders\n"                      // 20
    "    ops: [insert]\n"                      // 21
    "    event:\n"                             // 22
    "      type: purchase\n"                   // 23
    "      user_id: \"{customer_id}\"\n"       // 24
    "      parameters:\n"                      // 25
    "        amount: \"{amount | int}\"\n"     // 26
    "        curency: \"{currency}\"\n"        // 27
    "  - table: orders\n"                      // 28
    "    ops: [insert]\n"                      // 29
    "    event:\n"                             // 30
    "      type: purchse\n"                    // 31
    "      user_id: \"{customer_id}\"\n";      // 32

struct Loaded {
  TempDir dir;
  std::string file;
  std::vector<config::EntryOutline> outline;
};

std::unique_ptr<Loaded> Outline() {
  auto l = std::make_unique<Loaded>();
  l->file = l->dir.Write("cdc.yaml", kConfig);
  auto config = config::LoadConfig(l->file);
  EXPECT_TRUE(config) << config.error().message;
  auto outline = config::OutlineMapping(*config, config::MappingContextFor(*config));
  EXPECT_TRUE(outline) << outline.error().message;
  l->outline = std::move(*outline);
  return l;
}

sink::DatasourceSpecs Specs() {
  sink::DatasourceSpecs s;
  s.attributes_known = s.events_known = true;
  s.attributes = {{"_first_name", "string"},
                  {"_email", "string"},
                  {"vip", "bool"},
                  {"signup_date", "date"},
                  {"plan", "string"}};
  sink::EventTypeSpec purchase{"purchase", {{"amount", "number", true}, {"currency", "string", true}}, true};
  s.events = {purchase, {"viewed_product", {}, true}};
  return s;
}

LiveTables Live() {
  LiveTables live;
  live.tables = {{"public.customers",
                  true,
                  {{"id", "integer", ValueKind::kInt},
                   {"first_name", "text", ValueKind::kString},
                   {"vip", "smallint", ValueKind::kInt},
                   {"created_at", "timestamp with time zone", ValueKind::kTimestampTz},
                   {"plan", "text", ValueKind::kString},
                   {"status", "text", ValueKind::kString}}},
                 {"public.orders",
                  true,
                  {{"id", "integer", ValueKind::kInt},
                   {"customer_id", "integer", ValueKind::kInt},
                   {"amount", "numeric(10,2)", ValueKind::kDecimal}}}};
  return live;
}

bool HasLine(const std::vector<std::string>& lines, const std::string& prefix, const std::string& part) {
  for (const auto& l : lines) {
    if (l.starts_with(prefix) && l.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(NearestName, SuggestsTheCloseTypoAndNothingForUnrelatedNames) {
  EXPECT_EQ(NearestName("_frist_name", {"_email", "_first_name", "_last_name"}), "_first_name");
  EXPECT_EQ(NearestName("curency", {"amount", "currency"}), "currency");
  EXPECT_EQ(NearestName("Plan", {"plan"}), "plan");
  EXPECT_EQ(NearestName("loyalty_points", {"_email", "plan", "vip"}), "");
}

TEST(Findings, SortByPlaceOrdersLocatedLinesByLineAndColumnAfterUnlocatedOnes) {
  Findings f;
  f.Problem("cdc.yaml:12:3", "c");
  f.Problem("", "source");
  f.Problem("cdc.yaml:9:14", "b");
  f.Problem("cdc.yaml:9:2", "a");
  f.SortByPlace("cdc.yaml");
  EXPECT_EQ(f.problems,
            (std::vector<std::string>{"source", "cdc.yaml:9:2: a", "cdc.yaml:9:14: b", "cdc.yaml:12:3: c"}));
}

TEST(DatasourceSpecs, ParsesBothListShapesAndBothReadOnlySpellings) {
  auto attrs = sink::ParseAttributeSpecs(
      R"({"specs":[{"uid":"_email","dataType":"string"},{"uid":"tags","dataType":"string","multivalue":3,)"
      R"("readonly":true,"custom":true},{"dataType":"string"}]})");
  ASSERT_TRUE(attrs) << attrs.error().message;
  ASSERT_EQ(attrs->size(), 2u);  // an item without uid is skipped
  EXPECT_EQ((*attrs)[1].multivalue, 3);
  EXPECT_TRUE((*attrs)[1].read_only);
  EXPECT_TRUE((*attrs)[1].custom);
  auto params = sink::ParseEventParameterSpecs(
      R"({"entities":[{"parameter":"amount","dataType":"number","required":true,"multiValue":1}]})");
  ASSERT_TRUE(params) << params.error().message;
  ASSERT_EQ(params->size(), 1u);
  EXPECT_TRUE((*params)[0].required);
  auto events = sink::ParseEventSpecs(R"({"specs":[{"uid":"purchase","readOnly":false}]})");
  ASSERT_TRUE(events);
  EXPECT_EQ((*events)[0].uid, "purchase");
  EXPECT_FALSE(sink::ParseEventSpecs(R"({"message":"Not found"})"));
  EXPECT_FALSE(sink::ParseEventSpecs("<html>"));
}

TEST(LiveTypes, DeclaredTypesMapToTheKindsTheSourcesDecode) {
  EXPECT_EQ(PostgresTypeKind(16, "boolean"), ValueKind::kBool);
  EXPECT_EQ(PostgresTypeKind(1700, "numeric(10,2)"), ValueKind::kDecimal);
  EXPECT_EQ(PostgresTypeKind(1184, "timestamp with time zone"), ValueKind::kTimestampTz);
  EXPECT_EQ(PostgresTypeKind(1007, "integer[]"), ValueKind::kJson);
  EXPECT_EQ(PostgresTypeKind(99999, "mood"), ValueKind::kAbsent);  // an enum: not judged
  EXPECT_EQ(MysqlTypeKind("tinyint"), ValueKind::kInt);
  EXPECT_EQ(MysqlTypeKind("DATETIME"), ValueKind::kTimestamp);
  EXPECT_EQ(MysqlTypeKind("timestamp"), ValueKind::kTimestampTz);
  EXPECT_EQ(MysqlTypeKind("longtext"), ValueKind::kString);
  EXPECT_EQ(MysqlTypeKind("varbinary"), ValueKind::kBytes);
}

TEST(TypeMismatch, FlagsWhatTheSpecRejectsAndLeavesTheUnknowableAlone) {
  EXPECT_NE(TypeMismatch("vip", "bool", 1, ValueKind::kInt, "vip").find("| string"), std::string::npos);
  EXPECT_NE(TypeMismatch("signup", "date", 1, ValueKind::kTimestampTz, "c").find("date('%Y-%m-%d')"),
            std::string::npos);
  EXPECT_NE(TypeMismatch("amount", "number", 1, ValueKind::kDate, "c"), "");
  EXPECT_NE(TypeMismatch("_phone_mobile", "string", 1, ValueKind::kInt, "c").find("e164"), std::string::npos);
  EXPECT_NE(TypeMismatch("plan", "string", 1, ValueKind::kJson, "c"), "");
  EXPECT_EQ(TypeMismatch("interests", "string", 5, ValueKind::kJson, "c"), "");
  EXPECT_EQ(TypeMismatch("amount", "number", 1, ValueKind::kString, "c"), "");  // numeric text may fit
  EXPECT_EQ(TypeMismatch("items", "payload", 1, ValueKind::kJson, "c"), "");
  EXPECT_EQ(TypeMismatch("x", "mystery", 1, ValueKind::kBool, "c"), "");
  EXPECT_EQ(TypeMismatch("vip", "bool", 1, ValueKind::kAbsent, "c"), "");
}

TEST(MappingOutline, RecordsEachTemplatesPlaceColumnsAndResultType) {
  auto l = Outline();
  ASSERT_EQ(l->outline.size(), 3u);
  const auto& contact = l->outline[0];
  EXPECT_EQ(contact.table, "public.customers");
  EXPECT_EQ(contact.sink, "default");
  EXPECT_TRUE(contact.contact);
  EXPECT_EQ(contact.table_where, l->file + ":11:12");
  ASSERT_EQ(contact.fields.size(), 6u);
  EXPECT_EQ(contact.fields[0].role, config::FieldRole::kWhere);
  EXPECT_EQ(contact.fields[0].columns, std::vector<std::string>{"status"});
  const auto& frist = contact.fields[2];
  EXPECT_EQ(frist.name, "_frist_name");
  EXPECT_EQ(frist.name_where, l->file + ":16:9");
  EXPECT_EQ(frist.where, l->file + ":16:22");
  EXPECT_TRUE(frist.typed);
  EXPECT_EQ(frist.result, ValueKind::kAbsent);
  EXPECT_EQ(contact.fields[5].result, ValueKind::kString);  // lower
  const auto& purchase = l->outline[1];
  EXPECT_EQ(purchase.fields_where, l->file + ":26:9");
  EXPECT_TRUE(purchase.fields[0].constant);
  EXPECT_EQ(purchase.fields[0].text, "purchase");
  EXPECT_EQ(purchase.fields[2].result, ValueKind::kInt);
}

TEST(CheckAgainstSpecs, ReportsTyposUnknownTypesMissingParametersAndTypesAtTheirLines) {
  auto l = Outline();
  const LiveTables live = Live();
  Findings f;
  CheckAgainstSpecs(l->outline, "default", "d", Specs(), &live, f);
  const std::string at = l->file + ":";
  EXPECT_TRUE(HasLine(f.problems, at + "16:9: ", "did you mean '_first_name'"))
      << ::testing::PrintToString(f.problems);
  EXPECT_TRUE(HasLine(f.problems, at + "17:14: ", "| string"));
  EXPECT_TRUE(HasLine(f.problems, at + "18:22: ", "date('%Y-%m-%d')"));
  EXPECT_TRUE(HasLine(f.problems, at + "26:9: ", "requires parameter 'currency'"));
  EXPECT_TRUE(HasLine(f.problems, at + "27:9: ", "did you mean 'currency'"));
  EXPECT_TRUE(HasLine(f.problems, at + "31:13: ", "event type 'purchse' does not exist"));
  EXPECT_EQ(f.problems.size(), 6u) << ::testing::PrintToString(f.problems);
}

TEST(CheckMappedColumns, ReportsAnEventDateColumnThatCannotHoldADate) {
  TempDir dir;
  const std::string file = dir.Write("cdc.yaml", config::testing::ConfigHead() +
                                                     "mappings:\n"
                                                     "  - table: orders\n"
                                                     "    event:\n"
                                                     "      type: purchase\n"
                                                     "      user_id: \"{id}\"\n"
                                                     "      date: \"{paid}\"\n");
  auto config = config::LoadConfig(file);
  ASSERT_TRUE(config) << config.error().message;
  auto outline = config::OutlineMapping(*config, config::MappingContextFor(*config));
  ASSERT_TRUE(outline) << outline.error().message;
  LiveTables live;
  live.tables = {
      {"public.orders", true, {{"id", "integer", ValueKind::kInt}, {"paid", "boolean", ValueKind::kBool}}}};
  Findings f;
  CheckMappedColumns(*outline, live, f);
  ASSERT_EQ(f.problems.size(), 1u);
  EXPECT_TRUE(HasLine(f.problems, file + ":15:13: ", "cannot be an event date"));
  live.tables[0].columns[1] = {"paid", "timestamp with time zone", ValueKind::kTimestampTz};
  Findings ok;
  CheckMappedColumns(*outline, live, ok);
  EXPECT_TRUE(ok.problems.empty());
}

TEST(CheckMappedColumns, ReportsAMissingColumnAtEachTemplateThatReadsIt) {
  auto l = Outline();
  LiveTables live = Live();
  live.tables[1].columns.pop_back();  // orders.amount is gone
  live.tables.push_back({"public.ghosts", false, {}});
  Findings f;
  CheckMappedColumns(l->outline, live, f);
  // currency is missing too: it was never in the live table.
  EXPECT_TRUE(HasLine(f.problems, l->file + ":26:17: ", "has no column amount"));
  EXPECT_TRUE(HasLine(f.problems, l->file + ":27:18: ", "has no column currency"));
  EXPECT_EQ(f.problems.size(), 2u) << ::testing::PrintToString(f.problems);

  auto needs = PresentNeeds(
      {{"public.orders", {"id", "amount"}, {"amount"}, false}, {"public.ghosts", {"id"}, {}, false}}, live);
  ASSERT_EQ(needs.size(), 1u);
  EXPECT_EQ(needs[0].columns, std::vector<std::string>{"id"});
  EXPECT_TRUE(needs[0].old_columns.empty());
}

}  // namespace
}  // namespace cdc::cli
