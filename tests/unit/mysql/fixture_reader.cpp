#include "tests/unit/mysql/fixture_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cdc::mysql::testing {

std::string FixturePath(const std::string& relative) {
  const char* src = std::getenv("CDC_SOURCE_DIR");
  std::string root = src != nullptr ? src : ".";
  return root + "/../shared/fixtures/mysql-binlog/" + relative;
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Gunzip(const std::string& gz) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error("inflateInit2");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[1 << 16];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      throw std::runtime_error("gunzip failed");
    }
    out.append(buf, sizeof(buf) - zs.avail_out);
  } while (rc != Z_STREAM_END);
  inflateEnd(&zs);
  return out;
}

nlohmann::json LoadJson(const std::string& path) { return nlohmann::json::parse(ReadFileBytes(path)); }

namespace {

int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Decodes 4-character groups one by one, so chunks that end in '=' padding
// in the middle of a statement decode like separate strings.
std::string DecodeBase64Groups(const std::string& text) {
  std::string clean;
  for (char c : text) {
    if (Base64Digit(c) >= 0 || c == '=') clean += c;
  }
  std::string out;
  for (size_t i = 0; i + 4 <= clean.size(); i += 4) {
    int d[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      if (clean[i + k] == '=') {
        d[k] = 0;
        ++pad;
      } else {
        d[k] = Base64Digit(clean[i + k]);
      }
    }
    uint32_t n = (d[0] << 18) | (d[1] << 12) | (d[2] << 6) | d[3];
    out += static_cast<char>((n >> 16) & 0xFF);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(n & 0xFF);
  }
  return out;
}

}  // namespace

std::string DecodeBinlogStatements(const std::string& text) {
  std::string out =
      "\xfe"
      "bin";
  size_t pos = 0;
  while ((pos = text.find("BINLOG '", pos)) != std::string::npos) {
    pos += 8;
    size_t end = text.find('\'', pos);
    if (end == std::string::npos) break;
    out += DecodeBase64Groups(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::string BinlogBytes(const std::string& relative) {
  std::string raw = ReadFileBytes(FixturePath(relative));
  if (relative.ends_with(".gz")) return Gunzip(raw);
  if (relative.ends_with(".txt")) return DecodeBinlogStatements(raw);
  return raw;
}

std::vector<RawEvent> SplitEvents(std::string_view file) {
  std::vector<RawEvent> events;
  EXPECT_GE(file.size(), 4u);
  EXPECT_EQ(file.substr(0, 4), std::string_view("\xfe"
                                                "bin",
                                                4))
      << "missing binlog magic";
  size_t pos = 4;
  while (pos < file.size()) {
    if (file.size() - pos < 19) {
      ADD_FAILURE() << "trailing partial header at " << pos;
      break;
    }
    uint32_t size = 0;
    for (int i = 0; i < 4; ++i)
      size |= static_cast<uint32_t>(static_cast<uint8_t>(file[pos + 9 + i])) << (8 * i);
    if (size < 19 || size > file.size() - pos) {
      ADD_FAILURE() << "event at " << pos << " has bad size " << size;
      break;
    }
    events.push_back({pos, file.substr(pos, size)});
    pos += size;
  }
  return events;
}

std::string HexToBytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

}  // namespace cdc::mysql::testing
