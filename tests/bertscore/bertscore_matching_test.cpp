// The matching step of BERTScore against embeddings written by hand, with P, R and F worked out
// by hand in the comments (bert_score's greedy_cos_idf, idf=False).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "clinbench/metrics.h"

namespace clinbench {
namespace {

// Rows of `dimension` floats; every row scored unless a range is given.
TokenEmbeddingsView view(const std::vector<float>& vectors, int32_t dimension, int32_t scored_begin = 0,
                         int32_t scored_end = -1) {
  int32_t rows = int32_t(vectors.size()) / dimension;
  return TokenEmbeddingsView{
      .vectors = vectors,
      .dimension = dimension,
      .scored_begin = scored_begin,
      .scored_end = scored_end < 0 ? rows : scored_end,
  };
}

const double kHalfSqrt2 = std::sqrt(2.0) / 2.0;  // cos 45°

TEST(BertScoreMatching, GreedyCosineMatchingByHand) {
  // candidate c1 = (1, 0), c2 = (0, 2); reference r1 = (3, 0), r2 = (1, 1), r3 = (0, -1).
  // Cosines (lengths do not matter):
  //          r1   r2      r3
  //   c1     1    1/√2    0
  //   c2     0    1/√2   -1
  // P = mean over c of the row maximum    = (1 + 1/√2) / 2     = (2 + √2) / 4 = 0.853553...
  // R = mean over r of the column maximum = (1 + 1/√2 + 0) / 3 = (2 + √2) / 6 = 0.569035...
  // F = 2PR / (P + R) = ((2 + √2)² / 12) / ((2 + √2) · 5 / 12) = (2 + √2) / 5 = 0.682842...
  std::vector<float> candidate = {1, 0, 0, 2};
  std::vector<float> reference = {3, 0, 1, 1, 0, -1};
  BertScore score = metric_bertscore(view(candidate, 2), view(reference, 2));
  EXPECT_NEAR(score.precision, (2 + std::sqrt(2.0)) / 4, 1e-12);
  EXPECT_NEAR(score.recall, (2 + std::sqrt(2.0)) / 6, 1e-12);
  EXPECT_NEAR(score.f, (2 + std::sqrt(2.0)) / 5, 1e-12);
  EXPECT_NEAR(score.f, 0.6828427124746189, 1e-12);
  EXPECT_EQ(score.candidate_tokens, 2);
  EXPECT_EQ(score.reference_tokens, 3);
  EXPECT_FALSE(score.empty_candidate);
  EXPECT_FALSE(score.empty_reference);
}

TEST(BertScoreMatching, SpecialRowsAreMatchedAgainstButNotAveraged) {
  // Row 0 of each text is its [CLS] (unscored), row 1 its only word piece.
  // candidate: [CLS] = (0, 1), c1 = (0, 1);  reference: [CLS] = (0, 1), r1 = (1, 1).
  // P: c1's best match is the reference's [CLS] (cosine 1), not r1 (1/√2): P = 1.
  //    (Were [CLS] left out of the matching, P would be 1/√2.)
  // R: r1's best match: cos(r1, [CLS]) = cos(r1, c1) = 1/√2: R = 1/√2.
  // F = 2 · 1 · (1/√2) / (1 + 1/√2) = 2 / (√2 + 1) = 2(√2 − 1) = 0.828427...
  std::vector<float> candidate = {0, 1, 0, 1};
  std::vector<float> reference = {0, 1, 1, 1};
  BertScore score = metric_bertscore(view(candidate, 2, 1, 2), view(reference, 2, 1, 2));
  EXPECT_NEAR(score.precision, 1.0, 1e-12);
  EXPECT_NEAR(score.recall, kHalfSqrt2, 1e-12);
  EXPECT_NEAR(score.f, 2 * (std::sqrt(2.0) - 1), 1e-12);
  EXPECT_EQ(score.candidate_tokens, 1);
  EXPECT_EQ(score.reference_tokens, 1);
}

TEST(BertScoreMatching, NegativeCosinesAreKept) {
  // c1 = (1, 0) against r1 = (0, 1) (cosine 0) and r2 = (−1, 0) (cosine −1).
  // P = max(0, −1) = 0; R = (0 + (−1)) / 2 = −0.5; F = 2 · 0 · (−0.5) / (−0.5) = 0.
  std::vector<float> candidate = {1, 0};
  std::vector<float> reference = {0, 1, -1, 0};
  BertScore score = metric_bertscore(view(candidate, 2), view(reference, 2));
  EXPECT_NEAR(score.precision, 0.0, 1e-12);
  EXPECT_NEAR(score.recall, -0.5, 1e-12);
  EXPECT_NEAR(score.f, 0.0, 1e-12);

  // Opposite texts: P = R = −1, F = 2 · 1 / (−2) = −1 (bert_score does not clamp either).
  std::vector<float> opposite = {-2, 0};
  score = metric_bertscore(view(candidate, 2), view(opposite, 2));
  EXPECT_NEAR(score.precision, -1.0, 1e-12);
  EXPECT_NEAR(score.recall, -1.0, 1e-12);
  EXPECT_NEAR(score.f, -1.0, 1e-12);
}

TEST(BertScoreMatching, ZeroVectorHasCosineZero) {
  // c1 = (0, 0) has cosine 0 with everything (bert_score would divide by 0); c2 = (1, 0).
  // reference r1 = (1, 0). P = (0 + 1) / 2 = 0.5; R = max(0, 1) = 1; F = 2 · 0.5 / 1.5 = 2/3.
  std::vector<float> candidate = {0, 0, 1, 0};
  std::vector<float> reference = {1, 0};
  BertScore score = metric_bertscore(view(candidate, 2), view(reference, 2));
  EXPECT_NEAR(score.precision, 0.5, 1e-12);
  EXPECT_NEAR(score.recall, 1.0, 1e-12);
  EXPECT_NEAR(score.f, 2.0 / 3.0, 1e-12);
}

TEST(BertScoreMatching, EmptyTextsScoreZeroAndAreFlagged) {
  // bert_score: "Empty candidate sentence detected; setting raw BERTscores to 0." A text that is
  // only [CLS] [SEP] has no scored rows.
  std::vector<float> specials = {1, 0, 0, 1};
  std::vector<float> words = {1, 0, 0, 1};
  BertScore score = metric_bertscore(view(specials, 2, 1, 1), view(words, 2));
  EXPECT_TRUE(score.empty_candidate);
  EXPECT_FALSE(score.empty_reference);
  EXPECT_EQ(score.precision, 0.0);
  EXPECT_EQ(score.recall, 0.0);
  EXPECT_EQ(score.f, 0.0);

  score = metric_bertscore(view(words, 2), view(specials, 2, 1, 1));
  EXPECT_FALSE(score.empty_candidate);
  EXPECT_TRUE(score.empty_reference);
  EXPECT_EQ(score.f, 0.0);

  std::vector<float> nothing;
  score = metric_bertscore(view(nothing, 2), view(nothing, 2));
  EXPECT_TRUE(score.empty_candidate);
  EXPECT_TRUE(score.empty_reference);
  EXPECT_EQ(score.f, 0.0);
}

// Seeded pseudo-random vectors (a linear congruential generator, the same on every platform).
std::vector<float> random_rows(int32_t rows, int32_t dimension, uint32_t seed) {
  std::vector<float> values(size_t(rows * dimension));
  uint32_t state = seed;
  for (float& v : values) {
    state = state * 1664525u + 1013904223u;
    v = float(int32_t(state >> 8) % 2001 - 1000) / 1000.0f;
  }
  return values;
}

TEST(BertScoreMatching, IdenticalTextsScoreOne) {
  for (int32_t rows : {1, 2, 7, 40}) {
    std::vector<float> text = random_rows(rows, 48, uint32_t(rows));
    BertScore score = metric_bertscore(view(text, 48), view(text, 48));
    EXPECT_NEAR(score.precision, 1.0, 1e-6) << rows;
    EXPECT_NEAR(score.recall, 1.0, 1e-6) << rows;
    EXPECT_NEAR(score.f, 1.0, 1e-6) << rows;
  }
}

TEST(BertScoreMatching, SwappingTheTextsSwapsPrecisionAndRecall) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    int32_t candidate_rows = int32_t(seed % 9) + 3;
    int32_t reference_rows = int32_t(seed * 7 % 11) + 3;
    std::vector<float> a = random_rows(candidate_rows, 16, seed);
    std::vector<float> b = random_rows(reference_rows, 16, seed + 1000);
    // [CLS] and [SEP] rows at both ends, as from the embedder.
    BertScore forward = metric_bertscore(view(a, 16, 1, candidate_rows - 1), view(b, 16, 1, reference_rows - 1));
    BertScore backward = metric_bertscore(view(b, 16, 1, reference_rows - 1), view(a, 16, 1, candidate_rows - 1));
    EXPECT_DOUBLE_EQ(forward.precision, backward.recall) << seed;
    EXPECT_DOUBLE_EQ(forward.recall, backward.precision) << seed;
    EXPECT_DOUBLE_EQ(forward.f, backward.f) << seed;
    EXPECT_LT(forward.f, 1.0) << seed;
  }
}

