// The paired comparison on clustered items, with the 90% interval behind the equivalence
// verdict and the power figures.
#include <algorithm>
#include <cmath>
#include <vector>

#include "clinbench/stats.h"
#include "stats/bootstrap.h"
#include "stats/contract.h"

namespace clinbench {

namespace {

bool is_zero_or_one(double score) { return score == 0 || score == 1; }

// Cluster numbers are dense, so fewer clusters than items means some items share one.
bool has_shared_cluster(std::span<const uint32_t> cluster_of_item) {
  if (cluster_of_item.empty()) return false;
  const uint32_t largest = *std::max_element(cluster_of_item.begin(), cluster_of_item.end());
  return size_t(largest) + 1 < cluster_of_item.size();
}

}  // namespace

std::optional<StatsPairedAnalysis> stats_paired_analyse(std::span<const double> a,
                                                        std::span<const double> b,
                                                        std::span<const uint32_t> cluster_of_item,
                                                        const StatsAnalysisOptions& options) {
  CLINBENCH_STATS_EXPECT(a.size() == b.size());
  CLINBENCH_STATS_EXPECT(cluster_of_item.empty() || cluster_of_item.size() == a.size());
  CLINBENCH_STATS_EXPECT(options.target_difference > 0);
  if (a.empty()) return std::nullopt;
  // Singleton clusters are no clusters: every figure then equals the unclustered one exactly.
  const bool clustered = has_shared_cluster(cluster_of_item);
  const std::span<const uint32_t> clusters = clustered ? cluster_of_item : std::span<const uint32_t>();

  std::vector<double> differences(a.size());
  for (size_t i = 0; i < a.size(); ++i) differences[i] = a[i] - b[i];

  StatsPairedAnalysis analysis;
  std::optional<StatsPairedComparison> plain = stats_paired_compare(a, b, options.bootstrap, options.tie_tolerance);
  analysis.comparison = *plain;
  StatsPairedBootstrap& interval = analysis.comparison.bootstrap;
  analysis.clusters = clustered ? int64_t(*std::max_element(clusters.begin(), clusters.end())) + 1
                                : int64_t(a.size());

  // One set of resample means gives both intervals, so the 90% lies inside the 95%.
  const double first = differences.front();
  const bool all_equal = std::all_of(differences.begin(), differences.end(), [&](double d) { return d == first; });
  const bool binary = std::all_of(a.begin(), a.end(), is_zero_or_one) && std::all_of(b.begin(), b.end(), is_zero_or_one);
  if (all_equal && binary && first == 0) {
    // No item (cluster) tells the systems apart, so every resample's mean is 0 and the bootstrap
    // interval is a point, whatever the number of items: six identical answers would read as
    // "equivalent within any margin". For 0/1 scores the mean difference is at most the share of
    // discordant items (clusters); with none seen among k, the exact Clopper-Pearson upper bound
    // of that share at level t is 1 - t^(1/k) (the "rule of three" for large k): the interval.
    const double k = double(analysis.clusters);
    const double tail95 = (1 - options.bootstrap.confidence) / 2;
    interval.ci_high = 1 - std::pow(tail95, 1 / k);
    interval.ci_low = -interval.ci_high;
    analysis.ci90_high = 1 - std::pow(0.05, 1 / k);
    analysis.ci90_low = -analysis.ci90_high;
  } else if (all_equal) {
    analysis.ci90_low = analysis.ci90_high = interval.difference;
  } else {
    const std::vector<double> means = stats_cluster_bootstrap_means(differences, clusters, options.bootstrap);
    const double tail = (1 - options.bootstrap.confidence) / 2;
    interval.ci_low = stats_quantile_of_sorted(means, tail);
    interval.ci_high = stats_quantile_of_sorted(means, 1 - tail);
    analysis.ci90_low = stats_quantile_of_sorted(means, 0.05);
    analysis.ci90_high = stats_quantile_of_sorted(means, 0.95);
  }
  analysis.smallest_equivalence_margin = std::max(std::fabs(analysis.ci90_low), std::fabs(analysis.ci90_high));

  if (clustered) {
    // Flip whole clusters: the sign-flip test on the clusters' totals of the differences.
    std::vector<double> totals(size_t(analysis.clusters), 0.0);
    for (size_t i = 0; i < differences.size(); ++i) totals[clusters[i]] += differences[i];
    const StatsSignFlipTest test = stats_sign_flip_test(
        totals, {.seed = options.bootstrap.seed, .tie_tolerance = options.tie_tolerance});
    analysis.comparison.p_value = test.p_value;
    analysis.comparison.test = test.method == StatsSignFlipMethod::no_differences ? StatsPairedTest::none
                               : test.method == StatsSignFlipMethod::exact
                                   ? StatsPairedTest::cluster_sign_flip_exact
                                   : StatsPairedTest::cluster_sign_flip_monte_carlo;
  }

  const double n = static_cast<double>(a.size());
  const StatsWinTieLoss discordant = stats_win_tie_loss(a, b, 0.0);
  analysis.discordant_share = double(discordant.wins + discordant.losses) / n;
  analysis.standard_error = stats_cluster_standard_error(differences, clusters).value_or(0.0);
  const double z_sum = stats_normal_quantile(1 - options.alpha / 2) + stats_normal_quantile(options.power);
  if (binary && !clustered) {
    analysis.power_method = "mcnemar";
    analysis.minimum_detectable_difference = stats_mcnemar_minimum_detectable(
        int64_t(a.size()), analysis.discordant_share, options.alpha, options.power);
    analysis.items_needed = stats_mcnemar_items_needed(analysis.discordant_share, options.target_difference,
                                                       options.alpha, options.power);
  } else {
    analysis.power_method = "standard_error";
    if (analysis.standard_error > 0) {
      const double detectable = z_sum * analysis.standard_error;
      analysis.minimum_detectable_difference = detectable;
      // The standard error falls as 1/sqrt(items) with clusters of the same sizes.
      const double ratio = detectable / options.target_difference;
      analysis.items_needed = int64_t(std::ceil(n * ratio * ratio));
    }
  }
  return analysis;
}

StatsVerdict stats_verdict(double difference, double ci90_low, double ci90_high, bool significant,
                           std::optional<double> margin) {
  if (margin && *margin > 0 && ci90_low > -*margin && ci90_high < *margin) return StatsVerdict::equivalent;
  if (significant && difference > 0) return StatsVerdict::better;
  if (significant && difference < 0) return StatsVerdict::worse;
  if (margin && *margin > 0 && ci90_low > -*margin) return StatsVerdict::non_inferior;
  return StatsVerdict::inconclusive;
}

const char* stats_verdict_name(StatsVerdict verdict) {
  switch (verdict) {
    case StatsVerdict::better: return "better";
    case StatsVerdict::worse: return "worse";
    case StatsVerdict::equivalent: return "equivalent";
    case StatsVerdict::non_inferior: return "non-inferior";
    case StatsVerdict::inconclusive: return "inconclusive";
  }
  return "?";
}

}  // namespace clinbench
