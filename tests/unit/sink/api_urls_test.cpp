#include "sink/instasent/api_urls.h"

#include <gtest/gtest.h>

namespace cdc::sink {
namespace {

TEST(ApiUrlsTest, UrlEncodeKeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(UrlEncode("abc-XYZ_0.9~"), "abc-XYZ_0.9~");
  EXPECT_EQ(UrlEncode("a/b c#d?e&f%"), "a%2Fb%20c%23d%3Fe%26f%25");
  EXPECT_EQ(UrlEncode("ñ"), "%C3%B1");
  EXPECT_EQ(UrlEncode(""), "");
}

TEST(ApiUrlsTest, BuildsStreamPathsUnderProjectAndDatasource) {
  ApiUrls urls("http://127.0.0.1:8080/", "proj_1", "ds 2");
  EXPECT_EQ(urls.Probe(), "http://127.0.0.1:8080/v1/project/proj_1/datasource/ds%202/stream");
  EXPECT_EQ(urls.ProjectProbe(), "http://127.0.0.1:8080/v1/project/proj_1");  // Product token
  EXPECT_EQ(urls.Batch(Endpoint::kContacts, false),
            "http://127.0.0.1:8080/v1/project/proj_1/datasource/ds%202/stream/contacts");
  EXPECT_EQ(urls.Batch(Endpoint::kContacts, true),
            "http://127.0.0.1:8080/v1/project/proj_1/datasource/ds%202/stream/contacts?_sync");
  EXPECT_EQ(urls.Batch(Endpoint::kEvents, false),
            "http://127.0.0.1:8080/v1/project/proj_1/datasource/ds%202/stream/events");
}

TEST(ApiUrlsTest, DeleteUrlEncodesTheUserId) {
  ApiUrls urls("https://api.instasent.com", "p", "d");
  EXPECT_EQ(urls.Delete("user/42 #1"),
            "https://api.instasent.com/v1/project/p/datasource/d/stream/contacts/user%2F42%20%231");
}

}  // namespace
}  // namespace cdc::sink
