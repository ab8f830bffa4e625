// The paired sign-flip test: exact enumeration and its Monte Carlo branch.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "clinbench/stats.h"
#include "stats_golden.h"

namespace clinbench {
namespace {

// Exact p-values are counts over 2^m, computed in Python over the decimals as written; the
// C++ must agree to the bit, including where binary rounding splits a tie.
TEST(StatsSignFlipTest, ExactMatchesGolden) {
  for (const auto& item : stats_golden("sign_flip_exact")) {
    const std::vector<double> differences = stats_golden_doubles(item.at("differences"));
    const StatsSignFlipTest test = stats_sign_flip_test(differences, {});
    const int64_t m = item.at("nonzero_differences").get<int64_t>();
    EXPECT_EQ(test.p_value, item.at("p").get<double>()) << item.at("differences");
    EXPECT_EQ(test.nonzero_differences, m);
    EXPECT_EQ(test.method, m == 0 ? StatsSignFlipMethod::no_differences
                                  : StatsSignFlipMethod::exact);
    EXPECT_EQ(test.sign_vectors, item.at("sign_vectors").get<int64_t>());
  }
}

// Monte Carlo counts depend on every draw and every rounding, repeated in Python.
TEST(StatsSignFlipTest, MonteCarloMatchesGolden) {
  for (const auto& item : stats_golden("sign_flip_monte_carlo")) {
    const std::vector<double> differences = stats_golden_doubles(item.at("differences"));
    const StatsSignFlipOptions options{.seed = item.at("seed").get<uint64_t>(),
                                       .permutations = item.at("permutations").get<int64_t>()};
    const StatsSignFlipTest test = stats_sign_flip_test(differences, options);
    EXPECT_EQ(test.method, StatsSignFlipMethod::monte_carlo);
    EXPECT_EQ(test.p_value, item.at("p").get<double>()) << "seed " << options.seed;
    EXPECT_EQ(test.nonzero_differences, item.at("nonzero_differences").get<int64_t>());
    EXPECT_EQ(test.sign_vectors, options.permutations);
  }
}

TEST(StatsSignFlipTest, HandEnumeratedExamples) {
  // +-1 +-2 +-3: the sums 6 and -6 reach |6|, 2 of 8.
  EXPECT_EQ(stats_sign_flip_test(std::vector<double>{1, 2, 3}, {}).p_value, 0.25);
  // Five equal differences: only all plus and all minus, 2 of 32.
  EXPECT_EQ(stats_sign_flip_test(std::vector<double>(5, 0.5), {}).p_value, 0.0625);
  // Observed sum 0: every sign vector is at least as extreme.
  EXPECT_EQ(stats_sign_flip_test(std::vector<double>{1, -1}, {}).p_value, 1.0);
}

TEST(StatsSignFlipTest, IdenticalRunsGiveOne) {
  const StatsSignFlipTest test = stats_sign_flip_test(std::vector<double>(1500, 0.0), {});
  EXPECT_EQ(test.p_value, 1.0);
  EXPECT_EQ(test.method, StatsSignFlipMethod::no_differences);
  EXPECT_EQ(test.nonzero_differences, 0);
  EXPECT_EQ(stats_sign_flip_test(std::vector<double>{}, {}).p_value, 1.0);
}

TEST(StatsSignFlipTest, DifferencesWithinToleranceCountAsZero) {
  const std::vector<double> differences = {1e-12, -3e-10, 1, 2, 3};
  const StatsSignFlipTest test = stats_sign_flip_test(differences, {});
  EXPECT_EQ(test.nonzero_differences, 3);
  EXPECT_EQ(test.p_value, 0.25);
}

TEST(StatsSignFlipTest, MonteCarloIsNeverZero) {
  // 30 differences of one sign: exact p = 2 / 2^30, far below 1 / (permutations + 1).
  const std::vector<double> differences(30, 0.2);
  const StatsSignFlipTest test = stats_sign_flip_test(differences, {.permutations = 999});
  EXPECT_EQ(test.method, StatsSignFlipMethod::monte_carlo);
  EXPECT_EQ(test.p_value, 1.0 / 1000.0);
}

TEST(StatsSignFlipTest, MonteCarloAgreesWithExact) {
  std::vector<double> differences;
  for (int i = 0; i < 18; ++i) {
    differences.push_back(0.05 * ((i * 7) % 11) - 0.2);
  }
  const StatsSignFlipTest exact = stats_sign_flip_test(differences, {});
  ASSERT_EQ(exact.method, StatsSignFlipMethod::exact);
  const StatsSignFlipTest sampled = stats_sign_flip_test(
      differences, {.seed = 8, .permutations = 200000, .max_exact_differences = 0});
  ASSERT_EQ(sampled.method, StatsSignFlipMethod::monte_carlo);
  // Monte Carlo standard error sqrt(p (1 - p) / 200,000) <= 0.0012: allow 5 of them.
  EXPECT_NEAR(sampled.p_value, exact.p_value, 0.006);
}

TEST(StatsSignFlipTest, SameSeedSamePValue) {
  std::vector<double> differences;
  for (int i = 0; i < 100; ++i) {
    differences.push_back(std::sin(i * 1.7) * 0.3 + 0.03);
  }
  const StatsSignFlipOptions options{.seed = 21, .permutations = 5000};
  EXPECT_EQ(stats_sign_flip_test(differences, options).p_value,
            stats_sign_flip_test(differences, options).p_value);
}

TEST(StatsSignFlipTestDeathTest, ContractViolationsAbort) {
  const std::vector<double> differences = {0.1, 0.2};
  EXPECT_DEATH(stats_sign_flip_test(differences, {.permutations = 0}), "contract violated");
  EXPECT_DEATH(stats_sign_flip_test(differences, {.max_exact_differences = 31}),
               "contract violated");
  EXPECT_DEATH(stats_sign_flip_test(std::vector<double>{INFINITY}, {}), "contract violated");
}

}  // namespace
}  // namespace clinbench
