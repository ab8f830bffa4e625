// Holm–Bonferroni step-down adjustment for a family of p-values.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "clinbench/stats.h"
#include "stats/contract.h"

namespace clinbench {

std::vector<double> stats_holm_adjust(std::span<const double> p_values) {
  for (const double p : p_values) {
    CLINBENCH_STATS_EXPECT(p >= 0 && p <= 1);  // false for NaN too
  }
  const size_t m = p_values.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), size_t{0});
  // Stable, so equal p-values keep their input order; their adjusted values are equal anyway.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t left, size_t right) { return p_values[left] < p_values[right]; });

  std::vector<double> adjusted(m);
  double running_max = 0;  // step-down: an adjusted p never falls below an earlier (smaller) one
  for (size_t rank = 0; rank < m; ++rank) {
    const double scaled = std::min(1.0, static_cast<double>(m - rank) * p_values[order[rank]]);
    running_max = std::max(running_max, scaled);
    adjusted[order[rank]] = running_max;
  }
  return adjusted;
}

}  // namespace clinbench
