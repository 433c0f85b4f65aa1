// Binlog event decoder (rows included) over events framed by their headers.
#include <zlib.h>

#include <string>

#include "connectors/mysql/event_decoder.h"
#include "tests/fuzz/fuzz_inputs.h"

namespace cdc::fuzz {
namespace {

constexpr size_t kHeaderSize = 19;

uint32_t ReadU32(std::string_view s) {
  return static_cast<uint32_t>(static_cast<uint8_t>(s[0])) |
         static_cast<uint32_t>(static_cast<uint8_t>(s[1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[2])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[3])) << 24;
}

// Rewrites the trailing CRC32 so mutated events get past the checksum check
// and reach the body decoders (the check itself is covered by unit tests).
void FixChecksum(std::string& event) {
  if (event.size() < kHeaderSize + 4) return;
  const size_t body = event.size() - 4;
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(event.data()), static_cast<uInt>(body));
  for (int i = 0; i < 4; ++i) event[body + i] = static_cast<char>((crc >> (8 * i)) & 0xff);
}

}  // namespace

void FuzzBinlog(const uint8_t* data, size_t size) {
  if (size < 1) return;
  const uint8_t options = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto checksum = (options & 2) ? mysql::ChecksumAlg::kCrc32 : mysql::ChecksumAlg::kOff;
  mysql::EventDecoder decoder;
  if (options & 1) {
    decoder.SetFormat(mysql::EventDecoder::DefaultFormat(mysql::Flavor::kMariaDb, checksum));
  } else {
    decoder.SetChecksumBeforeFormat(checksum);
  }
  std::string event;
  while (!input.empty()) {
    size_t len = input.size() >= kHeaderSize ? ReadU32(input.substr(9, 4)) : input.size();
    if (len < kHeaderSize) len = kHeaderSize;
    if (len > input.size()) len = input.size();
    event.assign(input.substr(0, len));
    input.remove_prefix(len);
    if (options & 4) FixChecksum(event);
    (void)decoder.Decode(event);
  }
}

}  // namespace cdc::fuzz