TEST(BertScoreMatching, LengthOfVectorsDoesNotMatter) {
  // Cosine similarity: scaling any row leaves every score as it was.
  std::vector<float> a = random_rows(5, 8, 3);
  std::vector<float> b = random_rows(6, 8, 4);
  BertScore plain = metric_bertscore(view(a, 8), view(b, 8));
  // Row r scaled by 2^r (exact in float, so only the scoring's own rounding remains).
  for (size_t k = 0; k < b.size(); ++k) b[k] *= float(1u << (k / 8));
  BertScore scaled = metric_bertscore(view(a, 8), view(b, 8));
  EXPECT_NEAR(plain.precision, scaled.precision, 1e-12);
  EXPECT_NEAR(plain.recall, scaled.recall, 1e-12);
  EXPECT_NEAR(plain.f, scaled.f, 1e-12);
}

TEST(BertScoreMatching, CallerBugsAreRejected) {
  std::vector<float> three = {1, 2, 3};
  std::vector<float> four = {1, 2, 3, 4};
  EXPECT_THROW(metric_bertscore(view(three, 3), view(four, 2)), std::invalid_argument);  // dimensions differ
  TokenEmbeddingsView ragged{.vectors = three, .dimension = 2, .scored_begin = 0, .scored_end = 1};
  EXPECT_THROW(metric_bertscore(ragged, view(four, 2)), std::invalid_argument);
  TokenEmbeddingsView outside{.vectors = four, .dimension = 2, .scored_begin = 1, .scored_end = 3};
  EXPECT_THROW(metric_bertscore(outside, view(four, 2)), std::invalid_argument);
}

TEST(BertScoreMatching, MeanCountsEveryItemOnce) {
  // F of (1, 0.5, 0) items: mean 0.5; flags counted.
  std::vector<BertScore> items(3);
  items[0] = {.precision = 1.0, .recall = 1.0, .f = 1.0};
  items[1] = {.precision = 0.25, .recall = 0.75, .f = 0.5, .reference_truncated = true};
  items[2] = {.empty_candidate = true};
  BertScoreMean mean = metric_bertscore_mean(items);
  EXPECT_EQ(mean.items, 3);
  EXPECT_DOUBLE_EQ(mean.precision, 1.25 / 3);
  EXPECT_DOUBLE_EQ(mean.recall, 1.75 / 3);
  EXPECT_DOUBLE_EQ(mean.f, 0.5);
  EXPECT_EQ(mean.empty_candidates, 1);
  EXPECT_EQ(mean.empty_references, 0);
  EXPECT_EQ(mean.truncated_references, 1);
  EXPECT_EQ(metric_bertscore_mean({}).items, 0);
  EXPECT_EQ(metric_bertscore_mean({}).f, 0.0);
}

}  // namespace
}  // namespace clinbench
