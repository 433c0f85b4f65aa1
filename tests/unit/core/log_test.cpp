#include "core/log/log.h"

#include <gtest/gtest.h>

namespace cdc::core {
namespace {

TEST(RedactTest, RegisteredSecretsNeverAppear) {
  RegisterSecret("s3cr3t-token-value");
  EXPECT_EQ(Redact("sending with s3cr3t-token-value twice s3cr3t-token-value"), "sending with *** twice ***");
}

TEST(RedactTest, BearerTokensConninfoPasswordsAndUriPasswordsAreMasked) {
  EXPECT_EQ(Redact("Authorization: Bearer eyJhbGciOi.abc.def"), "Authorization: Bearer ***");
  EXPECT_EQ(Redact("host=db user=cdc password=hunter2 dbname=shop"), "host=db user=cdc password=*** dbname=shop");
  EXPECT_EQ(Redact("mysql://cdc:hunter2@db:3306/shop"), "mysql://cdc:***@db:3306/shop");
  EXPECT_EQ(Redact("postgresql://cdc@db/shop"), "postgresql://cdc@db/shop");
}

TEST(RedactTest, OrdinaryTextIsUntouched) {
  EXPECT_EQ(Redact("table public.customers at 0/16B3748"), "table public.customers at 0/16B3748");
}

}  // namespace
}  // namespace cdc::core
