// Power: the normal quantile, McNemar's minimum detectable difference (Connor 1987) and the
// cluster-robust standard error behind the figure for continuous or clustered scores.
#include <algorithm>
#include <cmath>
#include <vector>

#include "clinbench/stats.h"
#include "stats/contract.h"

namespace clinbench {

double stats_normal_quantile(double p) {
  CLINBENCH_STATS_EXPECT(p > 0 && p < 1);
  // Wichura, "Algorithm AS 241: The percentage points of the normal distribution", Applied
  // Statistics 37 (1988) 477-484, PPND16.
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
                45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
             133.14166789178437745) * r + 3.387132872796366608) /
           (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
                21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
             42.313330701600911252) * r + 1.0);
  }
  double r = q < 0 ? p : 1 - p;
  r = std::sqrt(-std::log(r));
  double value;
  if (r <= 5) {
    r -= 1.6;
    value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
                 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
              4.6303378461565452959) * r + 1.42343711074968357734) /
            (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
                 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
              2.05319162663775882187) * r + 1.0);
  } else {
    r -= 5;
    value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
                 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
              5.4637849111641143699) * r + 6.6579046435011037772) /
            (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
                 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
              0.59983220655588793769) * r + 1.0);
  }
  return q < 0 ? -value : value;
}

std::optional<double> stats_mcnemar_minimum_detectable(int64_t n, double discordant_share,
                                                       double alpha, double power) {
  CLINBENCH_STATS_EXPECT(n >= 0 && alpha > 0 && alpha < 1 && power > 0 && power < 1);
  if (discordant_share <= 0 || n == 0) return std::nullopt;
  const double z_alpha = stats_normal_quantile(1 - alpha / 2);
  const double z_power = stats_normal_quantile(power);
  const double root_n = std::sqrt(static_cast<double>(n));
  const double root_share = std::sqrt(discordant_share);
  // f rises with Delta: sqrt(n) Delta grows and the second root shrinks.
  auto f = [&](double delta) {
    return root_n * delta - z_alpha * root_share -
           z_power * std::sqrt(std::max(0.0, discordant_share - delta * delta));
  };
  double low = 0;
  double high = root_share;
  if (f(high) <= 0) return std::nullopt;
  while (high - low > 1e-12) {
    const double middle = (low + high) / 2;
    (f(middle) < 0 ? low : high) = middle;
  }
  return (low + high) / 2;
}

std::optional<int64_t> stats_mcnemar_items_needed(double discordant_share, double target,
                                                  double alpha, double power) {
  CLINBENCH_STATS_EXPECT(target > 0 && alpha > 0 && alpha < 1 && power > 0 && power < 1);
  if (discordant_share <= 0) return std::nullopt;
  const double z_alpha = stats_normal_quantile(1 - alpha / 2);
  const double z_power = stats_normal_quantile(power);
  const double root = z_alpha * std::sqrt(discordant_share) +
                      z_power * std::sqrt(std::max(0.0, discordant_share - target * target));
  return static_cast<int64_t>(std::ceil(root * root / (target * target)));
}

std::optional<double> stats_cluster_standard_error(std::span<const double> values,
                                                   std::span<const uint32_t> cluster_of_item) {
  CLINBENCH_STATS_EXPECT(cluster_of_item.empty() || cluster_of_item.size() == values.size());
  if (values.empty()) return std::nullopt;
  const double n = static_cast<double>(values.size());
  double mean = 0;
  for (double value : values) mean += value;
  mean /= n;
  std::vector<double> residual_totals;
  if (cluster_of_item.empty()) {
    for (double value : values) residual_totals.push_back(value - mean);
  } else {
    const uint32_t count = *std::max_element(cluster_of_item.begin(), cluster_of_item.end()) + 1;
    residual_totals.assign(count, 0.0);
    for (size_t i = 0; i < values.size(); ++i) residual_totals[cluster_of_item[i]] += values[i] - mean;
  }
  const double k = static_cast<double>(residual_totals.size());
  if (residual_totals.size() < 2) return std::nullopt;
  double squares = 0;
  for (double total : residual_totals) squares += total * total;
  return std::sqrt(k / (k - 1) * squares) / n;
}

}  // namespace clinbench
