#include "backends/openai/retry_policy.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

namespace clinbench {
namespace {

TEST(ClassifyAttempt, SortsStatusesAndTransportErrors) {
  EXPECT_EQ(classify_attempt(CURLE_OK, 200, "{}"), AttemptOutcome::success);
  for (long status : {408L, 425L, 429L, 500L, 502L, 503L, 504L}) {
    EXPECT_EQ(classify_attempt(CURLE_OK, status, ""), AttemptOutcome::retry) << status;
  }
  for (long status : {401L, 403L, 404L}) EXPECT_EQ(classify_attempt(CURLE_OK, status, ""), AttemptOutcome::refused);
  EXPECT_EQ(classify_attempt(CURLE_OK, 400, R"({"error":{"message":"maximum context length is 4096"}})"),
            AttemptOutcome::failed);
  EXPECT_EQ(classify_attempt(CURLE_OK, 400, R"({"error":{"message":"model 'x' not found"}})"),
            AttemptOutcome::refused);
  EXPECT_EQ(classify_attempt(CURLE_OK, 400, R"({"error":{"code":"model_not_found"}})"), AttemptOutcome::refused);
  EXPECT_EQ(classify_attempt(CURLE_OK, 501, ""), AttemptOutcome::failed);
  for (CURLcode code : {CURLE_OPERATION_TIMEDOUT, CURLE_COULDNT_CONNECT, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
                        CURLE_RECV_ERROR, CURLE_SEND_ERROR}) {
    EXPECT_EQ(classify_attempt(code, 0, ""), AttemptOutcome::retry) << code;
  }
  EXPECT_EQ(classify_attempt(CURLE_URL_MALFORMAT, 0, ""), AttemptOutcome::refused);
}

TEST(ServerErrorMessage, ReadsTheCommonShapes) {
  EXPECT_EQ(server_error_message(R"({"error":{"message":"Invalid key","type":"auth"}})"), "Invalid key");
  EXPECT_EQ(server_error_message(R"({"error":"Model is overloaded"})"), "Model is overloaded");  // TGI
  EXPECT_EQ(server_error_message(R"({"message":"The model `x` does not exist.","code":404})"),
            "The model `x` does not exist.");  // vLLM
  EXPECT_EQ(server_error_message(R"({"detail":"Not Found"})"), "Not Found");  // FastAPI
  EXPECT_EQ(server_error_message("Service Unavailable\n"), "Service Unavailable");
  EXPECT_EQ(server_error_message(std::string(900, 'x')).size(), 500u);
}

TEST(RetryAfter, ReadsSecondsAndHttpDates) {
  EXPECT_EQ(parse_retry_after(" 2 ", 0), 2.0);
  EXPECT_EQ(parse_retry_after("0.25", 0), 0.25);
  EXPECT_FALSE(parse_retry_after("", 0));
  EXPECT_FALSE(parse_retry_after("soon", 0));
  EXPECT_FALSE(parse_retry_after("3s", 0));
  // Sun, 06 Nov 1994 08:49:37 GMT is 784111777 s after the epoch.
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111770), 7.0);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111800), 0.0);  // already past
}

TEST(Backoff, DoublesWithEqualJitterAndHonoursTheServer) {
  BackoffPolicy policy;  // 1 s first, 60 s cap, server waits cut at 600 s
  EXPECT_DOUBLE_EQ(backoff_delay_seconds(policy, 1, 0.0, std::nullopt), 0.5);
  EXPECT_DOUBLE_EQ(backoff_delay_seconds(policy, 1, 1.0, std::nullopt), 1.0);
  EXPECT_DOUBLE_EQ(backoff_delay_seconds(policy, 3, 1.0, std::nullopt), 4.0);
  EXPECT_DOUBLE_EQ(backoff_delay_seconds(policy, 30, 1.0, std::nullopt), 60.0);  // capped
  EXPECT_DOUBLE_EQ(backoff_delay_seconds(policy, 1, 0.0, 5.0), 5.0);             // the server's wait wins
  EXPECT_DOUBLE_EQ(backoff_delay_seconds(policy, 1, 1.0, 5.0), 5.5);             // plus up to 10%
  EXPECT_DOUBLE_EQ(backoff_delay_seconds(policy, 7, 1.0, 5.0), 60.0);            // backoff longer still
  EXPECT_DOUBLE_EQ(backoff_delay_seconds(policy, 1, 0.0, 86400.0), 600.0);       // an absurd wait is cut
}

}  // namespace
}  // namespace clinbench
