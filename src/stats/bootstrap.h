// Shared by the bootstrap of one system and the paired bootstrap: the resampling loop and the
// percentile rule, defined once so both follow the documented stream exactly.
#pragma once

#include <span>

#include "clinbench/stats.h"

namespace clinbench {

// Sum in item order divided by the count; values must not be empty.
double stats_mean_in_order(std::span<const double> values);

struct StatsPercentileInterval {
  double low = 0;
  double high = 0;
};

// The percentile bootstrap interval of the mean of values, following the algorithm described at
// stats_bootstrap_mean. values must not be empty; options are checked here.
StatsPercentileInterval stats_bootstrap_mean_interval(std::span<const double> values,
                                                      const StatsBootstrapOptions& options);

}  // namespace clinbench
