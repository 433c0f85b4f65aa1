#include "tests/emulator/auth.h"

#include <algorithm>
#include <cctype>

namespace cdc::emulator {

core::Result<Credential> Auth::ParseCredential(std::string_view text) {
  auto first = text.find(':');
  auto second = first == std::string_view::npos ? first : text.find(':', first + 1);
  if (second == std::string_view::npos || first == 0 || second == first + 1 ||
      second + 1 >= text.size()) {
    return core::Fail(core::Error::Config("credential must be PROJECT:DATASOURCE:TOKEN"));
  }
  return Credential{std::string(text.substr(0, first)),
                    std::string(text.substr(first + 1, second - first - 1)),
                    std::string(text.substr(second + 1))};
}

AuthOutcome Auth::Check(DatasourceId& ds, std::string_view authorization) const {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), authorization.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return AuthOutcome::kUnauthorized;  // the scheme name is case-insensitive (RFC 9110)
  }
  std::string_view token = authorization.substr(kBearer.size());
  if (ds.datasource == "dsapi") {
    // Alias observed in Instasent's clients: the first API datasource of the project.
    for (const auto& c : credentials_) {
      if (c.project == ds.project) {
        ds.datasource = c.datasource;
        break;
      }
    }
  }
  bool known_token = false;
  for (const auto& c : credentials_) {
    if (c.token != token) continue;
    known_token = true;
    if (c.project == ds.project && c.datasource == ds.datasource) return AuthOutcome::kOk;
  }
  return known_token ? AuthOutcome::kNotFound : AuthOutcome::kUnauthorized;
}

bool Auth::Exists(const DatasourceId& ds) const {
  for (const auto& c : credentials_) {
    if (c.project == ds.project && c.datasource == ds.datasource) return true;
  }
  return false;
}

DatasourceId Auth::Default() const {
  return credentials_.empty() ? DatasourceId{}
                              : DatasourceId{credentials_[0].project, credentials_[0].datasource};
}

}  // namespace cdc::emulator
