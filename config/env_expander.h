// ExpandEnv: replaces ${NAME} and ${NAME:-default} in a YAML scalar with the
// environment's values. "$${" writes a literal "${"; any other '$' is kept.
// Pure function of its input and the lookup, so it is safe on any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace cdc::config {

struct EnvError {
  std::string message;  // names the variable, never its value
  size_t offset = 0;    // where the offending "${" starts in the input
};

// Returns the variable's value or nullptr when it is not set.
using EnvLookup = std::function<const char*(const std::string& name)>;

const char* GetEnvLookup(const std::string& name);

// `${NAME:-default}` uses the default when NAME is unset or empty (as in a
// POSIX shell); `${NAME}` with NAME unset is an error. An empty but set NAME
// expands to "".
tl::expected<std::string, EnvError> ExpandEnv(std::string_view text, const EnvLookup& lookup = GetEnvLookup);

}  // namespace cdc::config
