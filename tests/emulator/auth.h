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

// A Product API token with the Ingest scopes: valid for every datasource of its
// project and for the project-level `GET /v1/project/{project}`.
struct ProductToken {
  std::string project;
  std::string token;
};

enum class AuthOutcome { kOk, kUnauthorized, kNotFound, kForbidden };

class Auth {
 public:
  explicit Auth(std::vector<Credential> credentials, std::vector<ProductToken> product_tokens = {})
      : credentials_(std::move(credentials)), product_tokens_(std::move(product_tokens)) {}

  // "PROJECT:DATASOURCE:TOKEN" (the token may itself contain ':').
  static core::Result<Credential> ParseCredential(std::string_view text);
  // "PROJECT:TOKEN" (the token may itself contain ':').
  static core::Result<ProductToken> ParseProductToken(std::string_view text);

  // `GET /v1/project/{project}`: ok for a product token of that project; 403 for a
  // datasource token of that project (it lacks the Product scope); 404 for a known
  // token of another project; 401 otherwise.
  AuthOutcome CheckProject(const std::string& project, std::string_view authorization) const;

  // 401 for a missing or unknown token; 404 when the token belongs elsewhere or the
  // project/datasource does not exist. `ds` is resolved in place (`dsapi` alias).
  AuthOutcome Check(DatasourceId& ds, std::string_view authorization) const;
  // Whether the project/datasource exists at all.
  bool Exists(const DatasourceId& ds) const;
  DatasourceId Default() const;
  // The configured datasources of `project`, in configuration order.
  std::vector<std::string> DatasourcesOf(const std::string& project) const;

 private:
  std::vector<Credential> credentials_;
  std::vector<ProductToken> product_tokens_;
};

}  // namespace cdc::emulator
