// Result<T> and Error: the classified failure every module edge returns.
// The error kind tells the pipeline what to do; see each enumerator.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace cdc::core {

enum class ErrorKind {
  kRetryable,  // network, 5xx, 429, lost connection: back off and retry
  kBadData,    // a row cannot map, an item was rejected: dead-letter and go on
  kConfig,     // YAML, 401/404, missing table: stop without confirming, exit 2
  kFatal,      // the source or sink cannot go on (slot gone, binlog purged): exit 1
  kBug,        // a broken invariant: stop loudly
};

struct Error {
  ErrorKind kind = ErrorKind::kBug;
  std::string message;
  std::string position;  // source position, when known
  std::string table;     // source table, when known

  static Error Retryable(std::string m) { return {ErrorKind::kRetryable, std::move(m), {}, {}}; }
  static Error BadData(std::string m) { return {ErrorKind::kBadData, std::move(m), {}, {}}; }
  static Error Config(std::string m) { return {ErrorKind::kConfig, std::move(m), {}, {}}; }
  static Error Fatal(std::string m) { return {ErrorKind::kFatal, std::move(m), {}, {}}; }
  static Error Bug(std::string m) { return {ErrorKind::kBug, std::move(m), {}, {}}; }

  // "message (table t, position p)" with the parts that are known.
  std::string Describe() const;
};

const char* ErrorKindName(ErrorKind kind);

template <class T>
using Result = tl::expected<T, Error>;

using Status = Result<void>;

inline tl::unexpected<Error> Fail(Error e) { return tl::unexpected<Error>(std::move(e)); }

}  // namespace cdc::core
