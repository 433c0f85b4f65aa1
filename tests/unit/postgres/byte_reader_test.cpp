#include "connectors/postgres/byte_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace cdc::pg {
namespace {

using namespace std::string_literals;

TEST(ByteReaderTest, ReadsBigEndianIntegersOfEveryWidth) {
  const std::string data =
      "\x01"s + "\x02\x03"s + "\x04\x05\x06\x07"s + "\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"s;
  ByteReader in(data);
  EXPECT_EQ(*in.ReadU8(), 0x01);
  EXPECT_EQ(*in.ReadU16(), 0x0203);
  EXPECT_EQ(*in.ReadU32(), 0x04050607u);
  EXPECT_EQ(*in.ReadU64(), 0x08090a0b0c0d0e0fULL);
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(in.offset(), data.size());
}

TEST(ByteReaderTest, SignedReadsKeepTheSign) {
  const std::string data = "\xff\xfe"s + "\xff\xff\xff\xff"s + "\x80\x00\x00\x00\x00\x00\x00\x00"s;
  ByteReader in(data);
  EXPECT_EQ(*in.ReadI16(), -2);
  EXPECT_EQ(*in.ReadI32(), -1);
  EXPECT_EQ(*in.ReadI64(), INT64_MIN);
}

TEST(ByteReaderTest, CStringExcludesAndConsumesTheTerminator) {
  const std::string data = "public\0t1\0\x07"s;
  ByteReader in(data);
  EXPECT_EQ(*in.ReadCString(), "public");
  EXPECT_EQ(*in.ReadCString(), "t1");
  EXPECT_EQ(*in.ReadU8(), 7);
  EXPECT_TRUE(in.empty());
}

TEST(ByteReaderTest, EmptyCStringIsValid) {
  const std::string data = "\0"s;
  ByteReader in(data);
  EXPECT_EQ(*in.ReadCString(), "");
  EXPECT_TRUE(in.empty());
}

TEST(ByteReaderTest, BytesAreViewsIntoTheInput) {
  const std::string data = "abcdef";
  ByteReader in(data);
  auto v = in.ReadBytes(4);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, "abcd");
  EXPECT_EQ(v->data(), data.data());
  EXPECT_EQ(in.remaining(), 2u);
}

TEST(ByteReaderTest, EveryReadPastTheEndFailsAsBugWithoutMoving) {
  const std::string data = "\x01\x02\x03"s;
  ByteReader in(data);
  ASSERT_TRUE(in.ReadU8());
  auto r32 = in.ReadU32();
  ASSERT_FALSE(r32);
  EXPECT_EQ(r32.error().kind, core::ErrorKind::kBug);
  EXPECT_NE(r32.error().message.find("needs 4 bytes at offset 1"), std::string::npos)
      << r32.error().message;
  EXPECT_FALSE(in.ReadU64());
  EXPECT_FALSE(in.ReadI32());
  EXPECT_FALSE(in.ReadI64());
  EXPECT_FALSE(in.ReadBytes(3));
  // A failed read does not consume: the two remaining bytes are still there.
  EXPECT_EQ(in.offset(), 1u);
  EXPECT_EQ(*in.ReadU16(), 0x0203);
  EXPECT_FALSE(in.ReadU8());
  EXPECT_FALSE(in.ReadI16());
  EXPECT_FALSE(in.ReadCString());
  EXPECT_TRUE(in.ReadBytes(0));
}

TEST(ByteReaderTest, UnterminatedCStringFails) {
  const std::string data = "public";
  ByteReader in(data);
  auto s = in.ReadCString();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, core::ErrorKind::kBug);
  EXPECT_EQ(in.offset(), 0u);
}

TEST(ByteReaderTest, EmptyInputFailsEveryRead) {
  ByteReader in{std::string_view()};
  EXPECT_FALSE(in.ReadU8());
  EXPECT_FALSE(in.ReadCString());
  EXPECT_FALSE(in.ReadBytes(1));
  EXPECT_TRUE(in.empty());
}

}  // namespace
}  // namespace cdc::pg
