// CopyText: COPY text-format rows → fields (no server needed).
#include "connectors/postgres/copy_text.h"

#include <gtest/gtest.h>

namespace cdc::pg {
namespace {

TEST(CopyText, SplitsOnTabsAndReadsBackslashNAsNull) {
  CopyText parser;
  auto fields = parser.Parse("1\t\\N\tabc\t\n", 4);
  ASSERT_TRUE(fields);
  ASSERT_EQ((*fields)->size(), 4u);
  EXPECT_EQ((**fields)[0].text, "1");
  EXPECT_TRUE((**fields)[1].is_null);
  EXPECT_EQ((**fields)[2].text, "abc");
  EXPECT_FALSE((**fields)[3].is_null) << "an empty field is an empty string, not NULL";
  EXPECT_EQ((**fields)[3].text, "");
}

TEST(CopyText, UnescapesControlCharactersBackslashesOctalAndHex) {
  CopyText parser;
  auto fields = parser.Parse("a\\tb\\nc\\\\d\\r\\b\\f\\v\t\\101\\x42\\x4a\\7\t\\N\\q\n", 3);
  ASSERT_TRUE(fields);
  EXPECT_EQ((**fields)[0].text, "a\tb\nc\\d\r\b\f\v");
  EXPECT_EQ((**fields)[1].text, std::string("ABJ\a"));
  EXPECT_FALSE((**fields)[2].is_null) << "\\N inside a longer field is the letter N";
  EXPECT_EQ((**fields)[2].text, "Nq");
}

TEST(CopyText, EscapedBackslashNIsTextNotNull) {
  CopyText parser;
  auto fields = parser.Parse("\\\\N", 1);
  ASSERT_TRUE(fields);
  EXPECT_FALSE((**fields)[0].is_null);
  EXPECT_EQ((**fields)[0].text, "\\N");
}

TEST(CopyText, KeepsUtf8BytesAsIs) {
  CopyText parser;
  auto fields = parser.Parse("Jos\xc3\xa9\t\xe2\x82\xac\n", 2);
  ASSERT_TRUE(fields);
  EXPECT_EQ((**fields)[0].text, "Jos\xc3\xa9");
  EXPECT_EQ((**fields)[1].text, "\xe2\x82\xac");
}

TEST(CopyText, WrongFieldCountAndDanglingBackslashFail) {
  CopyText parser;
  EXPECT_FALSE(parser.Parse("1\t2\n", 3));
  EXPECT_FALSE(parser.Parse("abc\\", 1));
}

TEST(CopyText, BuffersAreReusedAcrossRows) {
  CopyText parser;
  ASSERT_TRUE(parser.Parse("long value here\tx", 2));
  auto fields = parser.Parse("\\N\ty", 2);
  ASSERT_TRUE(fields);
  EXPECT_TRUE((**fields)[0].is_null);
  EXPECT_EQ((**fields)[0].text, "");
  EXPECT_EQ((**fields)[1].text, "y");
}

}  // namespace
}  // namespace cdc::pg
