// CopyBinary: binary COPY messages → fields (no server needed; the values
// themselves are compared with the text format against a server in
// snapshot_formats_integration_test).
#include "connectors/postgres/copy_binary.h"

#include <gtest/gtest.h>

#include <string>

#include "connectors/postgres/pg_types.h"

namespace cdc::pg {
namespace {

std::string Header() { return std::string("PGCOPY\n\377\r\n\0", 11) + std::string(8, '\0'); }
std::string Int16(int v) { return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)}; }
std::string Int32(int32_t v) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
  return out;
}
std::string Field(const std::string& bytes) { return Int32(static_cast<int32_t>(bytes.size())) + bytes; }

TEST(CopyBinary, FirstMessageCarriesTheHeaderThenRowsAreFieldViews) {
  CopyBinary parser;
  auto first = parser.Parse(Header() + Int16(2) + Field("abc") + Int32(-1), 2);
  ASSERT_TRUE(first);
  ASSERT_NE(*first, nullptr);
  EXPECT_EQ((**first)[0].text, "abc");
  EXPECT_FALSE((**first)[0].is_null);
  EXPECT_TRUE((**first)[1].is_null);
  auto second = parser.Parse(Int16(2) + Field("") + Field("x"), 2);
  ASSERT_TRUE(second);
  EXPECT_EQ((**second)[0].text, "");
  EXPECT_FALSE((**second)[0].is_null) << "a zero-length value is not NULL";
  EXPECT_EQ((**second)[1].text, "x");
  auto trailer = parser.Parse(Int16(-1), 2);
  ASSERT_TRUE(trailer);
  EXPECT_EQ(*trailer, nullptr);
}

TEST(CopyBinary, EmptyTableIsHeaderAndTrailerInOneMessage) {
  CopyBinary parser;
  auto only = parser.Parse(Header() + Int16(-1), 3);
  ASSERT_TRUE(only);
  EXPECT_EQ(*only, nullptr);
}

TEST(CopyBinary, BadSignatureTruncatedRowsAndWrongFieldCountFail) {
  EXPECT_FALSE(CopyBinary().Parse("PGCOPY but not really", 1));
  CopyBinary truncated;
  EXPECT_FALSE(truncated.Parse(Header() + Int16(1) + Int32(10) + "short", 1));
  CopyBinary wrong_count;
  EXPECT_FALSE(wrong_count.Parse(Header() + Int16(1) + Field("a"), 2));
}

TEST(CopyBinary, AValueOfTheWrongSizeIsRefused) {
  EXPECT_FALSE(BinaryToValue(oid::kInt8, std::string(4, '\0')));
  auto v = BinaryToValue(oid::kInt4, Int32(-7));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->as_int(), -7);
  EXPECT_FALSE(BinaryCopyDecodable(oid::kNumeric));
  EXPECT_TRUE(BinaryCopyDecodable(oid::kTimestampTz));
}

}  // namespace
}  // namespace cdc::pg
