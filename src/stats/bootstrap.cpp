#include "stats/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "stats/contract.h"

namespace clinbench {

namespace {

// Quantile q of ascending values by linear interpolation between order statistics (numpy's and
// R's default, type 7). Written out rather than borrowed so the reference script can repeat it.
double quantile_of_sorted(const std::vector<double>& sorted, double q) {
  const double position = static_cast<double>(sorted.size() - 1) * q;
  const size_t below = static_cast<size_t>(std::floor(position));
  if (below + 1 >= sorted.size()) {
    return sorted.back();
  }
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

}  // namespace

double stats_mean_in_order(std::span<const double> values) {
  CLINBENCH_STATS_EXPECT(!values.empty());
  double sum = 0;
  for (const double value : values) {
    sum += value;
  }
  return sum / static_cast<double>(values.size());
}

StatsPercentileInterval stats_bootstrap_mean_interval(std::span<const double> values,
                                                      const StatsBootstrapOptions& options) {
  CLINBENCH_STATS_EXPECT(!values.empty());
  CLINBENCH_STATS_EXPECT(values.size() <= UINT32_MAX);
  CLINBENCH_STATS_EXPECT(options.resamples >= 1);
  CLINBENCH_STATS_EXPECT(options.confidence > 0 && options.confidence < 1);
  // A NaN score would sort arbitrarily and poison the interval; metrics report failures as
  // statuses and score them, so a non-finite score here is a bug upstream.
  CLINBENCH_STATS_EXPECT(std::all_of(values.begin(), values.end(),
                                     [](double v) { return std::isfinite(v); }));

  // One value, or all equal: every resample has the same mean, so skip the work and return the
  // interval the loop would give (all resample sums add the same numbers in the same order).
  const double first = values.front();
  if (std::all_of(values.begin(), values.end(), [&](double v) { return v == first; })) {
    const double mean = stats_mean_in_order(values);
    return {.low = mean, .high = mean};
  }

  const uint32_t n = static_cast<uint32_t>(values.size());
  const double count = static_cast<double>(n);
  Random random = random_seeded(options.seed);
  std::vector<double> resample_means(static_cast<size_t>(options.resamples));
  for (double& resample_mean : resample_means) {
    double sum = 0;
    for (uint32_t draw = 0; draw < n; ++draw) {
      sum += values[random_below(random, n)];
    }
    resample_mean = sum / count;
  }
  std::sort(resample_means.begin(), resample_means.end());

  const double tail = (1 - options.confidence) / 2;
  return {.low = quantile_of_sorted(resample_means, tail),
          .high = quantile_of_sorted(resample_means, 1 - tail)};
}

std::optional<StatsEstimate> stats_bootstrap_mean(std::span<const double> scores,
                                                  const StatsBootstrapOptions& options) {
  if (scores.empty()) {
    return std::nullopt;
  }
  const StatsPercentileInterval interval = stats_bootstrap_mean_interval(scores, options);
  return StatsEstimate{.n = static_cast<int64_t>(scores.size()),
                       .value = stats_mean_in_order(scores),
                       .ci_low = interval.low,
                       .ci_high = interval.high};
}

std::optional<StatsPairedBootstrap> stats_paired_bootstrap(std::span<const double> a,
                                                           std::span<const double> b,
                                                           const StatsBootstrapOptions& options) {
  CLINBENCH_STATS_EXPECT(a.size() == b.size());
  if (a.empty()) {
    return std::nullopt;
  }
  // Resampling items and applying the indices to both systems gives, per resample,
  // mean(a*) - mean(b*) = mean((a - b)*), so one pass over the differences does both.
  std::vector<double> differences(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    differences[i] = a[i] - b[i];
  }
  const StatsPercentileInterval interval = stats_bootstrap_mean_interval(differences, options);
  return StatsPairedBootstrap{.n = static_cast<int64_t>(a.size()),
                              .mean_a = stats_mean_in_order(a),
                              .mean_b = stats_mean_in_order(b),
                              .difference = stats_mean_in_order(differences),
                              .ci_low = interval.low,
                              .ci_high = interval.high};
}

}  // namespace clinbench
