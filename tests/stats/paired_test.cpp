// Paired comparison of two systems on the same items.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <vector>

#include "clinbench/stats.h"
#include "stats_golden.h"

namespace clinbench {
namespace {

TEST(StatsPairedBootstrap, MatchesGolden) {
  for (const auto& item : stats_golden("paired_bootstrap")) {
    const std::vector<double> a = stats_golden_doubles(item.at("a"));
    const std::vector<double> b = stats_golden_doubles(item.at("b"));
    const StatsBootstrapOptions options{.seed = item.at("seed").get<uint64_t>(),
                                        .resamples = item.at("resamples").get<int64_t>(),
                                        .confidence = item.at("confidence").get<double>()};
    const std::optional<StatsPairedBootstrap> result = stats_paired_bootstrap(a, b, options);
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(result->n, static_cast<int64_t>(a.size()));
    EXPECT_EQ(result->mean_a, item.at("mean_a").get<double>());
    EXPECT_EQ(result->mean_b, item.at("mean_b").get<double>());
    EXPECT_EQ(result->difference, item.at("difference").get<double>());
    EXPECT_TRUE(stats_close(result->ci_low, item.at("ci_low").get<double>(), 1e-13, 1e-15));
    EXPECT_TRUE(stats_close(result->ci_high, item.at("ci_high").get<double>(), 1e-13, 1e-15));

    const StatsWinTieLoss counts = stats_win_tie_loss(a, b);
    EXPECT_EQ(counts.wins, item.at("wins").get<int64_t>());
    EXPECT_EQ(counts.ties, item.at("ties").get<int64_t>());
    EXPECT_EQ(counts.losses, item.at("losses").get<int64_t>());
  }
}

TEST(StatsPairedBootstrap, NoItemsHasNoValue) {
  const std::vector<double> none;
  EXPECT_FALSE(stats_paired_bootstrap(none, none, {}).has_value());
  EXPECT_FALSE(stats_paired_compare(none, none, {}).has_value());
}

TEST(StatsPairedBootstrap, OneItem) {
  const std::vector<double> a = {1.0};
  const std::vector<double> b = {0.25};
  const StatsPairedBootstrap result = *stats_paired_bootstrap(a, b, {});
  EXPECT_EQ(result.difference, 0.75);
  EXPECT_EQ(result.ci_low, 0.75);
  EXPECT_EQ(result.ci_high, 0.75);
}

// The paired interval is narrower than one built from independent resamples when the systems
// agree on most items, which is the reason to pair: here they differ on 2.5% of 1,000 items.
TEST(StatsPairedBootstrap, PairingNarrowsTheInterval) {
  std::vector<double> a;
  std::vector<double> b;
  for (int i = 0; i < 1000; ++i) {
    const double correct = (i * 13 % 10) < 6 ? 1.0 : 0.0;
    a.push_back(correct);
    b.push_back(i % 40 == 0 ? 1.0 - correct : correct);
  }
  const StatsPairedBootstrap paired = *stats_paired_bootstrap(a, b, {.seed = 1});
  const StatsEstimate alone = *stats_bootstrap_mean(a, {.seed = 1});
  EXPECT_LT(paired.ci_high - paired.ci_low, (alone.ci_high - alone.ci_low) / 2);
  EXPECT_LE(paired.ci_low, paired.difference);
  EXPECT_GE(paired.ci_high, paired.difference);
}

TEST(StatsPairedCompare, IdenticalRunsAreAllTiesWithPOne) {
  std::vector<double> scores;
  for (int i = 0; i < 200; ++i) {
    scores.push_back(i % 3 == 0 ? 0.0 : 1.0);
  }
  const StatsPairedComparison binary = *stats_paired_compare(scores, scores, {.seed = 5});
  EXPECT_EQ(binary.bootstrap.difference, 0.0);
  EXPECT_EQ(binary.bootstrap.ci_low, 0.0);
  EXPECT_EQ(binary.bootstrap.ci_high, 0.0);
  EXPECT_EQ(binary.counts.ties, 200);
  EXPECT_EQ(binary.counts.wins + binary.counts.losses, 0);
  EXPECT_EQ(binary.p_value, 1.0);
  EXPECT_EQ(binary.test, StatsPairedTest::mcnemar_exact);

  std::vector<double> continuous;
  for (int i = 0; i < 200; ++i) {
    continuous.push_back(std::fmod(i * 0.618, 1.0));
  }
  const StatsPairedComparison rouge = *stats_paired_compare(continuous, continuous, {.seed = 5});
  EXPECT_EQ(rouge.bootstrap.difference, 0.0);
  EXPECT_EQ(rouge.bootstrap.ci_low, 0.0);
  EXPECT_EQ(rouge.bootstrap.ci_high, 0.0);
  EXPECT_EQ(rouge.counts.ties, 200);
  EXPECT_EQ(rouge.p_value, 1.0);
  EXPECT_EQ(rouge.test, StatsPairedTest::none);
}

TEST(StatsPairedCompare, BinaryScoresUseMcnemar) {
  // 10 items only a is right on, 2 only b, 8 both: McNemar on (10, 2).
  std::vector<double> a;
  std::vector<double> b;
  for (int i = 0; i < 10; ++i) {
    a.push_back(1);
    b.push_back(0);
  }
  for (int i = 0; i < 2; ++i) {
    a.push_back(0);
    b.push_back(1);
  }
  for (int i = 0; i < 8; ++i) {
    a.push_back(1);
    b.push_back(1);
  }
  const StatsPairedComparison result = *stats_paired_compare(a, b, {.seed = 1});
  EXPECT_EQ(result.test, StatsPairedTest::mcnemar_exact);
  EXPECT_DOUBLE_EQ(result.p_value, 158.0 / 4096.0);
  EXPECT_EQ(result.counts.wins, 10);
  EXPECT_EQ(result.counts.losses, 2);
  EXPECT_EQ(result.counts.ties, 8);
  EXPECT_DOUBLE_EQ(result.bootstrap.difference, 8.0 / 20.0);
}

TEST(StatsPairedCompare, ContinuousScoresUseSignFlip) {
  const std::vector<double> a = {0.5, 0.75, 1.0, 0.25};
  const std::vector<double> b = {0.25, 0.5, 0.25, 0.25};
  const StatsPairedComparison small = *stats_paired_compare(a, b, {});
  EXPECT_EQ(small.test, StatsPairedTest::sign_flip_exact);
  // Differences 0.25, 0.25, 0.75 (and a tie): 2 of 8 sign vectors reach |1.25|.
  EXPECT_EQ(small.p_value, 0.25);
  EXPECT_EQ(small.counts.wins, 3);
  EXPECT_EQ(small.counts.ties, 1);

  std::vector<double> many_a;
  std::vector<double> many_b;
  for (int i = 0; i < 100; ++i) {
    many_a.push_back(std::fmod(i * 0.618, 1.0));
    many_b.push_back(std::fmod(i * 0.414, 1.0));
  }
  const StatsPairedComparison large = *stats_paired_compare(many_a, many_b, {.seed = 3});
  EXPECT_EQ(large.test, StatsPairedTest::sign_flip_monte_carlo);
  EXPECT_GT(large.p_value, 0.0);
  EXPECT_LE(large.p_value, 1.0);
}

TEST(StatsWinTieLoss, ToleranceDecidesTies) {
  const std::vector<double> a = {0.3, 0.5, 0.5000000001, 0.9};
  const std::vector<double> b = {0.1 + 0.2, 0.6, 0.5, 0.2};  // 0.1 + 0.2 != 0.3 in binary
  const StatsWinTieLoss loose = stats_win_tie_loss(a, b);
  EXPECT_EQ(loose.wins, 1);
  EXPECT_EQ(loose.ties, 2);
  EXPECT_EQ(loose.losses, 1);
  const StatsWinTieLoss strict = stats_win_tie_loss(a, b, 0.0);
  EXPECT_EQ(strict.wins + strict.losses, 4);
}

TEST(StatsPairedDeathTest, MismatchedLengthsAbort) {
  const std::vector<double> a = {1, 0, 1};
  const std::vector<double> b = {1, 0};
  EXPECT_DEATH(stats_paired_bootstrap(a, b, {}), "contract violated");
  EXPECT_DEATH(stats_win_tie_loss(a, b), "contract violated");
  EXPECT_DEATH(stats_paired_compare(a, b, {}), "contract violated");
}

}  // namespace
}  // namespace clinbench
