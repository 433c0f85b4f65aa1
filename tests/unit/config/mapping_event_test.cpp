// Event mappings end to end: ids, dates, parameters, _user_data, ops.
#include <gtest/gtest.h>

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

auto OrdersTable() {
  return Table("public", "orders", {"id", "customer_id", "amount", "currency", "created_at", "note"});
}

std::vector<Value> Order(int64_t id, Value created_at = Value::TimestampTz("2024-03-05T10:20:30.123456Z")) {
  return {Value::Int(id),       Value::Int(5),         Value::Decimal("49.90"),
          Value::String("EUR"), std::move(created_at), Value::Null()};
}

const char kPurchase[] =
    "mappings:\n"
    "  - table: orders\n"
    "    event:\n"
    "      type: purchase\n"
    "      user_id: \"{customer_id}\"\n"
    "      date: \"{created_at}\"\n"
    "      parameters:\n"
    "        amount: \"{amount}\"\n"
    "        currency: \"{currency}\"\n"
    "        note: \"{note}\"\n";

TEST(EventMapping, InsertBecomesAnEventWithStringIdsAndTypedParameters) {
  auto c = CompileYaml(kPurchase);
  ASSERT_TRUE(c->mapping) << c->mapping.error().message;
  auto out = ApplyTo(**c->mapping, Change(Op::kInsert, OrdersTable(), Order(7)));
  ASSERT_TRUE(out.failures.empty()) << out.failures[0].error.message;
  ASSERT_EQ(out.records.size(), 1u);
  const core::Record& r = out.records[0];
  EXPECT_EQ(r.kind, RecordKind::kEvent);
  EXPECT_EQ(r.user_id, "5");
  EXPECT_EQ(r.event_id, "shop:public.orders:7");
  EXPECT_EQ(r.json,
            "{\"_user_id\":\"5\",\"_event_id\":\"shop:public.orders:7\",\"_event_type\":\"purchase\","
            "\"_event_date\":\"2024-03-05T10:20:30.123Z\",\"_event_parameters\":{\"amount\":49.90,"
            "\"currency\":\"EUR\",\"note\":null}}");
  EXPECT_EQ(r.event_time_us, 1709634030123000);
}

TEST(EventMapping, SnapshotAndInsertOfTheSameRowShareTheDefaultId) {
  auto c = CompileYaml(kPurchase);
  ASSERT_TRUE(c->mapping);
  auto snap = ApplyTo(**c->mapping, Change(Op::kSnapshot, OrdersTable(), Order(7), {}, 0x100));
  auto ins = ApplyTo(**c->mapping, Change(Op::kInsert, OrdersTable(), Order(7), {}, 0x999));
  ASSERT_EQ(snap.records.size(), 1u);
  ASSERT_EQ(ins.records.size(), 1u);
  EXPECT_EQ(snap.records[0].event_id, "shop:public.orders:7");
  EXPECT_EQ(snap.records[0].json, ins.records[0].json);
}

TEST(EventMapping, UpdateAndDeleteIdsAddOperationAndPosition) {
  auto c = CompileYaml(std::string(kPurchase) + "    ops: [insert, update, delete]\n");
  ASSERT_TRUE(c->mapping) << c->mapping.error().message;
  auto upd = ApplyTo(**c->mapping, Change(Op::kUpdate, OrdersTable(), Order(7)));
  ASSERT_EQ(upd.records.size(), 1u);
  EXPECT_EQ(upd.records[0].event_id, "shop:public.orders:7:update:0/16B3748");
  auto del = ApplyTo(**c->mapping, Change(Op::kDelete, OrdersTable(), {}, Order(7), 0x2000010));
  ASSERT_EQ(del.records.size(), 1u);
  EXPECT_EQ(del.records[0].event_id, "shop:public.orders:7:delete:0/2000010");
  EXPECT_EQ(del.records[0].user_id, "5");  // read from the old row
  // The same change replayed gives the same id.
  auto again = ApplyTo(**c->mapping, Change(Op::kUpdate, OrdersTable(), Order(7)));
  EXPECT_EQ(again.records[0].event_id, upd.records[0].event_id);
}

