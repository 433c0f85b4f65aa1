#include "sink/instasent/status_action.h"

#include <gtest/gtest.h>

namespace cdc::sink {
namespace {

TEST(StatusActionTest, SuccessStatusesAreAccepted) {
  EXPECT_EQ(ClassifyStatus(200, Endpoint::kContacts), StatusAction::kAccepted);
  EXPECT_EQ(ClassifyStatus(202, Endpoint::kEvents), StatusAction::kAccepted);
  EXPECT_EQ(ClassifyStatus(204, Endpoint::kDelete), StatusAction::kAccepted);
}

TEST(StatusActionTest, TransientFailuresAreRetried) {
  for (long status : {0L, 408L, 500L, 502L, 503L, 504L}) {
    EXPECT_EQ(ClassifyStatus(status, Endpoint::kEvents), StatusAction::kRetry) << status;
  }
}

TEST(StatusActionTest, CredentialAndAddressErrorsAreFatal) {
  for (long status : {301L, 302L, 401L, 403L, 404L}) {
    EXPECT_EQ(ClassifyStatus(status, Endpoint::kContacts), StatusAction::kFatal) << status;
  }
}

TEST(StatusActionTest, NotFoundOnADeleteMeansTheContactIsAlreadyGone) {
  EXPECT_EQ(ClassifyStatus(404, Endpoint::kDelete), StatusAction::kAccepted);
  EXPECT_EQ(ClassifyStatus(401, Endpoint::kDelete), StatusAction::kFatal);
}

TEST(StatusActionTest, WholeRequestRefusalsAreSplitAndItemRefusalsDeadLettered) {
  EXPECT_EQ(ClassifyStatus(400, Endpoint::kContacts), StatusAction::kSplit);
  EXPECT_EQ(ClassifyStatus(413, Endpoint::kEvents), StatusAction::kSplit);
  EXPECT_EQ(ClassifyStatus(422, Endpoint::kEvents), StatusAction::kRejectAll);
  EXPECT_EQ(ClassifyStatus(409, Endpoint::kEvents), StatusAction::kRejectAll);
  EXPECT_EQ(ClassifyStatus(429, Endpoint::kContacts), StatusAction::kRateLimited);
}

}  // namespace
}  // namespace cdc::sink
