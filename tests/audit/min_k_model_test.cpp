// Min-K% Prob through the real log-likelihood engine: each text scored with an empty context
// (BOS alone), and the score is the mean of the lowest K% of the token log-probs the engine
// returns for that text.
#include <gtest/gtest.h>

#include <algorithm>

#include "clinbench/audit.h"
#include "test_support.h"

namespace clinbench {
namespace {

double lowest_share_mean(std::vector<float> logprobs, double k_percent) {
  std::sort(logprobs.begin(), logprobs.end());
  size_t count = std::max<size_t>(1, size_t(double(logprobs.size()) * k_percent / 100.0));
  double sum = 0;
  for (size_t i = 0; i < count; ++i) sum += logprobs[i];
  return sum / double(count);
}

class MinKModel : public ::testing::Test {
 protected:
  std::unique_ptr<Backend> open(int32_t context_length) {
    BackendOptions options;
    options.threads = 2;
    options.context_length = context_length;
    return open_backend("gguf:" + testing::tiny_model("llama-spm").string(), options);
  }
};

TEST_F(MinKModel, IsTheMeanOfTheLowestKPercentOfTheEngineTokenLogprobs) {
  std::unique_ptr<Backend> backend = open(512);
  const std::vector<std::string> texts = {
      "A 23-year-old pregnant woman at 22 weeks gestation presents with burning upon urination.",
      "Which of the following is the best treatment for this patient?",
      "Fever",
      "A 23-year-old pregnant woman at 22 weeks gestation presents with burning upon urination.",  // once
  };
  for (double k : {20.0, 50.0, 100.0}) {
    std::vector<AuditMinK> scores = audit_min_k_scores(*backend, nullptr, "audit-test", texts, k);
    ASSERT_EQ(scores.size(), texts.size());
    for (size_t i = 0; i < texts.size(); ++i) {
      // The same text alone, straight from the engine.
      std::vector<LoglikelihoodRequest> one = {{"", texts[i]}};
      std::vector<float> logprobs;
      backend->loglikelihood(one, [&](size_t, LoglikelihoodResponse&& response) {
        ASSERT_EQ(response.status, RequestStatus::ok);
        logprobs = response.token_logprobs;
      }, {});
      ASSERT_FALSE(logprobs.empty());
      ASSERT_EQ(scores[i].status, RequestStatus::ok);
      EXPECT_FALSE(scores[i].truncated);
      EXPECT_EQ(scores[i].tokens, int32_t(logprobs.size())) << texts[i];
      // Batched and one-at-a-time evaluation agree to 1e-3 nats (HACKING.md).
      EXPECT_NEAR(*scores[i].min_k_prob, lowest_share_mean(logprobs, k), 1e-3) << texts[i] << " K=" << k;
      EXPECT_LT(*scores[i].min_k_prob, 0.0);
    }
    EXPECT_DOUBLE_EQ(*scores[0].min_k_prob, *scores[3].min_k_prob);
  }
  // The single-word text has at least one token; K = 20 of a few tokens still scores the lowest.
  std::vector<AuditMinK> fever = audit_min_k_scores(*backend, nullptr, "audit-test", {"Fever"}, 20);
  EXPECT_GE(fever[0].tokens, 1);
}

TEST_F(MinKModel, TextsLongerThanTheContextAreCutToFit) {
  std::unique_ptr<Backend> backend = open(64);
  std::string long_text;
  for (int i = 0; i < 60; ++i) long_text += "The patient reports intermittent chest pain. ";
  std::vector<AuditMinK> scores = audit_min_k_scores(*backend, nullptr, "audit-test", {long_text, "Short text."}, 20);
  EXPECT_TRUE(scores[0].truncated);
  EXPECT_EQ(scores[0].status, RequestStatus::ok);
  EXPECT_LE(scores[0].tokens, 63);
  EXPECT_GT(scores[0].tokens, 40);
  EXPECT_TRUE(scores[0].min_k_prob.has_value());
  EXPECT_FALSE(scores[1].truncated);
}

}  // namespace
}  // namespace clinbench
