// Calibration of log-likelihood multiple choice: ECE over 15 equal-mass bins, the Brier score and
// the mean probability of the chosen option, with cluster-bootstrap intervals.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "clinbench/stats.h"
#include "stats/bootstrap.h"
#include "stats/contract.h"

namespace clinbench {

namespace {

// Items of each cluster, in item order; without clusters one item each.
std::vector<std::vector<uint32_t>> cluster_members(size_t items, std::span<const uint32_t> cluster_of_item) {
  std::vector<std::vector<uint32_t>> members;
  if (cluster_of_item.empty()) {
    for (size_t i = 0; i < items; ++i) members.push_back({uint32_t(i)});
    return members;
  }
  members.resize(*std::max_element(cluster_of_item.begin(), cluster_of_item.end()) + 1);
  for (size_t i = 0; i < items; ++i) members[cluster_of_item[i]].push_back(uint32_t(i));
  return members;
}

// ECE of the items at the given indices (a resample may repeat an item).
double ece_of(std::span<const StatsCalibrationItem> items, std::vector<uint32_t>& order) {
  std::stable_sort(order.begin(), order.end(), [&](uint32_t left, uint32_t right) {
    return items[left].chosen_probability < items[right].chosen_probability;
  });
  const size_t n = order.size();
  if (n == 0) return 0;
  const size_t bins = std::min<size_t>(stats_calibration_bins, n);
  double ece = 0;
  for (size_t bin = 0; bin < bins; ++bin) {
    const size_t begin = bin * n / bins;
    const size_t end = (bin + 1) * n / bins;
    double correct = 0, confidence = 0;
    for (size_t i = begin; i < end; ++i) {
      correct += items[order[i]].correct ? 1.0 : 0.0;
      confidence += items[order[i]].chosen_probability;
    }
    const double size = static_cast<double>(end - begin);
    ece += size / static_cast<double>(n) * std::fabs(correct / size - confidence / size);
  }
  return ece;
}

std::vector<uint32_t> all_indices(size_t n) {
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  return order;
}

}  // namespace

StatsCalibrationItem stats_calibration_item(std::span<const double> option_loglikelihoods, size_t gold) {
  CLINBENCH_STATS_EXPECT(gold < option_loglikelihoods.size());
  const double top = *std::max_element(option_loglikelihoods.begin(), option_loglikelihoods.end());
  CLINBENCH_STATS_EXPECT(std::isfinite(top));
  std::vector<double> probabilities;
  double total = 0;
  for (double loglikelihood : option_loglikelihoods) {
    probabilities.push_back(std::exp(loglikelihood - top));
    total += probabilities.back();
  }
  StatsCalibrationItem item;
  size_t chosen = 0;
  for (size_t k = 0; k < probabilities.size(); ++k) {
    probabilities[k] /= total;
    if (option_loglikelihoods[k] > option_loglikelihoods[chosen]) chosen = k;
  }
  item.chosen_probability = probabilities[chosen];
  item.correct = chosen == gold;
  for (size_t k = 0; k < probabilities.size(); ++k) {
    const double error = probabilities[k] - (k == gold ? 1.0 : 0.0);
    item.brier += error * error;
  }
  return item;
}

double stats_expected_calibration_error(std::span<const StatsCalibrationItem> items) {
  std::vector<uint32_t> order = all_indices(items.size());
  return ece_of(items, order);
}

std::optional<StatsCalibrationEstimates> stats_calibration(std::span<const StatsCalibrationItem> items,
                                                           std::span<const uint32_t> cluster_of_item,
                                                           const StatsBootstrapOptions& options) {
  if (items.empty()) return std::nullopt;
  CLINBENCH_STATS_EXPECT(cluster_of_item.empty() || cluster_of_item.size() == items.size());
  std::vector<double> brier, chosen;
  for (const StatsCalibrationItem& item : items) {
    brier.push_back(item.brier);
    chosen.push_back(item.chosen_probability);
  }
  StatsCalibrationEstimates estimates;
  estimates.brier = *stats_bootstrap_mean_clustered(brier, cluster_of_item, options);
  estimates.chosen_probability = *stats_bootstrap_mean_clustered(chosen, cluster_of_item, options);

  const std::vector<std::vector<uint32_t>> members = cluster_members(items.size(), cluster_of_item);
  const uint32_t k = uint32_t(members.size());
  Random random = random_seeded(options.seed);
  std::vector<double> resampled(size_t(options.resamples));
  std::vector<uint32_t> order;
  for (double& value : resampled) {
    order.clear();
    for (uint32_t draw = 0; draw < k; ++draw) {
      const std::vector<uint32_t>& cluster = members[random_below(random, k)];
      order.insert(order.end(), cluster.begin(), cluster.end());
    }
    value = ece_of(items, order);
  }
  std::sort(resampled.begin(), resampled.end());
  const double tail = (1 - options.confidence) / 2;
  estimates.ece = {.n = int64_t(items.size()),
                   .value = stats_expected_calibration_error(items),
                   .ci_low = stats_quantile_of_sorted(resampled, tail),
                   .ci_high = stats_quantile_of_sorted(resampled, 1 - tail)};
  return estimates;
}

std::optional<StatsPairedCalibration> stats_paired_ece(std::span<const StatsCalibrationItem> a,
                                                       std::span<const StatsCalibrationItem> b,
                                                       std::span<const uint32_t> cluster_of_item,
                                                       const StatsBootstrapOptions& options) {
  CLINBENCH_STATS_EXPECT(a.size() == b.size());
  CLINBENCH_STATS_EXPECT(cluster_of_item.empty() || cluster_of_item.size() == a.size());
  CLINBENCH_STATS_EXPECT(options.resamples >= 1);
  if (a.empty()) return std::nullopt;
  StatsPairedCalibration paired;
  paired.ece_a = stats_expected_calibration_error(a);
  paired.ece_b = stats_expected_calibration_error(b);
  paired.difference = paired.ece_a - paired.ece_b;

  const std::vector<std::vector<uint32_t>> members = cluster_members(a.size(), cluster_of_item);
  const uint32_t k = uint32_t(members.size());
  Random random = random_seeded(options.seed);
  std::vector<double> resampled(size_t(options.resamples));
  std::vector<uint32_t> order, order_b;
  for (double& value : resampled) {
    order.clear();
    for (uint32_t draw = 0; draw < k; ++draw) {
      const std::vector<uint32_t>& cluster = members[random_below(random, k)];
      order.insert(order.end(), cluster.begin(), cluster.end());
    }
    order_b = order;
    value = ece_of(a, order) - ece_of(b, order_b);
  }
  std::sort(resampled.begin(), resampled.end());
  const double tail = (1 - options.confidence) / 2;
  paired.ci_low = stats_quantile_of_sorted(resampled, tail);
  paired.ci_high = stats_quantile_of_sorted(resampled, 1 - tail);
  paired.ci90_low = stats_quantile_of_sorted(resampled, 0.05);
  paired.ci90_high = stats_quantile_of_sorted(resampled, 0.95);

  // Paired permutation: under no difference the two systems' answers to a cluster are
  // exchangeable, so swap them cluster by cluster.
  Random swaps = random_seeded(options.seed + 1);
  std::vector<StatsCalibrationItem> left(a.begin(), a.end()), right(b.begin(), b.end());
  const double observed = std::fabs(paired.difference);
  int64_t extreme = 0;
  uint64_t bits = 0;
  for (int64_t permutation = 0; permutation < options.resamples; ++permutation) {
    for (uint32_t c = 0; c < k; ++c) {
      if (c % 64 == 0) bits = random_next(swaps);
      const bool swap = (bits >> (c % 64)) & 1;
      for (uint32_t i : members[c]) {
        left[i] = swap ? b[i] : a[i];
        right[i] = swap ? a[i] : b[i];
      }
    }
    const double statistic = stats_expected_calibration_error(left) - stats_expected_calibration_error(right);
    extreme += std::fabs(statistic) >= observed - 1e-12 ? 1 : 0;
  }
  paired.p_value = double(1 + extreme) / double(options.resamples + 1);
  return paired;
}

}  // namespace clinbench
