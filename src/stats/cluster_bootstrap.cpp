// The cluster bootstrap: whole clusters of items resampled, so draws of one question count once.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "clinbench/stats.h"
#include "stats/bootstrap.h"
#include "stats/contract.h"

namespace clinbench {

std::vector<uint32_t> stats_cluster_index(std::span<const std::string> keys) {
  std::map<std::string, uint32_t> numbers;
  std::vector<uint32_t> index;
  index.reserve(keys.size());
  for (const std::string& key : keys) {
    auto [it, inserted] = numbers.emplace(key, uint32_t(numbers.size()));
    index.push_back(it->second);
  }
  return index;
}

double stats_quantile_of_sorted(std::span<const double> sorted, double q) {
  CLINBENCH_STATS_EXPECT(!sorted.empty());
  const double position = static_cast<double>(sorted.size() - 1) * q;
  const size_t below = static_cast<size_t>(std::floor(position));
  if (below + 1 >= sorted.size()) return sorted.back();
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

std::vector<double> stats_cluster_bootstrap_means(std::span<const double> values,
                                                  std::span<const uint32_t> cluster_of_item,
                                                  const StatsBootstrapOptions& options) {
  CLINBENCH_STATS_EXPECT(!values.empty());
  CLINBENCH_STATS_EXPECT(values.size() <= UINT32_MAX);
  CLINBENCH_STATS_EXPECT(cluster_of_item.empty() || cluster_of_item.size() == values.size());
  CLINBENCH_STATS_EXPECT(options.resamples >= 1);
  CLINBENCH_STATS_EXPECT(std::all_of(values.begin(), values.end(),
                                     [](double v) { return std::isfinite(v); }));
  // Cluster totals in item order and sizes; without clusters each item is its own, and its
  // total is the value itself, so the stream and sums equal stats_bootstrap_mean's.
  std::vector<double> totals;
  std::vector<double> sizes;
  if (cluster_of_item.empty()) {
    totals.assign(values.begin(), values.end());
    sizes.assign(values.size(), 1.0);
  } else {
    const uint32_t count = *std::max_element(cluster_of_item.begin(), cluster_of_item.end()) + 1;
    totals.assign(count, 0.0);
    sizes.assign(count, 0.0);
    for (size_t i = 0; i < values.size(); ++i) {
      totals[cluster_of_item[i]] += values[i];
      sizes[cluster_of_item[i]] += 1;
    }
    CLINBENCH_STATS_EXPECT(std::all_of(sizes.begin(), sizes.end(), [](double s) { return s > 0; }));
  }
  const uint32_t k = static_cast<uint32_t>(totals.size());
  Random random = random_seeded(options.seed);
  std::vector<double> means(static_cast<size_t>(options.resamples));
  for (double& mean : means) {
    double sum = 0;
    double items = 0;
    for (uint32_t draw = 0; draw < k; ++draw) {
      const uint32_t cluster = random_below(random, k);
      sum += totals[cluster];
      items += sizes[cluster];
    }
    mean = sum / items;
  }
  std::sort(means.begin(), means.end());
  return means;
}

std::optional<StatsEstimate> stats_bootstrap_mean_clustered(std::span<const double> scores,
                                                            std::span<const uint32_t> cluster_of_item,
                                                            const StatsBootstrapOptions& options) {
  if (scores.empty()) return std::nullopt;
  if (cluster_of_item.empty()) return stats_bootstrap_mean(scores, options);
  CLINBENCH_STATS_EXPECT(options.confidence > 0 && options.confidence < 1);
  const double mean = stats_mean_in_order(scores);
  StatsEstimate estimate{.n = int64_t(scores.size()), .value = mean, .ci_low = mean, .ci_high = mean};
  const double first = scores.front();
  if (std::all_of(scores.begin(), scores.end(), [&](double v) { return v == first; })) return estimate;
  const std::vector<double> means = stats_cluster_bootstrap_means(scores, cluster_of_item, options);
  const double tail = (1 - options.confidence) / 2;
  estimate.ci_low = stats_quantile_of_sorted(means, tail);
  estimate.ci_high = stats_quantile_of_sorted(means, 1 - tail);
  return estimate;
}

}  // namespace clinbench
