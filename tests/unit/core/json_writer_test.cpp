// The JSON writer's string escaping (8 bytes at a time, byte by byte around a
// special character) against a plain byte-by-byte reference, and the text
// forms of values.
#include "core/model/json_writer.h"

#include <gtest/gtest.h>

#include <string>

#include "core/model/value.h"

namespace cdc::core {
namespace {

std::string Reference(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

TEST(JsonWriter, EscapesEverySpecialByteAtEveryOffsetOfABlock) {
  // Short strings take the one-append path, long ones the block-skipping one;
  // 1-3 bytes are tested byte by byte, 4-7 as two 4-byte words, longer text in
  // 8- or 16-byte blocks and a last overlapping block.
  for (size_t length : {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 20, 24, 31, 32, 33, 47, 62, 63, 100}) {
    for (int special = 0; special < 0x100; ++special) {
      const char c = static_cast<char>(special);
      for (size_t at = 0; at < length; ++at) {
        std::string text(length, 'a');
        text[at] = c;
        ASSERT_EQ(Quoted(text), Reference(text)) << "byte " << special << " at " << at << " of " << length;
      }
    }
  }
}

TEST(JsonWriter, NeedsJsonEscapeAgreesWithTheEscaperAtEveryLengthAndOffset) {
  for (size_t length = 0; length <= 40; ++length) {
    EXPECT_FALSE(NeedsJsonEscape(std::string(length, 'a'))) << length;
    EXPECT_FALSE(NeedsJsonEscape(std::string(length, '\x7f'))) << length;
    EXPECT_FALSE(NeedsJsonEscape(std::string(length, '\xff'))) << length;
    EXPECT_FALSE(NeedsJsonEscape(std::string(length, '\x80'))) << length;
    for (size_t at = 0; at < length; ++at) {
      for (char c : {'"', '\\', '\n', '\x01', '\x1f', '\0', '\x10'}) {
        std::string text(length, 'a');
        text[at] = c;
        EXPECT_TRUE(NeedsJsonEscape(text)) << int(c) << " at " << at << " of " << length;
      }
      std::string text(length, 'a');
      text[at] = ' ';
      EXPECT_FALSE(NeedsJsonEscape(text)) << "space at " << at << " of " << length;
    }
  }
}

TEST(JsonWriter, PassesUtf8AndHighBytesThroughUnchanged) {
  const std::string text = "Ñandú \xe2\x82\xac 100 \xf0\x9f\x98\x80 caf\xc3\xa9 and more text after it";
  EXPECT_EQ(Quoted(text), "\"" + text + "\"");
}

TEST(JsonWriter, EscapesRunsOfSpecialsAndKeepsTextBetweenThem) {
  const std::string text = "line1\nline2\r\n\"quoted\" back\\slash\ttab \x01\x1f end";
  EXPECT_EQ(Quoted(text), Reference(text));
  EXPECT_EQ(Quoted(""), "\"\"");
  EXPECT_EQ(Quoted("\"\"\"\"\"\"\"\"\"\""), Reference("\"\"\"\"\"\"\"\"\"\""));
}

TEST(JsonWriter, AppendsAfterExistingText) {
  std::string out = "{\"k\":";
  AppendJsonString(out, "a very long value that spans several eight byte blocks \x7f");
  EXPECT_EQ(out, "{\"k\":\"a very long value that spans several eight byte blocks \x7f\"");
}

TEST(ValueText, AppendTextMatchesToTextForEveryKind) {
  const Value values[] = {Value::Null(),
                          Value::Bool(true),
                          Value::Int(-42),
                          Value::Double(1.5),
                          Value::Decimal("12.50"),
                          Value::String("x y"),
                          Value::Bytes("\x01\x02"),
                          Value::TimestampTz("2024-01-02T03:04:05Z")};
  for (const Value& v : values) {
    std::string out = "prefix:";
    v.AppendText(out);
    EXPECT_EQ(out, "prefix:" + v.ToText()) << ValueKindName(v.kind());
  }
  EXPECT_EQ(Value::Int(-42).ToText(), "-42");
  EXPECT_EQ(Value::Null().ToText(), "");
  EXPECT_EQ(Value::Bytes("\x01\x02").ToText(), "AQI=");
}

// A decoder reuses a row's slot for whatever the next row holds there: each
// setter leaves a Value equal to the one its factory builds, whatever the slot
// held before (a long text, a number, NULL).
TEST(ValueInPlace, SettersEqualTheFactoriesWhateverTheSlotHeld) {
  const std::string long_text = "a text well past the inline buffer of a std::string";
  const Value before[] = {Value(), Value::Null(), Value::Int(7), Value::String(long_text), Value::Bytes("\x01")};
  for (const Value& old : before) {
    Value slot = old;
    slot.SetInt(-42);
    EXPECT_EQ(slot, Value::Int(-42));
    EXPECT_TRUE(slot.text().empty()) << "a number keeps no stale text";

    slot = old;
    slot.SetNull();
    EXPECT_EQ(slot, Value::Null());
    EXPECT_TRUE(slot.text().empty());

    slot = old;
    slot.SetText(ValueKind::kTimestamp, "2026-11-23T08:00:00.123456");
    EXPECT_EQ(slot, Value::Timestamp("2026-11-23T08:00:00.123456"));

    slot = old;
    slot.SetText(ValueKind::kString, long_text);
    slot.SetText(ValueKind::kDecimal, "1.5");  // shorter than what the slot held
    EXPECT_EQ(slot, Value::Decimal("1.5"));
    EXPECT_EQ(slot.text().size(), 3u);
  }
}

}  // namespace
}  // namespace cdc::core
