#include "config/template.h"

#include <gtest/gtest.h>

#include <map>

namespace cdc::config {
namespace {

using core::Value;
using core::ValueKind;

// Compiles `text` against columns id, name, email, amount, note (slots in
// order of first use are bound to these row indices by name).
class TemplateTest : public ::testing::Test {
 protected:
  Template Compile(const std::string& text) {
    auto t = Template::Compile(text, slots_);
    EXPECT_TRUE(t) << text << ": " << (t ? "" : t.error().message);
    return t ? std::move(*t) : Template();
  }

  TemplateError CompileError(const std::string& text) {
    auto t = Template::Compile(text, slots_);
    EXPECT_FALSE(t) << text;
    return t ? TemplateError{} : t.error();
  }

  // Renders with row values given by column name.
  Value Render(const Template& t, const std::map<std::string, Value>& values) {
    std::vector<Value> row;
    std::vector<int> index;
    for (const std::string& name : slots_.names()) {
      auto it = values.find(name);
      index.push_back(static_cast<int>(row.size()));
      row.push_back(it == values.end() ? Value::Absent() : it->second);
    }
    Value scratch;
    auto v = t.Evaluate(RowView(row, index), scratch);
    EXPECT_TRUE(v) << (v ? "" : v.error().message);
    return v ? **v : Value::Absent();
  }

  // Renders with AppendText after a prefix; returns the kind and the text after it.
  std::pair<ValueKind, std::string> RenderText(const Template& t, const std::map<std::string, Value>& values) {
    std::vector<Value> row;
    std::vector<int> index;
    for (const std::string& name : slots_.names()) {
      auto it = values.find(name);
      index.push_back(static_cast<int>(row.size()));
      row.push_back(it == values.end() ? Value::Absent() : it->second);
    }
    Value scratch;
    std::string out = "prefix:";
    auto kind = t.AppendText(RowView(row, index), out, scratch);
    EXPECT_TRUE(kind) << (kind ? "" : kind.error().message);
    EXPECT_EQ(out.substr(0, 7), "prefix:");
    return {kind ? *kind : ValueKind::kAbsent, out.substr(7)};
  }

