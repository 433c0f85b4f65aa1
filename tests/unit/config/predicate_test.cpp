#include "config/predicate.h"

#include <gtest/gtest.h>

#include <map>

namespace cdc::config {
namespace {

using core::Op;
using core::Value;

class PredicateTest : public ::testing::Test {
 protected:
  bool Eval(const std::string& text, const std::map<std::string, Value>& now, Op op = Op::kInsert,
            const std::map<std::string, Value>& old = {}) {
    ColumnSlots slots;
    auto p = Predicate::Compile(text, slots);
    EXPECT_TRUE(p) << text << ": " << (p ? "" : p.error().message);
    if (!p) return false;
    std::vector<Value> row, old_row;
    std::vector<int> index;
    for (const std::string& name : slots.names()) {
      index.push_back(static_cast<int>(row.size()));
      auto it = now.find(name);
      row.push_back(it == now.end() ? Value::Absent() : it->second);
      auto ot = old.find(name);
      old_row.push_back(ot == old.end() ? Value::Absent() : ot->second);
    }
    if (old.empty()) old_row.clear();
    return p->Evaluate(op, RowView(row, index), RowView(old_row, index));
  }

  TemplateError Error(const std::string& text) {
    ColumnSlots slots;
    auto p = Predicate::Compile(text, slots);
    EXPECT_FALSE(p) << text;
    return p ? TemplateError{} : p.error();
  }
};

TEST_F(PredicateTest, ComparesStrings) {
  EXPECT_TRUE(Eval("status == 'paid'", {{"status", Value::String("paid")}}));
  EXPECT_FALSE(Eval("status == 'paid'", {{"status", Value::String("new")}}));
  EXPECT_TRUE(Eval("status != \"paid\"", {{"status", Value::String("new")}}));
  EXPECT_TRUE(Eval("day >= '2024-01-01'", {{"day", Value::Date("2024-03-01")}}));
  EXPECT_FALSE(Eval("day < '2024-01-01'", {{"day", Value::Date("2024-03-01")}}));
}

TEST_F(PredicateTest, ComparesNumbersNumerically) {
  EXPECT_TRUE(Eval("amount > 9.5", {{"amount", Value::Decimal("10.00")}}));
  EXPECT_TRUE(Eval("amount <= 10", {{"amount", Value::Int(10)}}));
  EXPECT_FALSE(Eval("amount < 10", {{"amount", Value::Double(10.0)}}));
  EXPECT_TRUE(Eval("amount == -3", {{"amount", Value::Int(-3)}}));
  EXPECT_TRUE(Eval("qty > 2", {{"qty", Value::String("10")}}));  // text holding a number
}

TEST_F(PredicateTest, ComparesBooleansIncludingTinyInt) {
  EXPECT_TRUE(Eval("active == true", {{"active", Value::Bool(true)}}));
  EXPECT_TRUE(Eval("active == false", {{"active", Value::Int(0)}}));
  EXPECT_FALSE(Eval("active == true", {{"active", Value::Int(0)}}));
}

TEST_F(PredicateTest, NullHandling) {
  EXPECT_TRUE(Eval("email is null", {{"email", Value::Null()}}));
  EXPECT_FALSE(Eval("email is not null", {{"email", Value::Null()}}));
  EXPECT_TRUE(Eval("email is not null", {{"email", Value::String("a@b.c")}}));
  EXPECT_TRUE(Eval("email == null", {{"email", Value::Null()}}));
  EXPECT_FALSE(Eval("email == 'x'", {{"email", Value::Null()}}));
  EXPECT_TRUE(Eval("email != 'x'", {{"email", Value::Null()}}));
  EXPECT_FALSE(Eval("amount > 1", {{"amount", Value::Null()}}));
}

TEST_F(PredicateTest, AbsentValueSatisfiesNoComparison) {
  EXPECT_FALSE(Eval("status == 'paid'", {}));
  EXPECT_FALSE(Eval("status != 'paid'", {}));
  EXPECT_FALSE(Eval("status is null", {}));
  EXPECT_TRUE(Eval("status is not null", {}));
}

TEST_F(PredicateTest, AndOrNotAndParentheses) {
  const std::map<std::string, Value> row = {{"a", Value::Int(1)}, {"b", Value::Int(2)}};
  EXPECT_TRUE(Eval("a == 1 and b == 2", row));
  EXPECT_FALSE(Eval("a == 1 and b == 3", row));
  EXPECT_TRUE(Eval("a == 5 or b == 2", row));
  EXPECT_TRUE(Eval("not a == 5", row));
  // `and` binds tighter than `or`.
  EXPECT_TRUE(Eval("a == 1 or a == 5 and b == 9", row));
  EXPECT_FALSE(Eval("(a == 1 or a == 5) and b == 9", row));
  EXPECT_TRUE(Eval("not (a == 5 or b == 9)", row));
}

TEST_F(PredicateTest, ChangedIsTrueOnInsertAndSnapshot) {
  EXPECT_TRUE(Eval("changed(status)", {{"status", Value::String("x")}}, Op::kInsert));
  EXPECT_TRUE(Eval("changed(status)", {{"status", Value::String("x")}}, Op::kSnapshot));
}

TEST_F(PredicateTest, ChangedOnUpdateComparesWithTheOldValue) {
  EXPECT_TRUE(Eval("changed(status)", {{"status", Value::String("paid")}}, Op::kUpdate,
                   {{"status", Value::String("new")}}));
  EXPECT_FALSE(Eval("changed(status)", {{"status", Value::String("paid")}}, Op::kUpdate,
                    {{"status", Value::String("paid")}}));
  EXPECT_TRUE(
      Eval("changed(status)", {{"status", Value::Null()}}, Op::kUpdate, {{"status", Value::String("paid")}}));
}

TEST_F(PredicateTest, ChangedIsTrueWhenTheOldValueWasNotDelivered) {
  // No old row at all (default replica identity, key unchanged).
  EXPECT_TRUE(Eval("changed(status)", {{"status", Value::String("paid")}}, Op::kUpdate));
  // An old row without that column.
  EXPECT_TRUE(
      Eval("changed(status)", {{"status", Value::String("paid")}}, Op::kUpdate, {{"other", Value::Int(1)}}));
}

TEST_F(PredicateTest, ChangedIsFalseForAnUnchangedToastedValue) {
  EXPECT_FALSE(Eval("changed(body)", {}, Op::kUpdate, {{"body", Value::String("x")}}));
}

TEST_F(PredicateTest, CompileErrorsPointAtTheProblem) {
  TemplateError e = Error("status = 'paid'");
  EXPECT_EQ(e.offset, 7u);
  EXPECT_EQ(e.message, "use '==' to compare");
  e = Error("lower(status) == 'x'");
  EXPECT_EQ(e.offset, 0u);
  EXPECT_EQ(e.message, "unknown function 'lower' (known: changed)");
  e = Error("(a == 1");
  EXPECT_EQ(e.offset, 0u);
  EXPECT_NE(e.message.find("missing ')'"), std::string::npos);
  e = Error("a == 1 b");
  EXPECT_EQ(e.offset, 7u);
  e = Error("a is nothing");
  EXPECT_EQ(e.offset, 5u);
  e = Error("a == 'open");
  EXPECT_EQ(e.offset, 5u);
  EXPECT_EQ(Error("").message, "empty condition");
}

}  // namespace
}  // namespace cdc::config
