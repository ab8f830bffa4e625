// Holm–Bonferroni adjustment of a table of p-values.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "clinbench/stats.h"
#include "stats_golden.h"

namespace clinbench {
namespace {

TEST(StatsHolmAdjust, MatchesGolden) {
  for (const auto& item : stats_golden("holm")) {
    const std::vector<double> p_values = stats_golden_doubles(item.at("p"));
    const std::vector<double> expected = stats_golden_doubles(item.at("adjusted"));
    const std::vector<double> adjusted = stats_holm_adjust(p_values);
    ASSERT_EQ(adjusted.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      // (m - rank) * p is one rounding away from the exact product.
      EXPECT_DOUBLE_EQ(adjusted[i], expected[i]) << item.at("p") << " at " << i;
    }
  }
}

// Wikipedia's worked example, written out: 0.01, 0.04, 0.03, 0.005 become 0.03, 0.06, 0.06,
// 0.02, so at alpha = 0.05 only the first and the last are rejected.
TEST(StatsHolmAdjust, WikipediaExample) {
  const std::vector<double> p_values = {0.01, 0.04, 0.03, 0.005};
  const std::vector<double> adjusted = stats_holm_adjust(p_values);
  ASSERT_EQ(adjusted.size(), 4u);
  EXPECT_DOUBLE_EQ(adjusted[0], 0.03);
  EXPECT_DOUBLE_EQ(adjusted[1], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[2], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[3], 0.02);
}

TEST(StatsHolmAdjust, EmptyAndSingle) {
  EXPECT_TRUE(stats_holm_adjust(std::vector<double>{}).empty());
  EXPECT_EQ(stats_holm_adjust(std::vector<double>{0.2}), std::vector<double>{0.2});
}

TEST(StatsHolmAdjust, MonotoneCappedAndNeverBelowRaw) {
  std::vector<double> p_values;
  for (int i = 0; i < 50; ++i) {
    p_values.push_back(std::fmod(i * 0.137, 1.0) * std::fmod(i * 0.071, 1.0));
  }
  const std::vector<double> adjusted = stats_holm_adjust(p_values);
  for (size_t i = 0; i < p_values.size(); ++i) {
    EXPECT_GE(adjusted[i], p_values[i]);
    EXPECT_LE(adjusted[i], 1.0);
    for (size_t j = 0; j < p_values.size(); ++j) {
      if (p_values[i] < p_values[j]) {
        EXPECT_LE(adjusted[i], adjusted[j]);
      }
    }
  }
}

TEST(StatsHolmAdjustDeathTest, OutOfRangeAborts) {
  EXPECT_DEATH(stats_holm_adjust(std::vector<double>{0.1, std::nan("")}), "contract violated");
  EXPECT_DEATH(stats_holm_adjust(std::vector<double>{1.5}), "contract violated");
}

}  // namespace
}  // namespace clinbench