  ColumnSlots slots_;
};

TEST_F(TemplateTest, SinglePlaceholderKeepsTheValueType) {
  Template t = Compile("{id}");
  EXPECT_TRUE(t.typed());
  EXPECT_EQ(Render(t, {{"id", Value::Int(42)}}), Value::Int(42));
  EXPECT_EQ(Render(t, {{"id", Value::Decimal("12.50")}}), Value::Decimal("12.50"));
  EXPECT_EQ(Render(t, {{"id", Value::Bool(true)}}), Value::Bool(true));
  EXPECT_EQ(Render(t, {{"id", Value::Null()}}), Value::Null());
  EXPECT_TRUE(Render(t, {}).is_absent());
}

TEST_F(TemplateTest, SpacesInsideThePlaceholderAreAllowed) {
  Template t = Compile("{ id  |  string }");
  EXPECT_TRUE(t.typed());
  EXPECT_EQ(Render(t, {{"id", Value::Int(7)}}), Value::String("7"));
}

TEST_F(TemplateTest, TextAroundPlaceholdersYieldsAString) {
  Template t = Compile("order-{id}/{name}");
  EXPECT_FALSE(t.typed());
  EXPECT_EQ(Render(t, {{"id", Value::Int(42)}, {"name", Value::String("x")}}), Value::String("order-42/x"));
}

TEST_F(TemplateTest, NullRendersEmptyInsideText) {
  Template t = Compile("a-{id}-b");
  EXPECT_EQ(Render(t, {{"id", Value::Null()}}), Value::String("a--b"));
}

TEST_F(TemplateTest, AbsentValueMakesATextTemplateAbsent) {
  Template t = Compile("{id}:{name}");
  EXPECT_TRUE(Render(t, {{"id", Value::Int(1)}}).is_absent());
}

TEST_F(TemplateTest, AppendTextRendersLikeEvaluateAndTellsAbsentAndNullApart) {
  Template typed = Compile("{id}");
  Template text = Compile("order-{id}/{name | upper}");
  Template constant = Compile("purchase");
  using Result = std::pair<ValueKind, std::string>;
  EXPECT_EQ(RenderText(typed, {{"id", Value::Int(42)}}), Result(ValueKind::kInt, "42"));
  EXPECT_EQ(RenderText(typed, {{"id", Value::Null()}}), Result(ValueKind::kNull, ""));
  EXPECT_EQ(RenderText(typed, {}), Result(ValueKind::kAbsent, ""));
  EXPECT_EQ(RenderText(text, {{"id", Value::Int(7)}, {"name", Value::String("ab")}}),
            Result(ValueKind::kString, "order-7/AB"));
  EXPECT_EQ(RenderText(text, {{"id", Value::Null()}, {"name", Value::String("x")}}),
            Result(ValueKind::kString, "order-/X"));
  // An absent placeholder leaves nothing behind, not a half-rendered prefix.
  EXPECT_EQ(RenderText(text, {{"id", Value::Int(7)}}), Result(ValueKind::kAbsent, ""));
  EXPECT_EQ(RenderText(constant, {}), Result(ValueKind::kString, "purchase"));
}

TEST_F(TemplateTest, LiteralOnlyTemplateIsConstantText) {
  Template t = Compile("purchase");
  EXPECT_FALSE(t.typed());
  EXPECT_TRUE(t.Slots().empty());
  EXPECT_EQ(Render(t, {}), Value::String("purchase"));
}

TEST_F(TemplateTest, DoubledBracesAreLiteralBraces) {
  Template t = Compile("{{x}} {id} }}{{");
  EXPECT_EQ(Render(t, {{"id", Value::Int(3)}}), Value::String("{x} 3 }{"));
}

TEST_F(TemplateTest, FiltersChainLeftToRight) {
  Template t = Compile("{email | trim | upper}");
  EXPECT_EQ(Render(t, {{"email", Value::String("  a@b.c ")}}), Value::String("A@B.C"));
}

TEST_F(TemplateTest, FilterFailureNamesTheColumn) {
  Template t = Compile("{amount | int}");
  std::vector<Value> row = {Value::String("12.5x")};
  std::vector<int> index = {0};
  Value scratch;
  auto v = t.Evaluate(RowView(row, index), scratch);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().kind, core::ErrorKind::kBadData);
  EXPECT_EQ(v.error().message, "column 'amount': int cannot convert to an integer '12.5x'");
}

TEST_F(TemplateTest, UnclosedBraceIsReportedAtTheBrace) {
  TemplateError e = CompileError("order-{id");
  EXPECT_EQ(e.offset, 6u);
  EXPECT_EQ(e.message, "unclosed '{' (write '{{' for a literal brace)");
}

TEST_F(TemplateTest, StrayClosingBraceIsReported) {
  TemplateError e = CompileError("a}b");
  EXPECT_EQ(e.offset, 1u);
  EXPECT_NE(e.message.find("unmatched '}'"), std::string::npos);
}

TEST_F(TemplateTest, UnknownFilterIsReportedAtItsName) {
  TemplateError e = CompileError("{email | lowercase}");
  EXPECT_EQ(e.offset, 9u);
  EXPECT_EQ(e.message.rfind("unknown filter 'lowercase'", 0), 0u) << e.message;
}

TEST_F(TemplateTest, FunctionCallSyntaxIsAnUnknownFunction) {
  TemplateError e = CompileError("{lower(email)}");
  EXPECT_EQ(e.offset, 1u);
  EXPECT_EQ(e.message.rfind("unknown function 'lower'", 0), 0u) << e.message;
}

TEST_F(TemplateTest, WrongFilterArgumentsAreCompileErrors) {
  EXPECT_NE(CompileError("{p | e164}").message.find("takes 1 argument"), std::string::npos);
  EXPECT_NE(CompileError("{p | e164('XX')}").message.find("unknown region"), std::string::npos);
  EXPECT_NE(CompileError("{p | lower('a')}").message.find("takes 0 arguments"), std::string::npos);
  EXPECT_NE(CompileError("{p | date(5)}").message.find("quoted format"), std::string::npos);
  EXPECT_NE(CompileError("{}").message.find("empty placeholder"), std::string::npos);
  EXPECT_NE(CompileError("{p | default('x'}").message.find("expected ',' or ')'"), std::string::npos);
}

TEST_F(TemplateTest, QuotedArgumentsMayHoldBracesAndCommas) {
  Template t = Compile("{note | default('{a, b}')}");
  EXPECT_EQ(Render(t, {{"note", Value::Null()}}), Value::String("{a, b}"));
}

}  // namespace
}  // namespace cdc::config
