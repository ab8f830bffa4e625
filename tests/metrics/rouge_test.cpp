// ROUGE against golden values from an independent Python re-implementation of Google's
// rouge_score (tests/data/golden/metrics/make_rouge_golden.py), plus hand-checked cases.
#include "metrics/rouge.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clinbench/metrics.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::filesystem::path golden_dir() { return testing::test_data_dir() / "golden" / "metrics"; }

void expect_score(const PrecisionRecallF& actual, const nlohmann::json& expected,
                  const std::string& what) {
  ASSERT_EQ(expected.size(), 3u) << what;
  EXPECT_NEAR(actual.precision, expected[0].get<double>(), 1e-6) << what << " precision";
  EXPECT_NEAR(actual.recall, expected[1].get<double>(), 1e-6) << what << " recall";
  EXPECT_NEAR(actual.f, expected[2].get<double>(), 1e-6) << what << " f";
}

TEST(MetricRouge, MatchesRougeScoreGolden) {
  std::ifstream file(golden_dir() / "rouge_golden.jsonl");
  ASSERT_TRUE(file) << "missing " << (golden_dir() / "rouge_golden.jsonl");
  int cases = 0;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty()) continue;
    nlohmann::json row = nlohmann::json::parse(line);
    const std::string name = row.at("name");
    RougeScores scores = metric_rouge(row.at("prediction").get<std::string>(),
                                      row.at("reference").get<std::string>());
    expect_score(scores.rouge1, row.at("rouge1"), name + " rouge1");
    expect_score(scores.rouge2, row.at("rouge2"), name + " rouge2");
    expect_score(scores.rouge_l, row.at("rougeL"), name + " rougeL");
    ++cases;
  }
  EXPECT_GE(cases, 40);
}

TEST(MetricRouge, HandCheckedDocstringExample) {
  // rouge_score's own docstring pair. Tokens: prediction "the quick brown dog jumps on the log"
  // (8), reference "the quick brown fox jumps over the lazy dog" (9).
  // ROUGE-1: clipped overlap the x2, quick, brown, dog, jumps = 6 -> P 6/8, R 6/9,
  //          F = 2 * 0.75 * 0.6667 / 1.4167 = 12/17 = 0.705882.
  // ROUGE-2: shared bigrams "the quick", "quick brown" = 2 -> P 2/7, R 2/8, F = 4/15.
  // ROUGE-L: LCS "the quick brown jumps the" = 5 -> P 5/8, R 5/9, F = 10/17 = 0.588235.
  RougeScores scores = metric_rouge("The quick brown dog jumps on the log.",
                                    "The quick brown fox jumps over the lazy dog");
  EXPECT_DOUBLE_EQ(scores.rouge1.precision, 6.0 / 8.0);
  EXPECT_DOUBLE_EQ(scores.rouge1.recall, 6.0 / 9.0);
  EXPECT_NEAR(scores.rouge1.f, 12.0 / 17.0, 1e-12);
  EXPECT_DOUBLE_EQ(scores.rouge2.precision, 2.0 / 7.0);
  EXPECT_DOUBLE_EQ(scores.rouge2.recall, 2.0 / 8.0);
  EXPECT_NEAR(scores.rouge2.f, 4.0 / 15.0, 1e-12);
  EXPECT_DOUBLE_EQ(scores.rouge_l.precision, 5.0 / 8.0);
  EXPECT_DOUBLE_EQ(scores.rouge_l.recall, 5.0 / 9.0);
  EXPECT_NEAR(scores.rouge_l.f, 10.0 / 17.0, 1e-12);
}

TEST(MetricRouge, HandCheckedClippingAndOrder) {
  // "the" x7 against "the cat is on the mat": "the" is clipped to the reference's 2 -> P 2/7,
  // R 2/6; no shared bigram; LCS "the the" = 2.
  RougeScores repeated = metric_rouge("the the the the the the the", "the cat is on the mat");
  EXPECT_DOUBLE_EQ(repeated.rouge1.precision, 2.0 / 7.0);
  EXPECT_DOUBLE_EQ(repeated.rouge1.recall, 2.0 / 6.0);
  EXPECT_DOUBLE_EQ(repeated.rouge2.f, 0.0);
  EXPECT_DOUBLE_EQ(repeated.rouge_l.precision, 2.0 / 7.0);
  // Reversed order: every unigram shared (F 1), no bigram, LCS 1 of 4.
  RougeScores reversed = metric_rouge("d c b a", "a b c d");
  EXPECT_DOUBLE_EQ(reversed.rouge1.f, 1.0);
  EXPECT_DOUBLE_EQ(reversed.rouge2.f, 0.0);
  EXPECT_DOUBLE_EQ(reversed.rouge_l.f, 0.25);
}

