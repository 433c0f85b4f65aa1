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

struct Capture {
  std::string name;
  std::string bytes;
};

// All captures in stream order per folder (the v2 stream needs its state).
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
    for (const auto& f : files) out.push_back({f, testing::ReadFile(f)});
  }
  std::istringstream in(testing::ReadFile(root + "/captured-pg15-chinook/v2-stream.jsonl"));
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    out.push_back({"v2-stream #" + std::to_string(j["i"].get<int>()),
                   testing::HexDecode(j["hex"].get<std::string>())});
  }
  return out;
}

TEST(TruncationTest, CapturesAreAllPresent) {
  // 17 + 14 + 24 single-message files and 608 streamed messages.
  EXPECT_EQ(AllCaptures().size(), 17u + 14u + 24u + 608u);
}

TEST(TruncationTest, EveryCaptureCutAtEveryLengthFailsCleanly) {
  PgoutputDecoder decoder;  // carries the stream state from message to message
  size_t prefixes = 0;
  for (const auto& capture : AllCaptures()) {
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
    // The folders' transactions are independent captures: start each file afresh,
    // but keep the state inside the v2 stream.
    if (capture.name.rfind("v2-stream", 0) != 0) decoder.Reset();
  }
  EXPECT_EQ(prefixes, 34049u);  // the captures hold 34049 bytes in all
}

TEST(TruncationTest, SingleByteCorruptionsNeverCrash) {
  PgoutputDecoder decoder;
  size_t decoded = 0, rejected = 0;
  for (const auto& capture : AllCaptures()) {
    for (size_t i = 0; i < capture.bytes.size(); ++i) {
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
    if (capture.name.rfind("v2-stream", 0) != 0) decoder.Reset();
  }
  // Changing a value byte keeps a message valid; changing a length or marker does not.
  EXPECT_GT(decoded, 0u);
  EXPECT_GT(rejected, 0u);
}

}  // namespace
}  // namespace cdc::pg
