// Min-K% Prob by hand: the mean of the floor(N * K / 100) lowest token log-probs, at least one.
#include <gtest/gtest.h>

#include "clinbench/audit.h"

namespace clinbench {
namespace {

TEST(AuditMinKProb, MatchesHandComputation) {
  // Ten tokens; K = 20 takes the two lowest, -5.0 and -4.0: mean -4.5.
  const std::vector<float> logprobs = {-0.5f, -4.0f, -0.1f, -2.0f, -5.0f, -0.3f, -1.0f, -0.2f, -3.0f, -0.7f};
  EXPECT_DOUBLE_EQ(*audit_min_k_prob(logprobs, 20), -4.5);
  // K = 50: the five lowest, -5 -4 -3 -2 -1: mean -3.
  EXPECT_DOUBLE_EQ(*audit_min_k_prob(logprobs, 50), -3.0);
  // K = 100: the plain mean, -16.8 / 10.
  EXPECT_NEAR(*audit_min_k_prob(logprobs, 100), -1.68, 1e-6);
  // K = 25 of 10 tokens: floor(2.5) = 2 tokens.
  EXPECT_DOUBLE_EQ(*audit_min_k_prob(logprobs, 25), -4.5);
  // K = 29.9: floor(2.99) = 2.
  EXPECT_DOUBLE_EQ(*audit_min_k_prob(logprobs, 29.9), -4.5);
  // K = 30: three tokens, -5 -4 -3.
  EXPECT_DOUBLE_EQ(*audit_min_k_prob(logprobs, 30), -4.0);
}

TEST(AuditMinKProb, ShortTextsStillScoreTheirLowestToken) {
  // 3 tokens at K = 20: floor(0.6) = 0 in the paper's code; here at least one token.
  const std::vector<float> logprobs = {-0.25f, -7.5f, -1.0f};
  EXPECT_DOUBLE_EQ(*audit_min_k_prob(logprobs, 20), -7.5);
  EXPECT_DOUBLE_EQ(*audit_min_k_prob(std::vector<float>{-2.0f}, 20), -2.0);
  EXPECT_FALSE(audit_min_k_prob(std::vector<float>{}, 20).has_value());
}

TEST(AuditMinKProb, RefusesPercentagesOutsideTheRange) {
  const std::vector<float> logprobs = {-1.0f};
  EXPECT_THROW(audit_min_k_prob(logprobs, 0), std::logic_error);
  EXPECT_THROW(audit_min_k_prob(logprobs, 101), std::logic_error);
}

TEST(AuditMinKRises, ListsTheLargestRisesFirst) {
  AuditTaskResult task{"medqa", {}};
  auto item = [](const std::string& id, std::optional<double> base, std::optional<double> tuned) {
    AuditItemResult result;
    result.id = id;
    result.min_k = {AuditMinK{base, 10, false, RequestStatus::ok}, AuditMinK{tuned, 10, false, RequestStatus::ok}};
    return result;
  };
  task.items = {item("a", -5.0, -4.5), item("b", -6.0, -2.0), item("c", -3.0, -3.5), item("d", std::nullopt, -1.0),
                item("e", -4.0, -2.0)};
  std::vector<AuditMinKRise> rises = audit_min_k_rises(task, 1, 3);
  ASSERT_EQ(rises.size(), 3u);
  EXPECT_EQ(rises[0].id, "b");
  EXPECT_DOUBLE_EQ(rises[0].rise, 4.0);
  EXPECT_EQ(rises[1].id, "e");
  EXPECT_EQ(rises[2].id, "a");
  EXPECT_DOUBLE_EQ(rises[2].rise, 0.5);
  EXPECT_EQ(audit_min_k_rises(task, 1, 0).size(), 4u);  // d has no base score
}

}  // namespace
}  // namespace clinbench
