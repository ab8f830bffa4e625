// The cluster bootstrap: whole clusters resampled (the draws of one LongHealth question).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "clinbench/stats.h"
#include "stats_golden.h"

namespace clinbench {
namespace {

std::vector<uint32_t> clusters_of(const nlohmann::json& keys) {
  return stats_cluster_index(keys.get<std::vector<std::string>>());
}

TEST(StatsClusterBootstrap, MatchesGolden) {
  for (const auto& item : stats_analysis_golden("cluster_bootstrap")) {
    const std::vector<double> scores = stats_golden_doubles(item.at("scores"));
    const StatsBootstrapOptions options{.seed = item.at("seed").get<uint64_t>(),
                                        .resamples = item.at("resamples").get<int64_t>(),
                                        .confidence = item.at("confidence").get<double>()};
    const std::optional<StatsEstimate> estimate =
        stats_bootstrap_mean_clustered(scores, clusters_of(item.at("cluster_keys")), options);
    ASSERT_TRUE(estimate.has_value());
    const std::string name = item.at("name").get<std::string>();
    EXPECT_TRUE(stats_close(estimate->value, item.at("value").get<double>(), 1e-12)) << name;
    EXPECT_TRUE(stats_close(estimate->ci_low, item.at("ci_low").get<double>(), 1e-12, 1e-15)) << name;
    EXPECT_TRUE(stats_close(estimate->ci_high, item.at("ci_high").get<double>(), 1e-12, 1e-15)) << name;
  }
}

// Treating the five draws of a question as independent items gives an interval far too narrow:
// the golden data's clustered interval is at least 1.5 times the naive one, and the naive
// (unclustered) bootstrap reproduces the reference's naive interval, not the clustered one.
TEST(StatsClusterBootstrap, DrawsAsItemsWouldBeTooNarrow) {
  const nlohmann::json item = stats_analysis_golden("cluster_bootstrap").at(0);
  ASSERT_EQ(item.at("name"), "longhealth_like_draws");
  const std::vector<double> scores = stats_golden_doubles(item.at("scores"));
  const StatsBootstrapOptions options{.seed = item.at("seed").get<uint64_t>(),
                                      .resamples = item.at("resamples").get<int64_t>()};
  const StatsEstimate naive = *stats_bootstrap_mean(scores, options);
  const StatsEstimate clustered = *stats_bootstrap_mean_clustered(scores, clusters_of(item.at("cluster_keys")), options);
  EXPECT_TRUE(stats_close(naive.ci_low, item.at("naive_ci_low").get<double>(), 1e-12, 1e-15));
  EXPECT_GE(clustered.ci_high - clustered.ci_low, 1.5 * (naive.ci_high - naive.ci_low));
}

// One item a cluster is no clustering: the same stream and the same interval bit for bit.
TEST(StatsClusterBootstrap, SingletonClustersEqualTheItemBootstrap) {
  std::vector<double> scores;
  std::vector<std::string> keys;
  for (int i = 0; i < 57; ++i) {
    scores.push_back((i * 37 % 11) / 10.0);
    keys.push_back("item-" + std::to_string(i));
  }
  const StatsBootstrapOptions options{.seed = 9, .resamples = 2000};
  const StatsEstimate plain = *stats_bootstrap_mean(scores, options);
  const StatsEstimate clustered = *stats_bootstrap_mean_clustered(scores, stats_cluster_index(keys), options);
  EXPECT_EQ(plain.ci_low, clustered.ci_low);
  EXPECT_EQ(plain.ci_high, clustered.ci_high);
}

TEST(StatsClusterBootstrap, ClusterIndexIsDenseInFirstAppearanceOrder) {
  const std::vector<std::string> keys = {"q2", "q1", "q2", "q3", "q1"};
  EXPECT_EQ(stats_cluster_index(keys), (std::vector<uint32_t>{0, 1, 0, 2, 1}));
}

}  // namespace
}  // namespace clinbench
