// Exact McNemar p-values and the binomial tail under them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "clinbench/stats.h"
#include "stats_golden.h"

namespace clinbench {
namespace {

// The expected values are exact rationals rounded once (Python fractions); the C++ sums a
// saddle-point term and ratios, good to about 1e-13 relative even at n = 100,000.
constexpr double golden_relative = 1e-12;
constexpr double golden_absolute = 1e-300;  // below this a p-value is 0 for every purpose

TEST(StatsMcnemarExact, WorkedExample) {
  // 2 * (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 158 / 4096
  EXPECT_DOUBLE_EQ(stats_mcnemar_exact(10, 2), 158.0 / 4096.0);
  EXPECT_DOUBLE_EQ(stats_mcnemar_exact(2, 10), 158.0 / 4096.0);
}

TEST(StatsMcnemarExact, MatchesGolden) {
  for (const auto& item : stats_golden("mcnemar_exact")) {
    const int64_t b = item.at("b").get<int64_t>();
    const int64_t c = item.at("c").get<int64_t>();
    EXPECT_TRUE(stats_close(stats_mcnemar_exact(b, c), item.at("p").get<double>(),
                            golden_relative, golden_absolute))
        << "b = " << b << ", c = " << c;
  }
}

TEST(StatsMcnemarExact, NoDiscordantItemsGivesOne) {
  EXPECT_EQ(stats_mcnemar_exact(0, 0), 1.0);
}

TEST(StatsMcnemarExact, BalancedCountsGiveOne) {
  EXPECT_EQ(stats_mcnemar_exact(7, 7), 1.0);
  EXPECT_EQ(stats_mcnemar_exact(50000, 50000), 1.0);
  EXPECT_EQ(stats_mcnemar_exact(1, 0), 1.0);
}

TEST(StatsMcnemarExact, SymmetricAndInRange) {
  for (int64_t b = 0; b < 40; ++b) {
    for (int64_t c = 0; c < 40; ++c) {
      const double p = stats_mcnemar_exact(b, c);
      EXPECT_GT(p, 0.0);
      EXPECT_LE(p, 1.0);
      EXPECT_EQ(p, stats_mcnemar_exact(c, b));
    }
  }
}

TEST(StatsBinomialHalfCdf, MatchesGolden) {
  for (const auto& item : stats_golden("binomial_half_cdf")) {
    const int64_t n = item.at("n").get<int64_t>();
    const int64_t k = item.at("k").get<int64_t>();
    EXPECT_TRUE(stats_close(stats_binomial_half_cdf(n, k), item.at("p").get<double>(),
                            golden_relative, golden_absolute))
        << "n = " << n << ", k = " << k;
  }
}

// Every term C(n, j) / 2^n for small n is exact in double, so the sum can be checked exactly.
TEST(StatsBinomialHalfCdf, SmallNAgainstPascalsTriangle) {
  for (int64_t n = 0; n <= 40; ++n) {
    double coefficient = 1;  // C(n, 0)
    double cumulative = 0;
    for (int64_t k = 0; k <= n; ++k) {
      cumulative += coefficient;
      EXPECT_TRUE(stats_close(stats_binomial_half_cdf(n, k), std::ldexp(cumulative, -int(n)),
                              1e-14))
          << "n = " << n << ", k = " << k;
      coefficient = coefficient * static_cast<double>(n - k) / static_cast<double>(k + 1);
    }
  }
}

TEST(StatsBinomialHalfCdf, LargeNStaysFiniteAndMonotone) {
  const int64_t n = 1000000;
  double previous = 0;
  for (int64_t k = 480000; k <= 520000; k += 1000) {
    const double p = stats_binomial_half_cdf(n, k);
    EXPECT_GE(p, previous);
    EXPECT_LE(p, 1.0);
    previous = p;
  }
  EXPECT_EQ(stats_binomial_half_cdf(n, 0), 0.0);  // 2^-1,000,000 underflows
  EXPECT_EQ(stats_binomial_half_cdf(n, n), 1.0);
}

TEST(StatsMcnemarExactDeathTest, NegativeCountsAbort) {
  EXPECT_DEATH(stats_mcnemar_exact(-1, 3), "contract violated");
}

}  // namespace
}  // namespace clinbench
