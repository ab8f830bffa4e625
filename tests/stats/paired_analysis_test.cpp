// The paired analysis: clustered interval and test, the 90% interval behind the equivalence
// verdict (TOST), and the power figures, against make_analysis_golden.py.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "clinbench/stats.h"
#include "stats_golden.h"

namespace clinbench {
namespace {

const char* test_name(StatsPairedTest test) {
  switch (test) {
    case StatsPairedTest::mcnemar_exact: return "mcnemar_exact";
    case StatsPairedTest::cluster_sign_flip_monte_carlo: return "cluster_sign_flip_monte_carlo";
    case StatsPairedTest::cluster_sign_flip_exact: return "cluster_sign_flip_exact";
    default: return "other";
  }
}

TEST(StatsPairedAnalysis, MatchesGolden) {
  for (const auto& item : stats_analysis_golden("paired_analysis")) {
    const std::string name = item.at("name").get<std::string>();
    const std::vector<double> a = stats_golden_doubles(item.at("a"));
    const std::vector<double> b = stats_golden_doubles(item.at("b"));
    const std::vector<uint32_t> clusters = stats_cluster_index(item.at("cluster_keys").get<std::vector<std::string>>());
    const StatsAnalysisOptions options{
        .bootstrap = {.seed = item.at("seed").get<uint64_t>(), .resamples = item.at("resamples").get<int64_t>()},
        .alpha = item.at("alpha").get<double>(),
        .power = item.at("power").get<double>(),
        .target_difference = item.at("target_difference").get<double>()};
    const std::optional<StatsPairedAnalysis> analysis = stats_paired_analyse(a, b, clusters, options);
    ASSERT_TRUE(analysis.has_value()) << name;
    const StatsPairedBootstrap& interval = analysis->comparison.bootstrap;
    EXPECT_TRUE(stats_close(interval.difference, item.at("difference").get<double>(), 1e-12, 1e-15)) << name;
    EXPECT_TRUE(stats_close(interval.ci_low, item.at("ci_low").get<double>(), 1e-12, 1e-15)) << name;
    EXPECT_TRUE(stats_close(interval.ci_high, item.at("ci_high").get<double>(), 1e-12, 1e-15)) << name;
    EXPECT_TRUE(stats_close(analysis->ci90_low, item.at("ci90_low").get<double>(), 1e-12, 1e-15)) << name;
    EXPECT_TRUE(stats_close(analysis->ci90_high, item.at("ci90_high").get<double>(), 1e-12, 1e-15)) << name;
    EXPECT_TRUE(stats_close(analysis->smallest_equivalence_margin,
                            item.at("smallest_equivalence_margin").get<double>(), 1e-12, 1e-15)) << name;
    EXPECT_EQ(test_name(analysis->comparison.test), item.at("test").get<std::string>()) << name;
    EXPECT_TRUE(stats_close(analysis->comparison.p_value, item.at("p_value").get<double>(), 1e-12)) << name;
    EXPECT_EQ(analysis->power_method, item.at("power_method").get<std::string>()) << name;
    EXPECT_TRUE(stats_close(analysis->discordant_share, item.at("discordant_share").get<double>(), 1e-14)) << name;
    ASSERT_TRUE(analysis->minimum_detectable_difference.has_value()) << name;
    EXPECT_TRUE(stats_close(*analysis->minimum_detectable_difference,
                            item.at("minimum_detectable_difference").get<double>(), 1e-9)) << name;
    EXPECT_EQ(analysis->items_needed.value_or(-1), item.at("items_needed").get<int64_t>()) << name;

    const std::optional<double> margin =
        item.at("margin").is_null() ? std::nullopt : std::optional<double>(item.at("margin").get<double>());
    const StatsVerdict verdict = stats_verdict(interval.difference, analysis->ci90_low, analysis->ci90_high,
                                               analysis->comparison.p_value < options.alpha, margin);
    EXPECT_EQ(stats_verdict_name(verdict), item.at("verdict").get<std::string>()) << name;
  }
}

// The same data read as independent items says "equivalent"; as questions with draws it says
// "inconclusive". An implementation that ignores clusters fails the clustered case above; this
// one pins down that the golden file really holds that contrast.
TEST(StatsPairedAnalysis, DrawsAsItemsWouldClaimEquivalence) {
  const nlohmann::json golden = stats_analysis_golden("paired_analysis");
  ASSERT_EQ(golden.at(0).at("name"), "draws_clustered");
  ASSERT_EQ(golden.at(1).at("name"), "draws_as_items");
  EXPECT_EQ(golden.at(0).at("verdict"), "inconclusive");
  EXPECT_EQ(golden.at(1).at("verdict"), "equivalent");
  EXPECT_EQ(golden.at(0).at("margin"), golden.at(1).at("margin"));
}

TEST(StatsVerdict, OrderOfTheRules) {
  // Inside the margin wins over significance: a real but clinically negligible difference.
  EXPECT_EQ(stats_verdict(0.01, 0.005, 0.02, true, 0.03), StatsVerdict::equivalent);
  EXPECT_EQ(stats_verdict(0.05, 0.02, 0.08, true, 0.03), StatsVerdict::better);
  EXPECT_EQ(stats_verdict(-0.05, -0.08, -0.02, true, 0.03), StatsVerdict::worse);
  EXPECT_EQ(stats_verdict(0.01, -0.02, 0.05, false, 0.03), StatsVerdict::non_inferior);
  EXPECT_EQ(stats_verdict(0.0, -0.04, 0.04, false, 0.03), StatsVerdict::inconclusive);
  EXPECT_EQ(stats_verdict(0.0, -0.01, 0.01, false, std::nullopt), StatsVerdict::inconclusive);
  // The interval must lie strictly inside: touching the margin is not enough.
  EXPECT_EQ(stats_verdict(0.0, -0.03, 0.01, false, 0.03), StatsVerdict::inconclusive);
}

// No discordant item: the bootstrap's interval would be a point at any n, and six identical
// answers "equivalent within any margin". The interval is the exact bound on the share of items
// that could differ, 1 - t^(1/n) (values from Python: 1 - 0.05 ** (1 / 6), 1 - 0.025 ** (1 / 6)).
TEST(StatsPairedAnalysis, IdenticalSystemsGetTheExactBoundOfNoDiscordantItemAndNoPowerFigure) {
  const std::vector<double> a = {1, 0, 1, 1, 0, 1};
  const StatsPairedAnalysis analysis = *stats_paired_analyse(a, a, {}, {});
  EXPECT_NEAR(analysis.ci90_high, 0.39303776899708276, 1e-15);
  EXPECT_NEAR(analysis.ci90_low, -0.39303776899708276, 1e-15);
  EXPECT_NEAR(analysis.comparison.bootstrap.ci_high, 0.4592581264399005, 1e-15);
  EXPECT_NEAR(analysis.comparison.bootstrap.ci_low, -0.4592581264399005, 1e-15);
  EXPECT_EQ(analysis.comparison.bootstrap.difference, 0);
  EXPECT_NEAR(analysis.smallest_equivalence_margin, 0.39303776899708276, 1e-15);
  EXPECT_EQ(stats_verdict(0, analysis.ci90_low, analysis.ci90_high, false, 0.05), StatsVerdict::inconclusive);
  EXPECT_FALSE(analysis.minimum_detectable_difference.has_value());  // no discordant items
  EXPECT_FALSE(analysis.items_needed.has_value());

  // 60 identical items bound the difference within 5 points (1 - 0.05 ** (1 / 60) = 0.0487); 59 do not.
  const std::vector<double> sixty(60, 0.0), fifty_nine(59, 0.0);
  const StatsPairedAnalysis enough = *stats_paired_analyse(sixty, sixty, {}, {});
  EXPECT_NEAR(enough.ci90_high, 0.04870291331009746, 1e-15);
  EXPECT_EQ(stats_verdict(0, enough.ci90_low, enough.ci90_high, false, 0.05), StatsVerdict::equivalent);
  const StatsPairedAnalysis too_few = *stats_paired_analyse(fifty_nine, fifty_nine, {}, {});
  EXPECT_NEAR(too_few.ci90_high, 0.049507609888227, 1e-15);
  EXPECT_EQ(stats_verdict(0, too_few.ci90_low, too_few.ci90_high, false, 0.0495), StatsVerdict::inconclusive);

  // Draws of one question are one cluster: 24 items in 6 clusters are bounded as 6.
  std::vector<uint32_t> clusters;
  for (uint32_t c = 0; c < 6; ++c) clusters.insert(clusters.end(), 4, c);
  const std::vector<double> draws(24, 1.0);
  const StatsPairedAnalysis clustered = *stats_paired_analyse(draws, draws, clusters, {});
  EXPECT_NEAR(clustered.ci90_high, 0.39303776899708276, 1e-15);

  // Scores that are not 0/1 (ROUGE) have no such bound: identical systems keep the point.
  const std::vector<double> rouge = {0.25, 0.5, 0.75};
  const StatsPairedAnalysis continuous = *stats_paired_analyse(rouge, rouge, {}, {});
  EXPECT_EQ(continuous.ci90_low, 0);
  EXPECT_EQ(continuous.ci90_high, 0);
}

}  // namespace
}  // namespace clinbench
