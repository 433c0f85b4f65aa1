#include "connectors/postgres/byte_reader.h"

#include <cstring>
#include <string>

namespace cdc::pg {

core::Error ByteReader::Overrun(size_t wanted, const char* what) const {
  return core::Error::Bug("pgoutput message too short: " + std::string(what) + " needs " +
                          std::to_string(wanted) + " bytes at offset " + std::to_string(offset_) +
                          ", " + std::to_string(remaining()) + " left");
}

core::Result<std::string_view> ByteReader::ReadCString() {
  const void* nul = nullptr;
  if (remaining() > 0) nul = std::memchr(data_.data() + offset_, '\0', remaining());
  if (nul == nullptr) {
    return core::Fail(core::Error::Bug("pgoutput message too short: string at offset " +
                                       std::to_string(offset_) + " has no terminating NUL"));
  }
  size_t len = static_cast<const char*>(nul) - (data_.data() + offset_);
  std::string_view out = data_.substr(offset_, len);
  offset_ += len + 1;
  return out;
}

}  // namespace cdc::pg
