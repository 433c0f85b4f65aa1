// The fuzzed entry points, one per target, shared by the libFuzzer binaries
// (fuzz_*_main.cpp, -DCDC_FUZZ=ON) and by fuzz_regression_test, which replays
// the committed seeds and every past finding in the normal build. Each must
// accept any bytes: it returns normally whatever the input, and a crash,
// sanitizer report or escaping exception is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cdc::fuzz {

// A sequence of pgoutput messages, each framed by a 2-byte big-endian length
// (see SplitFrames): decoded with one PgoutputDecoder; Relation/Type messages
// feed the relation cache and Insert/Update/Delete go through ChangeBuilder.
void FuzzPgoutput(const uint8_t* data, size_t size);

// First byte: bit 0 installs MariaDB's default format up front, bit 1 selects
// CRC32 for it (events captured without their FORMAT_DESCRIPTION). The rest:
// binlog events back to back, each framed by its own header's event_size,
// decoded in order with one EventDecoder (rows included).
void FuzzBinlog(const uint8_t* data, size_t size);

// A YAML pipeline file: ParseConfig, then CompileMapping when it loads.
void FuzzConfig(const uint8_t* data, size_t size);

// First byte: how many items the batch had (0..100); the rest: a response
// body for ParseBatchResponse and ErrorMessage.
void FuzzResponse(const uint8_t* data, size_t size);

// Splits `input` into frames of [u16 big-endian length][bytes]; a length past
// the end takes what is left.
template <typename F>
void SplitFrames(std::string_view input, F&& each) {
  while (input.size() >= 2) {
    size_t len = (static_cast<uint8_t>(input[0]) << 8) | static_cast<uint8_t>(input[1]);
    input.remove_prefix(2);
    if (len > input.size()) len = input.size();
    each(input.substr(0, len));
    input.remove_prefix(len);
  }
}

}  // namespace cdc::fuzz
