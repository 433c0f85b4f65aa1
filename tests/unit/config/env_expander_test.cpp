#include "config/env_expander.h"

#include <gtest/gtest.h>

#include <map>

namespace cdc::config {
namespace {

const char* FakeEnv(const std::string& name) {
  static const std::map<std::string, std::string> kEnv = {
      {"TOKEN", "s3cret"}, {"EMPTY", ""}, {"HOST", "db.local"}};
  auto it = kEnv.find(name);
  return it == kEnv.end() ? nullptr : it->second.c_str();
}

TEST(EnvExpander, ReplacesVariablesInsideText) {
  auto out = ExpandEnv("host=${HOST} password=${TOKEN}", FakeEnv);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "host=db.local password=s3cret");
}

TEST(EnvExpander, DefaultAppliesWhenUnsetOrEmpty) {
  EXPECT_EQ(*ExpandEnv("${NOPE:-fallback}", FakeEnv), "fallback");
  EXPECT_EQ(*ExpandEnv("${EMPTY:-fallback}", FakeEnv), "fallback");
  EXPECT_EQ(*ExpandEnv("${HOST:-fallback}", FakeEnv), "db.local");
  EXPECT_EQ(*ExpandEnv("${NOPE:-}", FakeEnv), "");
}

TEST(EnvExpander, SetButEmptyVariableExpandsToEmpty) { EXPECT_EQ(*ExpandEnv("a${EMPTY}b", FakeEnv), "ab"); }

TEST(EnvExpander, MissingVariableNamesItAndWhereItStarts) {
  auto out = ExpandEnv("x=${MISSING_VAR}", FakeEnv);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "environment variable MISSING_VAR is not set");
  EXPECT_EQ(out.error().offset, 2u);
}

TEST(EnvExpander, EscapedAndLoneDollarsStay) {
  EXPECT_EQ(*ExpandEnv("$${HOST} costs $5 {id}", FakeEnv), "${HOST} costs $5 {id}");
}

TEST(EnvExpander, UnterminatedReferenceIsAnError) {
  auto out = ExpandEnv("${HOST", FakeEnv);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("unterminated"), std::string::npos);
}

}  // namespace
}  // namespace cdc::config