TEST(MetricRouge, EmptyTextsScoreZeroNotNaN) {
  for (const auto& [prediction, reference] : std::vector<std::pair<std::string, std::string>>{
           {"", ""}, {"", "a b"}, {"a b", ""}, {"?!", "..."}}) {
    RougeScores scores = metric_rouge(prediction, reference);
    for (const PrecisionRecallF& score : {scores.rouge1, scores.rouge2, scores.rouge_l}) {
      EXPECT_EQ(score.precision, 0.0);
      EXPECT_EQ(score.recall, 0.0);
      EXPECT_EQ(score.f, 0.0);
    }
  }
}

TEST(RougeTokenize, FollowsPythonLowerAndAsciiClass) {
  EXPECT_EQ(rouge_tokenize("Hello, WORLD!!! 123abc snake_case"),
            (std::vector<std::string>{"hello", "world", "123abc", "snake", "case"}));
  // Non-ASCII letters separate words; U+0130 lowers to "i" + combining dot (a separator), the
  // Kelvin sign to "k".
  EXPECT_EQ(rouge_tokenize("caf\u00e9 na\u00efve"), (std::vector<std::string>{"caf", "na", "ve"}));
  EXPECT_EQ(rouge_tokenize("\u0130stanbul"), (std::vector<std::string>{"i", "stanbul"}));
  EXPECT_EQ(rouge_tokenize("\u212Aetamine"), (std::vector<std::string>{"ketamine"}));
  EXPECT_TRUE(rouge_tokenize("\u75c5\u4eba \t\n").empty());
  // Invalid UTF-8 bytes are separators, never part of a token.
  EXPECT_EQ(rouge_tokenize("ab\xff\xfe"
                           "cd\xc4"),
            (std::vector<std::string>{"ab", "cd"}));
}

TEST(RougeKernels, LcsAndOverlap) {
  std::vector<uint32_t> row;
  std::vector<uint32_t> a = {1, 2, 3, 2, 4, 1, 2};
  std::vector<uint32_t> b = {2, 4, 3, 1, 2, 1};
  EXPECT_EQ(rouge_lcs_length(a, b, row), 4);  // e.g. 2 3 1 2 / 2 4 1 2
  EXPECT_EQ(rouge_lcs_length(b, a, row), 4);
  EXPECT_EQ(rouge_lcs_length(a, {}, row), 0);
  std::vector<uint64_t> x = {1, 1, 1, 2, 5};
  std::vector<uint64_t> y = {1, 2, 2, 5, 5, 7};
  EXPECT_EQ(rouge_sorted_overlap(x, y), 3);
}

TEST(MetricRouge, ReusedBuffersGiveTheSameResult) {
  // A long call then a short one: stale buffer contents must not leak into the second.
  std::string long_text;
  for (int i = 0; i < 500; ++i) long_text += "word" + std::to_string(i % 37) + " ";
  metric_rouge(long_text, long_text);
  RougeScores short_scores = metric_rouge("a b", "b a");
  EXPECT_DOUBLE_EQ(short_scores.rouge1.f, 1.0);
  EXPECT_DOUBLE_EQ(short_scores.rouge_l.f, 0.5);
}

TEST(MetricRougeMean, CountsEachItemOnce) {
  // CLUE appended the first item twice: (1 + 1 + 0) / 3 = 0.667; the correct mean is 0.5.
  std::vector<RougeScores> items(2);
  items[0].rouge1 = {1.0, 1.0, 1.0};
  items[0].rouge_l = {0.5, 0.25, 0.2};
  RougeScores mean = metric_rouge_mean(items);
  EXPECT_DOUBLE_EQ(mean.rouge1.f, 0.5);
  EXPECT_DOUBLE_EQ(mean.rouge_l.precision, 0.25);
  EXPECT_DOUBLE_EQ(mean.rouge_l.recall, 0.125);
  EXPECT_DOUBLE_EQ(mean.rouge2.f, 0.0);
  EXPECT_DOUBLE_EQ(metric_rouge_mean({}).rouge1.f, 0.0);
}

}  // namespace
}  // namespace clinbench
