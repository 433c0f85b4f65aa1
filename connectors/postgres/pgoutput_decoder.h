// PgoutputDecoder: the bytes of one pgoutput message (the XLogData payload
// after its 25-byte header) → a typed PgoutputMessage. No I/O, no copies:
// views in the result point into `payload`. Keeps one piece of state — whether
// it is between StreamStart and StreamStop — because change messages inside a
// stream carry an xid prefix. Not thread-safe; one decoder per stream.
// Malformed or unknown messages fail with kBug (the stream cannot be trusted).
#pragma once

#include <cstdint>
#include <string_view>

#include "connectors/postgres/pgoutput_messages.h"
#include "core/model/result.h"

namespace cdc::pg {

class PgoutputDecoder {
 public:
  core::Result<PgoutputMessage> Decode(std::string_view payload);

  bool in_stream() const { return in_stream_; }
  // The xid of the open stream segment (0 outside a stream).
  uint32_t stream_xid() const { return stream_xid_; }

  // Forget stream state, e.g. after reconnecting (the server restarts the
  // transaction from its beginning).
  void Reset() {
    in_stream_ = false;
    stream_xid_ = 0;
  }

 private:
  bool in_stream_ = false;
  uint32_t stream_xid_ = 0;
};

}  // namespace cdc::pg
