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

core::Result<ProductToken> Auth::ParseProductToken(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= text.size()) {
    return core::Fail(core::Error::Config("product token must be PROJECT:TOKEN"));
  }
  return ProductToken{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

namespace {

// The token of `Authorization: Bearer TOKEN`; the scheme name is case-insensitive
// (RFC 9110). Empty when the header is missing or of another scheme.
std::string_view BearerToken(std::string_view authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), authorization.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return {};
  }
  return authorization.substr(kBearer.size());
}

}  // namespace

AuthOutcome Auth::CheckProject(const std::string& project, std::string_view authorization) const {
  const std::string_view token = BearerToken(authorization);
  if (token.empty()) return AuthOutcome::kUnauthorized;
  bool known = false;
  for (const auto& p : product_tokens_) {
    if (p.token != token) continue;
    known = true;
    if (p.project == project) return AuthOutcome::kOk;
  }
  for (const auto& c : credentials_) {
    if (c.token != token) continue;
    if (c.project == project) return AuthOutcome::kForbidden;
    known = true;
  }
  return known ? AuthOutcome::kNotFound : AuthOutcome::kUnauthorized;
}

AuthOutcome Auth::Check(DatasourceId& ds, std::string_view authorization) const {
  const std::string_view token = BearerToken(authorization);
  if (token.empty()) return AuthOutcome::kUnauthorized;
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
  for (const auto& p : product_tokens_) {
    if (p.token != token) continue;
    known_token = true;
    if (p.project == ds.project && Exists(ds)) return AuthOutcome::kOk;
  }
  return known_token ? AuthOutcome::kNotFound : AuthOutcome::kUnauthorized;
}

bool Auth::Exists(const DatasourceId& ds) const {
  for (const auto& c : credentials_) {
    if (c.project == ds.project && c.datasource == ds.datasource) return true;
  }
  return false;
}

std::vector<std::string> Auth::DatasourcesOf(const std::string& project) const {
  std::vector<std::string> out;
  for (const auto& c : credentials_) {
    if (c.project == project && std::find(out.begin(), out.end(), c.datasource) == out.end()) {
      out.push_back(c.datasource);
    }
  }
  return out;
}

DatasourceId Auth::Default() const {
  return credentials_.empty() ? DatasourceId{}
                              : DatasourceId{credentials_[0].project, credentials_[0].datasource};
}

}  // namespace cdc::emulator
