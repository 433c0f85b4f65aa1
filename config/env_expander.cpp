#include "config/env_expander.h"

#include <cstdlib>

namespace cdc::config {
namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

}  // namespace

const char* GetEnvLookup(const std::string& name) { return std::getenv(name.c_str()); }

tl::expected<std::string, EnvError> ExpandEnv(std::string_view text, const EnvLookup& lookup) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (text.substr(i, 3) == "$${") {  // escaped: a literal "${"
      out += "${";
      i += 3;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      out.push_back(c);
      ++i;
      continue;
    }
    const size_t start = i;
    size_t j = i + 2;
    while (j < text.size() && IsNameChar(text[j])) ++j;
    const std::string name(text.substr(i + 2, j - i - 2));
    if (name.empty() || !IsNameStart(name[0])) {
      return tl::unexpected(EnvError{"bad environment reference: expected ${NAME}", start});
    }
    std::string fallback;
    bool has_fallback = false;
    if (text.substr(j, 2) == ":-") {
      has_fallback = true;
      size_t k = j + 2;
      while (k < text.size() && text[k] != '}') ++k;
      fallback = std::string(text.substr(j + 2, k - j - 2));
      j = k;
    }
    if (j >= text.size() || text[j] != '}') {
      return tl::unexpected(
          EnvError{"unterminated environment reference ${" + name + " (missing '}')", start});
    }
    const char* value = lookup(name);
    if (has_fallback) {
      out += (value != nullptr && *value != '\0') ? std::string(value) : fallback;
    } else if (value == nullptr) {
      return tl::unexpected(EnvError{"environment variable " + name + " is not set", start});
    } else {
      out += value;
    }
    i = j + 1;
  }
  return out;
}

}  // namespace cdc::config