TEST(EventMapping, MinimalUpdateImageReadsKeyAndIdsFromTheOldRow) {
  auto c = CompileYaml(std::string(kPurchase) + "    ops: [update]\n");
  ASSERT_TRUE(c->mapping);
  std::vector<Value> before(6), after(6);
  before[0] = Value::Int(7);
  before[1] = Value::Int(5);
  before[4] = Value::TimestampTz("2024-03-05T10:20:30Z");
  after[2] = Value::Decimal("10.00");
  auto out = ApplyTo(**c->mapping, Change(Op::kUpdate, OrdersTable(), after, before));
  ASSERT_TRUE(out.failures.empty()) << out.failures[0].error.message;
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].user_id, "5");
  EXPECT_EQ(out.records[0].event_id, "shop:public.orders:7:update:0/16B3748");
  // Parameters are not filled from the old row: absent ones are omitted.
  EXPECT_NE(out.records[0].json.find("\"_event_parameters\":{\"amount\":10.00}"), std::string::npos)
      << out.records[0].json;
  EXPECT_NE(out.records[0].json.find("\"_event_date\":\"2024-03-05T10:20:30.000Z\""), std::string::npos);
}

TEST(EventMapping, MysqlPositionsAppearInUpdateIds) {
  auto c = CompileYaml(std::string(kPurchase) + "    ops: [update]\n");
  ASSERT_TRUE(c->mapping);
  auto change = Change(Op::kUpdate, OrdersTable(), Order(7));
  change.position = core::Position{core::SourceKind::kMysql, (3ull << 32) | 1500, (3ull << 32) | 1234, 2};
  auto out = ApplyTo(**c->mapping, change);
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].event_id, "shop:public.orders:7:update:000003:1234#2");
}

TEST(EventMapping, IdTemplateOverridesTheDefault) {
  auto c = CompileYaml(std::string(kPurchase) + "      id: \"order-{id}\"\n" +
                       "    ops: [snapshot, insert, update]\n");
  ASSERT_TRUE(c->mapping) << c->mapping.error().message;
  auto upd = ApplyTo(**c->mapping, Change(Op::kUpdate, OrdersTable(), Order(7)));
  ASSERT_EQ(upd.records.size(), 1u);
  EXPECT_EQ(upd.records[0].event_id, "order-7");
  EXPECT_NE(upd.records[0].json.find("\"_event_id\":\"order-7\""), std::string::npos);
}

TEST(EventMapping, IdsRenderedInPlaceAreEscapedInTheJsonAndKeptRawInTheRecord) {
  const char kQuoted[] =
      "mappings:\n"
      "  - table: orders\n"
      "    event:\n"
      "      type: \"{{paid}}\"\n"
      "      id: \"o\\\"{note}\"\n"
      "      user_id: \"{currency}\"\n"
      "      date: \"{created_at}\"\n"
      "      parameters: {}\n";
  auto c = CompileYaml(kQuoted);
  ASSERT_TRUE(c->mapping) << c->mapping.error().message;
  auto row = Order(7);
  row[3] = Value::String("a\"b\\c\n");
  row[5] = Value::String("x\ty");
  auto out = ApplyTo(**c->mapping, Change(Op::kInsert, OrdersTable(), row));
  ASSERT_TRUE(out.failures.empty()) << out.failures[0].error.message;
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].user_id, "a\"b\\c\n");
  EXPECT_EQ(out.records[0].event_id, "o\"x\ty");
  EXPECT_EQ(out.records[0].json,
            "{\"_user_id\":\"a\\\"b\\\\c\\n\",\"_event_id\":\"o\\\"x\\ty\",\"_event_type\":\"{paid}\","
            "\"_event_date\":\"2024-03-05T10:20:30.123Z\",\"_event_parameters\":{}}");
}

TEST(EventMapping, TypeFromAColumnIsCheckedBeforeTheIdAndRenderedPerRow) {
  auto c = CompileYaml(std::string(kPurchase) + "      id: \"{note}\"\n");
  ASSERT_TRUE(c->mapping) << c->mapping.error().message;
  auto typed = CompileYaml(
      "mappings:\n"
      "  - table: orders\n"
      "    event:\n"
      "      type: \"{currency}\"\n"
      "      id: \"{note}\"\n"
      "      user_id: \"{customer_id}\"\n"
      "      date: \"{created_at}\"\n");
  ASSERT_TRUE(typed->mapping) << typed->mapping.error().message;
  auto row = Order(7);
  row[3] = Value::Null();  // both the type and the id are NULL: the type is reported
  auto out = ApplyTo(**typed->mapping, Change(Op::kInsert, OrdersTable(), row));
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_NE(out.failures[0].error.message.find("type '{currency}' is NULL"), std::string::npos)
      << out.failures[0].error.message;
  row = Order(7);
  row[5] = Value::String("n1");
  out = ApplyTo(**typed->mapping, Change(Op::kInsert, OrdersTable(), row));
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].json,
            "{\"_user_id\":\"5\",\"_event_id\":\"n1\",\"_event_type\":\"EUR\","
            "\"_event_date\":\"2024-03-05T10:20:30.123Z\",\"_event_parameters\":{}}");
  row[5] = Value::String("");
  out = ApplyTo(**c->mapping, Change(Op::kInsert, OrdersTable(), row));
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_NE(out.failures[0].error.message.find("id '{note}' is empty"), std::string::npos)
      << out.failures[0].error.message;
}

