// Point values and percentile bootstrap intervals of one system's mean.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <vector>

#include "clinbench/stats.h"
#include "stats_golden.h"

namespace clinbench {
namespace {

// The golden script repeats the stream and the percentile rule in Python floats, so the values
// agree to the last bit on x86-64; the slack allows a fused multiply-add in the interpolation
// on other targets.
constexpr double golden_relative = 1e-13;
constexpr double golden_absolute = 1e-15;

TEST(StatsBootstrapMean, MatchesGolden) {
  for (const auto& item : stats_golden("bootstrap_mean")) {
    const std::vector<double> scores = stats_golden_doubles(item.at("scores"));
    const StatsBootstrapOptions options{.seed = item.at("seed").get<uint64_t>(),
                                        .resamples = item.at("resamples").get<int64_t>(),
                                        .confidence = item.at("confidence").get<double>()};
    const std::optional<StatsEstimate> estimate = stats_bootstrap_mean(scores, options);
    ASSERT_TRUE(estimate.has_value());
    EXPECT_EQ(estimate->n, static_cast<int64_t>(scores.size()));
    EXPECT_EQ(estimate->value, item.at("value").get<double>());
    EXPECT_TRUE(stats_close(estimate->ci_low, item.at("ci_low").get<double>(), golden_relative,
                            golden_absolute))
        << "seed " << options.seed;
    EXPECT_TRUE(stats_close(estimate->ci_high, item.at("ci_high").get<double>(), golden_relative,
                            golden_absolute))
        << "seed " << options.seed;
  }
}

TEST(StatsBootstrapMean, NoItemsHasNoValue) {
  EXPECT_FALSE(stats_bootstrap_mean(std::vector<double>{}, {}).has_value());
}

TEST(StatsBootstrapMean, OneItemIsItsOwnInterval) {
  const std::vector<double> scores = {0.37};
  const std::optional<StatsEstimate> estimate = stats_bootstrap_mean(scores, {.seed = 3});
  ASSERT_TRUE(estimate.has_value());
  EXPECT_EQ(estimate->n, 1);
  EXPECT_EQ(estimate->value, 0.37);
  EXPECT_EQ(estimate->ci_low, 0.37);
  EXPECT_EQ(estimate->ci_high, 0.37);
}

// 0.1 summed 1,500 times and divided by 1,500 is not exactly 0.1; the interval must still be
// exactly the point value, not a rounding-wide band around it.
TEST(StatsBootstrapMean, AllEqualScoresGiveAPointInterval) {
  const std::vector<double> scores(1500, 0.1);
  const std::optional<StatsEstimate> estimate = stats_bootstrap_mean(scores, {.seed = 1});
  ASSERT_TRUE(estimate.has_value());
  EXPECT_EQ(estimate->ci_low, estimate->value);
  EXPECT_EQ(estimate->ci_high, estimate->value);
  EXPECT_NEAR(estimate->value, 0.1, 1e-12);
}

TEST(StatsBootstrapMean, SameSeedSameIntervalOtherSeedOtherInterval) {
  std::vector<double> scores;
  for (int i = 0; i < 300; ++i) {
    scores.push_back((i * 37 % 100) < 62 ? 1.0 : 0.0);
  }
  const StatsEstimate first = *stats_bootstrap_mean(scores, {.seed = 11});
  const StatsEstimate again = *stats_bootstrap_mean(scores, {.seed = 11});
  EXPECT_EQ(first.ci_low, again.ci_low);
  EXPECT_EQ(first.ci_high, again.ci_high);

  const StatsEstimate other = *stats_bootstrap_mean(scores, {.seed = 12});
  EXPECT_TRUE(other.ci_low != first.ci_low || other.ci_high != first.ci_high);
}

// The percentile interval of a mean of 0/1 scores is close to the normal-theory one,
// p +- 1.96 sqrt(p (1 - p) / n), for moderate n: a check of scale, not of digits.
TEST(StatsBootstrapMean, IntervalHasTheExpectedWidth) {
  std::vector<double> scores;
  for (int i = 0; i < 1000; ++i) {
    scores.push_back(i % 10 < 7 ? 1.0 : 0.0);
  }
  const StatsEstimate estimate = *stats_bootstrap_mean(scores, {.seed = 2});
  EXPECT_DOUBLE_EQ(estimate.value, 0.7);
  const double half_width = 1.959964 * std::sqrt(0.7 * 0.3 / 1000);
  EXPECT_NEAR(estimate.ci_low, 0.7 - half_width, 0.004);
  EXPECT_NEAR(estimate.ci_high, 0.7 + half_width, 0.004);
  EXPECT_LE(estimate.ci_low, estimate.value);
  EXPECT_GE(estimate.ci_high, estimate.value);
}

TEST(StatsBootstrapMean, OneResampleGivesThatResampleAsTheInterval) {
  const std::vector<double> scores = {0.0, 1.0, 0.5, 0.25};
  const StatsEstimate estimate = *stats_bootstrap_mean(scores, {.seed = 4, .resamples = 1});
  EXPECT_EQ(estimate.ci_low, estimate.ci_high);
}

TEST(StatsBootstrapMeanDeathTest, ContractViolationsAbort) {
  const std::vector<double> scores = {0.0, 1.0};
  EXPECT_DEATH(stats_bootstrap_mean(scores, {.resamples = 0}), "contract violated");
  EXPECT_DEATH(stats_bootstrap_mean(scores, {.confidence = 1.0}), "contract violated");
  const std::vector<double> not_a_number = {0.0, std::nan("")};
  EXPECT_DEATH(stats_bootstrap_mean(not_a_number, {}), "contract violated");
}

}  // namespace
}  // namespace clinbench
