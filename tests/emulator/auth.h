// Auth: the configured credentials (project, datasource, token) and the bearer
// check of each API request. Immutable after construction; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model/result.h"
#include "tests/emulator/datastore.h"

namespace cdc::emulator {

struct Credential {
  std::string project;
  std::string datasource;
  std::string token;
};

enum class AuthOutcome { kOk, kUnauthorized, kNotFound };

class Auth {
 public:
  explicit Auth(std::vector<Credential> credentials) : credentials_(std::move(credentials)) {}

  // "PROJECT:DATASOURCE:TOKEN" (the token may itself contain ':').
  static core::Result<Credential> ParseCredential(std::string_view text);

  // 401 for a missing or unknown token; 404 when the token belongs elsewhere or the
  // project/datasource does not exist. `ds` is resolved in place (`dsapi` alias).
  AuthOutcome Check(DatasourceId& ds, std::string_view authorization) const;
  // Whether the project/datasource exists at all.
  bool Exists(const DatasourceId& ds) const;
  DatasourceId Default() const;

 private:
  std::vector<Credential> credentials_;
};

}  // namespace cdc::emulator