TEST(EventMapping, DefaultOpsAreSnapshotAndInsert) {
  auto c = CompileYaml(kPurchase);
  ASSERT_TRUE(c->mapping);
  EXPECT_TRUE(ApplyTo(**c->mapping, Change(Op::kUpdate, OrdersTable(), Order(7))).records.empty());
  EXPECT_TRUE(ApplyTo(**c->mapping, Change(Op::kDelete, OrdersTable(), {}, Order(7))).records.empty());
  EXPECT_FALSE(c->get()->Tables()[0].needs_deletes);
}

TEST(EventMapping, NaiveTimestampIsTakenAsUtcAndDateAsMidnight) {
  auto c = CompileYaml(kPurchase);
  ASSERT_TRUE(c->mapping);
  auto naive = ApplyTo(**c->mapping,
                       Change(Op::kInsert, OrdersTable(), Order(1, Value::Timestamp("2024-03-05T10:20:30"))));
  ASSERT_EQ(naive.records.size(), 1u);
  EXPECT_NE(naive.records[0].json.find("\"_event_date\":\"2024-03-05T10:20:30.000Z\""), std::string::npos);
  auto day = ApplyTo(**c->mapping, Change(Op::kInsert, OrdersTable(), Order(1, Value::Date("2024-03-05"))));
  ASSERT_EQ(day.records.size(), 1u);
  EXPECT_NE(day.records[0].json.find("\"_event_date\":\"2024-03-05T00:00:00.000Z\""), std::string::npos);
  EXPECT_EQ(day.records[0].event_time_us, 1709596800000000);
}

TEST(EventMapping, WithoutDateTheCommitTimeIsUsed) {
  auto c = CompileYaml(
      "mappings:\n"
      "  - table: orders\n"
      "    ops: [insert]\n"
      "    event: {type: purchase, user_id: \"{customer_id}\"}\n");
  ASSERT_TRUE(c->mapping) << c->mapping.error().message;
  auto out = ApplyTo(**c->mapping, Change(Op::kInsert, OrdersTable(), Order(7)));
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_NE(out.records[0].json.find("\"_event_date\":\"2023-11-14T22:13:20.123Z\""), std::string::npos);
  EXPECT_EQ(out.records[0].event_time_us, 1700000000123000);
  EXPECT_NE(out.records[0].json.find("\"_event_parameters\":{}"), std::string::npos);
}

TEST(EventMapping, NullDateOnStreamingFallsBackToCommitTimeButFailsOnSnapshot) {
  auto c = CompileYaml(kPurchase);
  ASSERT_TRUE(c->mapping);
  auto ins = ApplyTo(**c->mapping, Change(Op::kInsert, OrdersTable(), Order(7, Value::Null())));
  ASSERT_EQ(ins.records.size(), 1u);
  EXPECT_EQ(ins.records[0].event_time_us, 1700000000123000);
  auto snap = ApplyTo(**c->mapping, Change(Op::kSnapshot, OrdersTable(), Order(7, Value::Null())));
  EXPECT_TRUE(snap.records.empty());
  ASSERT_EQ(snap.failures.size(), 1u);
  EXPECT_NE(snap.failures[0].error.message.find("is NULL or missing in a snapshot row"), std::string::npos);
}

TEST(EventMapping, UnparsableDateIsBadData) {
  auto c = CompileYaml(kPurchase);
  ASSERT_TRUE(c->mapping);
  auto out = ApplyTo(**c->mapping, Change(Op::kInsert, OrdersTable(), Order(7, Value::String("soon"))));
  EXPECT_TRUE(out.records.empty());
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_EQ(out.failures[0].error.kind, core::ErrorKind::kBadData);
}

