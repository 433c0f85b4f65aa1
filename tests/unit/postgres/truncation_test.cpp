// Every captured pgoutput message cut at every shorter length must fail
// cleanly (an error, no crash, no read past the cut: each prefix lives in a
// heap block of exactly its size so a sanitizer build catches overreads), and
// single-byte corruptions must never crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/postgres/pgoutput_decoder.h"
#include "tests/unit/postgres/pg_fixtures.h"

namespace cdc::pg {
namespace {

// All captures in stream order per folder; `stream` marks messages whose
// decoder state carries over from the previous message of the same file.
struct Capture {
  std::string name;
  std::string bytes;
  bool continues = false;
};

std::vector<Capture> AllCaptures() {
  namespace fs = std::filesystem;
  const std::string root = testing::PgoutputDir();
  std::vector<Capture> out;
  for (const char* dir : {"kyleconroy-pgoutput", "postgrex_wal", "captured-pg15-chinook/v1"}) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(root + "/" + dir)) {
      const std::string ext = entry.path().extension().string();
      if (ext == ".bin" || ext == ".waldata") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) out.push_back({f, testing::ReadFile(f), false});
  }
  std::istringstream in(testing::ReadFile(root + "/captured-pg15-chinook/v2-stream.jsonl"));
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    out.push_back({"v2-stream #" + std::to_string(j["i"].get<int>()),
                   testing::HexDecode(j["hex"].get<std::string>()), !first});
    first = false;
  }
  // The captures recorded for this project's own tests (data/capture.sh).
  const char* src = std::getenv("CDC_SOURCE_DIR");
  for (const char* name : {"zoo-v1.hex", "toast-v1.hex", "subxact-v2.hex"}) {
    std::istringstream hex(
        testing::ReadFile(std::string(src ? src : "") + "/tests/unit/postgres/data/" + name));
    int i = 0;
    while (std::getline(hex, line)) {
      out.push_back(
          {std::string(name) + " #" + std::to_string(i), testing::HexDecode(line), i > 0});
      ++i;
    }
  }
  return out;
}

TEST(TruncationTest, CapturesAreAllPresent) {
  // 17 + 14 + 24 single-message files, 608 streamed messages, and the
  // 38 + 14 + 1348 messages recorded by data/capture.sh.
  EXPECT_EQ(AllCaptures().size(), 17u + 14u + 24u + 608u + 38u + 14u + 1348u);
}

TEST(TruncationTest, EveryCaptureCutAtEveryLengthFailsCleanly) {
  PgoutputDecoder decoder;  // carries the stream state from message to message
  size_t prefixes = 0;
  for (const auto& capture : AllCaptures()) {
    if (!capture.continues) decoder.Reset();
    for (size_t n = 0; n < capture.bytes.size(); ++n) {
      std::unique_ptr<char[]> exact(new char[n == 0 ? 1 : n]);
      std::copy_n(capture.bytes.data(), n, exact.get());
      PgoutputDecoder probe = decoder;
      auto m = probe.Decode(std::string_view(exact.get(), n));
      ASSERT_FALSE(m) << capture.name << " cut at " << n << " decoded as " << MessageName(*m);
      EXPECT_EQ(m.error().kind, core::ErrorKind::kBug) << capture.name << " cut at " << n;
      EXPECT_FALSE(m.error().message.empty());
      // A failed decode leaves the stream state as it was.
      EXPECT_EQ(probe.in_stream(), decoder.in_stream());
      ++prefixes;
    }
    auto whole = decoder.Decode(capture.bytes);
    ASSERT_TRUE(whole) << capture.name << ": " << whole.error().message;
  }
  EXPECT_EQ(prefixes, 109813u);  // the captures hold 109813 bytes in all
}

TEST(TruncationTest, SingleByteCorruptionsNeverCrash) {
  PgoutputDecoder decoder;
  size_t decoded = 0, rejected = 0;
  for (const auto& capture : AllCaptures()) {
    if (!capture.continues) decoder.Reset();
    for (size_t i = 0; i < capture.bytes.size(); ++i) {
      // The middle of a long value is just text: corrupt the structure around it.
      if (i >= 512 && i + 64 < capture.bytes.size()) continue;
      for (uint8_t x : {uint8_t{0x00}, uint8_t{0xff}, uint8_t{0x01}, uint8_t{0x80}}) {
        std::string mutated = capture.bytes;
        mutated[i] = static_cast<char>(x);
        std::unique_ptr<char[]> exact(new char[mutated.size()]);
        std::copy(mutated.begin(), mutated.end(), exact.get());
        PgoutputDecoder probe = decoder;
        auto m = probe.Decode(std::string_view(exact.get(), mutated.size()));
        if (m) {
          ++decoded;
        } else {
          ++rejected;
        }
      }
    }
    ASSERT_TRUE(decoder.Decode(capture.bytes));
  }
  // Changing a value byte keeps a message valid; changing a length or marker does not.
  EXPECT_GT(decoded, 0u);
  EXPECT_GT(rejected, 0u);
}

}  // namespace
}  // namespace cdc::pg
