#include "sink/instasent/response_parser.h"

#include <gtest/gtest.h>

#include "sink/instasent/success_scan.h"

namespace cdc::sink {
namespace {

TEST(ResponseParserTest, DocumentedShapeGivesOneOutcomePerItemInOrder) {
  const char* body = R"({"entity":{"successful":2,"failed":1,"items":[
    {"status":"success","_user_id":"USER-1"},
    {"status":"error","_user_id":"USER-2","errors":{"_email":["Invalid format"]}},
    {"status":"success","_user_id":"USER-3"}]}})";
  auto outcomes = ParseBatchResponse(body, 3);
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 3u);
  EXPECT_TRUE((*outcomes)[0].ok);
  EXPECT_FALSE((*outcomes)[1].ok);
  EXPECT_EQ((*outcomes)[1].errors, R"({"_email":["Invalid format"]})");
  EXPECT_TRUE((*outcomes)[2].ok);
}

TEST(ResponseParserTest, AllSucceededScanCountsItemsOnlyForTheDocumentedShape) {
  EXPECT_EQ(
      CountItemsIfAllSucceeded(
          R"({"entity":{"successful":3,"failed":0,"items":[{"status":"success","_user_id":"a"},)"
          R"({"_user_id":"b","extra":{"status":"error"}},{"status":"success","items":[1,2]}]},"x":[1]})"),
      3u);
  EXPECT_EQ(CountItemsIfAllSucceeded(R"({"entity":{"items":[]}})"), 0u);
  // A failure, another shape or a broken body: the full parse decides.
  EXPECT_EQ(CountItemsIfAllSucceeded(R"({"entity":{"items":[{"status":"error"}]}})"), std::nullopt);
  EXPECT_EQ(CountItemsIfAllSucceeded(R"({"entity":{"items":[{"status":1}]}})"), std::nullopt);
  EXPECT_EQ(CountItemsIfAllSucceeded(R"({"entity":{"items":{}}})"), std::nullopt);
  EXPECT_EQ(CountItemsIfAllSucceeded(R"({"entity":[],"items":[]})"), std::nullopt);
  EXPECT_EQ(CountItemsIfAllSucceeded(R"({"entitiesSuccess":1,"errors":[]})"), std::nullopt);
  EXPECT_EQ(CountItemsIfAllSucceeded(R"({"entity":{"items":[{"status":"success"}]})"), std::nullopt);
  EXPECT_EQ(CountItemsIfAllSucceeded(R"([{"entity":{"items":[]}}])"), std::nullopt);
}

TEST(ResponseParserTest, DocumentedShapeAllSucceededGivesEveryOutcomeOk) {
  auto outcomes = ParseBatchResponse(
      R"({"entity":{"items":[{"status":"success"},{"_user_id":"b"},{"status":"success"}]}})", 3);
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 3u);
  for (const auto& outcome : *outcomes) EXPECT_TRUE(outcome.ok);
}

TEST(ResponseParserTest, DocumentedShapeWithWrongItemCountIsAnError) {
  auto outcomes = ParseBatchResponse(R"({"entity":{"items":[{"status":"success"}]}})", 2);
  ASSERT_FALSE(outcomes);
  EXPECT_EQ(outcomes.error().kind, core::ErrorKind::kBadData);
}

TEST(ResponseParserTest, ClientShapeMarksErrorPositions) {
  const char* body = R"({"success":true,"entitiesSuccess":2,"streamId":"s","projectId":"p",
    "datasourceId":"d","errors":[{"position":1,"errors":{"_phone_mobile":["Invalid"]}}],
    "accepted":[{"position":0,"item":{}},{"position":2,"item":{}}]})";
  auto outcomes = ParseBatchResponse(body, 3);
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  EXPECT_TRUE((*outcomes)[0].ok);
  EXPECT_FALSE((*outcomes)[1].ok);
  EXPECT_EQ((*outcomes)[1].errors, R"({"_phone_mobile":["Invalid"]})");
  EXPECT_TRUE((*outcomes)[2].ok);
}

TEST(ResponseParserTest, ClientShapeItemMissingFromAcceptedFails) {
  const char* body = R"({"success":true,"entitiesSuccess":1,"errors":[],
    "accepted":[{"position":1,"item":{}}]})";
  auto outcomes = ParseBatchResponse(body, 2);
  ASSERT_TRUE(outcomes);
  EXPECT_FALSE((*outcomes)[0].ok);
  EXPECT_TRUE((*outcomes)[1].ok);
}

TEST(ResponseParserTest, ClientShapeSingleItemFailureWithoutPositions) {
  auto outcomes = ParseBatchResponse(R"({"success":false,"entitiesSuccess":0,
    "errors":[{"_email":["Invalid format"]}]})",
                                     1);
  ASSERT_TRUE(outcomes);
  EXPECT_FALSE((*outcomes)[0].ok);
  EXPECT_NE((*outcomes)[0].errors.find("Invalid format"), std::string::npos);
}

TEST(ResponseParserTest, UnknownOrBrokenBodiesAreErrorsNotExceptions) {
  EXPECT_FALSE(ParseBatchResponse("", 1));
  EXPECT_FALSE(ParseBatchResponse("{\"entity\":", 1));
  EXPECT_FALSE(ParseBatchResponse("[1,2]", 2));
  EXPECT_FALSE(ParseBatchResponse(R"({"something":"else"})", 1));
}

TEST(ResponseParserTest, ErrorMessageReadsMessageOrFallsBackToBody) {
  EXPECT_EQ(ErrorMessage(R"({"message":"Body should be an array"})"), "Body should be an array");
  EXPECT_EQ(ErrorMessage("plain text"), "plain text");
  EXPECT_EQ(ErrorMessage(std::string(2000, 'x')).size(), 500u);
}

}  // namespace
}  // namespace cdc::sink