TEST(EventMapping, SnapshotEventsWithoutDateAreACompileError) {
  auto c = CompileYaml(
      "mappings:\n"
      "  - table: orders\n"
      "    event:\n"
      "      type: purchase\n"
      "      user_id: \"{customer_id}\"\n");
  ASSERT_FALSE(c->mapping);
  EXPECT_EQ(c->mapping.error().message,
            c->dir.path() +
                "/cdc.yaml:13:7: mappings[0]: an event that maps snapshot rows needs "
                "'date:' (the row's real date, so history never fires automations), "
                "or set 'ops: [insert]'");
}

TEST(EventMapping, UserDataIsEmbeddedAndAbsentParametersOmitted) {
  auto c = CompileYaml(std::string(kPurchase) +
                       "      user_data:\n"
                       "        _email: \"{currency | lower}@example.com\"\n"
                       "        spent: \"{amount | number}\"\n");
  ASSERT_TRUE(c->mapping) << c->mapping.error().message;
  auto row = Order(7);
  row[3] = Value::Absent();  // currency not delivered
  auto out = ApplyTo(**c->mapping, Change(Op::kInsert, OrdersTable(), row));
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].json,
            "{\"_user_id\":\"5\",\"_event_id\":\"shop:public.orders:7\",\"_event_type\":\"purchase\","
            "\"_event_date\":\"2024-03-05T10:20:30.123Z\",\"_event_parameters\":{\"amount\":49.90,"
            "\"note\":null},\"_user_data\":{\"spent\":49.90}}");
}

TEST(EventMapping, TableWithoutKeyNeedsAnIdTemplate) {
  auto c = CompileYaml(kPurchase);
  ASSERT_TRUE(c->mapping);
  auto keyless =
      Table("public", "orders", {"id", "customer_id", "amount", "currency", "created_at", "note"}, {});
  auto out = ApplyTo(**c->mapping, Change(Op::kInsert, keyless, Order(7)));
  EXPECT_TRUE(out.records.empty());
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_NE(out.failures[0].error.message.find("no primary key"), std::string::npos);
}

TEST(EventMapping, SeveralMappingsOfOneTableApplyInConfigOrder) {
  auto c = CompileYaml(
      "mappings:\n"
      "  - table: orders\n"
      "    contact:\n"
      "      user_id: \"{customer_id}\"\n"
      "      attributes: {last_currency: \"{currency}\"}\n"
      "  - table: orders\n"
      "    ops: [insert]\n"
      "    event: {type: purchase, user_id: \"{customer_id}\"}\n"
      "  - table: orders\n"
      "    ops: [insert]\n"
      "    where: \"amount > 100\"\n"
      "    event: {type: big_purchase, user_id: \"{customer_id}\", id: \"big-{id}\"}\n");
  ASSERT_TRUE(c->mapping) << c->mapping.error().message;
  auto small = ApplyTo(**c->mapping, Change(Op::kInsert, OrdersTable(), Order(7)));
  ASSERT_EQ(small.records.size(), 2u);
  EXPECT_EQ(small.records[0].kind, RecordKind::kContactUpsert);
  EXPECT_EQ(small.records[1].kind, RecordKind::kEvent);
  auto row = Order(8);
  row[2] = Value::Decimal("150.00");
  auto big = ApplyTo(**c->mapping, Change(Op::kInsert, OrdersTable(), row));
  ASSERT_EQ(big.records.size(), 3u);
  EXPECT_EQ(big.records[2].event_id, "big-8");
  EXPECT_NE(big.records[2].json.find("\"_event_type\":\"big_purchase\""), std::string::npos);
  EXPECT_EQ(c->get()->Tables().size(), 1u);
}

TEST(EventMapping, SinkRoutesTheRecords) {
  const std::string head =
      "pipeline: shop\n"
      "source: {kind: postgres, dsn: x}\n"
      "sinks:\n"
      "  - {name: main, url: \"http://127.0.0.1:1\", project: p, datasource: d, token: t}\n"
      "  - {name: audit, kind: jsonl, path: audit.jsonl}\n";
  auto c = CompileYaml(std::string(kPurchase) + "    sink: audit\n", head);
  ASSERT_TRUE(c->mapping) << c->mapping.error().message;
  auto out = ApplyTo(**c->mapping, Change(Op::kInsert, OrdersTable(), Order(7)));
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].destination, "audit");
}

}  // namespace
}  // namespace cdc::config
