// MedNLI label matching: the study's substring-count rule, taken literally, and exact matching.
#include "metrics/label_match.h"

#include <gtest/gtest.h>

#include "clinbench/metrics.h"

namespace clinbench {
namespace {

TEST(MetricLabelMatchOnce, GoldOccursExactlyOnceUpperCased) {
  EXPECT_TRUE(metric_label_match_once("NEUTRAL", "neutral"));
  EXPECT_TRUE(metric_label_match_once("The relation is entailment.", "ENTAILMENT"));
  EXPECT_TRUE(metric_label_match_once("  contradiction\n", "CONTRADICTION"));
  EXPECT_FALSE(metric_label_match_once("", "NEUTRAL"));
  EXPECT_FALSE(metric_label_match_once("ENTAILMENT", "NEUTRAL"));
  // Twice is wrong, even when both say the same thing.
  EXPECT_FALSE(metric_label_match_once("NEUTRAL. Final answer: NEUTRAL", "NEUTRAL"));
  // A plain substring count: "NEUTRALITY" contains one "NEUTRAL" and counts.
  EXPECT_TRUE(metric_label_match_once("NEUTRALITY", "NEUTRAL"));
  EXPECT_FALSE(metric_label_match_once("NEUTRAL NEUTRALITY", "NEUTRAL"));
  // Naming several labels is fine for each label said once (the study's rule is per gold label).
  EXPECT_TRUE(metric_label_match_once("not ENTAILMENT but CONTRADICTION", "CONTRADICTION"));
  // An empty label never matches.
  EXPECT_FALSE(metric_label_match_once("anything", ""));
}

TEST(MetricLabelCount, NonOverlappingLikeFindall) {
  EXPECT_EQ(metric_label_count("neutral Neutral NEUTRAL", "NEUTRAL"), 3);
  EXPECT_EQ(label_count_occurrences("AAAA", "AA"), 2);  // not 3: matches do not overlap
  EXPECT_EQ(label_count_occurrences("ABABA", "ABA"), 1);
  EXPECT_EQ(label_count_occurrences("abc", ""), 0);
}

TEST(MetricLabelCount, UpperCasesLikePython) {
  // Python's str.upper() turns the dotless i into I, so this is "CONTRADICTION".
  EXPECT_EQ(metric_label_count("contrad\u0131ction", "CONTRADICTION"), 1);
  // Non-ASCII letters upper-case to themselves or to non-ASCII letters.
  EXPECT_EQ(metric_label_count("n\u00e9utral", "NEUTRAL"), 0);
}

TEST(MetricLabelExact, TrimmedCaseInsensitiveEquality) {
  EXPECT_TRUE(metric_label_exact("  neutral\n", "NEUTRAL"));
  EXPECT_TRUE(metric_label_exact("Entailment", "entailment"));
  EXPECT_FALSE(metric_label_exact("NEUTRAL.", "NEUTRAL"));
  EXPECT_FALSE(metric_label_exact("NEUTRALITY", "NEUTRAL"));
  EXPECT_FALSE(metric_label_exact("The answer is NEUTRAL", "NEUTRAL"));
  EXPECT_FALSE(metric_label_exact("", ""));
}

}  // namespace
}  // namespace clinbench
