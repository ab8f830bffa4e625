// The normal quantile and McNemar's minimum detectable difference against scipy.
#include <gtest/gtest.h>

#include "clinbench/stats.h"
#include "stats_golden.h"

namespace clinbench {
namespace {

TEST(StatsNormalQuantile, MatchesScipy) {
  const nlohmann::json power = stats_analysis_golden("power");  // kept alive for the loop
  for (const auto& item : power.at("normal_quantile")) {
    const double p = item.at("p").get<double>();
    EXPECT_TRUE(stats_close(stats_normal_quantile(p), item.at("z").get<double>(), 1e-14, 1e-15)) << "p " << p;
  }
}

TEST(StatsMcNemarPower, MatchesScipy) {
  const nlohmann::json golden = stats_analysis_golden("power");  // kept alive for the loop
  for (const auto& item : golden.at("mcnemar")) {
    const int64_t n = item.at("n").get<int64_t>();
    const double share = item.at("share").get<double>();
    const double alpha = item.at("alpha").get<double>();
    const double power = item.at("power").get<double>();
    const std::optional<double> detectable = stats_mcnemar_minimum_detectable(n, share, alpha, power);
    if (item.at("minimum_detectable_difference").is_null()) {
      EXPECT_FALSE(detectable.has_value()) << "n " << n;
    } else {
      ASSERT_TRUE(detectable.has_value()) << "n " << n;
      EXPECT_TRUE(stats_close(*detectable, item.at("minimum_detectable_difference").get<double>(), 1e-9)) << "n " << n;
    }
    EXPECT_EQ(stats_mcnemar_items_needed(share, 0.05, alpha, power).value_or(-1),
              item.at("items_needed_for_0.05").get<int64_t>()) << "n " << n;
  }
}

TEST(StatsClusterStandardError, WithoutClustersIsTheSampleStandardDeviationOverRootN) {
  const std::vector<double> values = {0.1, 0.4, 0.35, 0.8, 0.2};
  // mean 0.37; squared deviations sum to 0.288; s^2 = 0.072; s / sqrt(5) = 0.12
  EXPECT_TRUE(stats_close(*stats_cluster_standard_error(values, {}), std::sqrt(0.072 / 5), 1e-12));
  EXPECT_FALSE(stats_cluster_standard_error(std::vector<double>{0.3}, {}).has_value());
}

}  // namespace
}  // namespace clinbench
