// Win/tie/loss counts and the full paired comparison of two systems on the same items.
#include <algorithm>
#include <cmath>
#include <vector>

#include "clinbench/stats.h"
#include "stats/contract.h"

namespace clinbench {

namespace {

bool is_zero_or_one(double score) { return score == 0 || score == 1; }

}  // namespace

StatsWinTieLoss stats_win_tie_loss(std::span<const double> a, std::span<const double> b,
                                   double tie_tolerance) {
  CLINBENCH_STATS_EXPECT(a.size() == b.size());
  CLINBENCH_STATS_EXPECT(tie_tolerance >= 0);
  StatsWinTieLoss counts;
  for (size_t i = 0; i < a.size(); ++i) {
    const double difference = a[i] - b[i];
    if (difference > tie_tolerance) {
      ++counts.wins;
    } else if (difference < -tie_tolerance) {
      ++counts.losses;
    } else {
      ++counts.ties;
    }
  }
  return counts;
}

std::optional<StatsPairedComparison> stats_paired_compare(std::span<const double> a,
                                                          std::span<const double> b,
                                                          const StatsBootstrapOptions& bootstrap,
                                                          double tie_tolerance) {
  CLINBENCH_STATS_EXPECT(a.size() == b.size());
  const std::optional<StatsPairedBootstrap> interval = stats_paired_bootstrap(a, b, bootstrap);
  if (!interval) {
    return std::nullopt;
  }
  StatsPairedComparison comparison{.bootstrap = *interval,
                                   .counts = stats_win_tie_loss(a, b, tie_tolerance)};

  const bool binary = std::all_of(a.begin(), a.end(), is_zero_or_one) &&
                      std::all_of(b.begin(), b.end(), is_zero_or_one);
  if (binary) {
    // Differences of 0/1 scores are exactly -1, 0 or 1: with no tolerance, wins and losses are
    // the discordant pairs whatever tolerance the caller chose for the reported counts.
    const StatsWinTieLoss discordant = stats_win_tie_loss(a, b, 0.0);
    comparison.p_value = stats_mcnemar_exact(discordant.wins, discordant.losses);
    comparison.test = StatsPairedTest::mcnemar_exact;
    return comparison;
  }

  std::vector<double> differences(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    differences[i] = a[i] - b[i];
  }
  const StatsSignFlipTest test = stats_sign_flip_test(
      differences, {.seed = bootstrap.seed, .tie_tolerance = tie_tolerance});
  comparison.p_value = test.p_value;
  switch (test.method) {
    case StatsSignFlipMethod::no_differences:
      comparison.test = StatsPairedTest::none;
      break;
    case StatsSignFlipMethod::exact:
      comparison.test = StatsPairedTest::sign_flip_exact;
      break;
    case StatsSignFlipMethod::monte_carlo:
      comparison.test = StatsPairedTest::sign_flip_monte_carlo;
      break;
  }
  return comparison;
}

}  // namespace clinbench
