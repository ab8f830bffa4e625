// Calibration: softmax over options, ECE over 15 equal-mass bins, Brier, and the cluster
// bootstrap of ECE, against make_analysis_golden.py (numpy and scipy).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "clinbench/stats.h"
#include "stats_golden.h"

namespace clinbench {
namespace {

std::vector<StatsCalibrationItem> items_of(const nlohmann::json& item) {
  std::vector<StatsCalibrationItem> items;
  const nlohmann::json& rows = item.at("option_loglikelihoods");
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::vector<double> loglikelihoods = rows[i].get<std::vector<double>>();
    items.push_back(stats_calibration_item(loglikelihoods, item.at("gold")[i].get<size_t>()));
  }
  return items;
}

TEST(StatsCalibration, ItemsMatchGolden) {
  const nlohmann::json calibration = stats_analysis_golden("calibration");  // kept alive for the loop
  for (const auto& item : calibration.at("items")) {
    const std::vector<StatsCalibrationItem> items = items_of(item);
    for (size_t i = 0; i < items.size(); ++i) {
      EXPECT_TRUE(stats_close(items[i].chosen_probability, item.at("chosen_probability")[i].get<double>(), 1e-12))
          << item.at("name") << " item " << i;
      EXPECT_EQ(items[i].correct, item.at("correct")[i].get<double>() == 1.0) << item.at("name") << " item " << i;
      EXPECT_TRUE(stats_close(items[i].brier, item.at("brier")[i].get<double>(), 1e-12, 1e-15))
          << item.at("name") << " item " << i;
    }
  }
}

TEST(StatsCalibration, EstimatesMatchGolden) {
  const nlohmann::json calibration = stats_analysis_golden("calibration");  // kept alive for the loop
  for (const auto& item : calibration.at("items")) {
    const std::vector<StatsCalibrationItem> items = items_of(item);
    const std::vector<uint32_t> clusters = stats_cluster_index(item.at("cluster_keys").get<std::vector<std::string>>());
    const StatsBootstrapOptions options{.seed = item.at("seed").get<uint64_t>(),
                                        .resamples = item.at("resamples").get<int64_t>()};
    const StatsCalibrationEstimates estimates = *stats_calibration(items, clusters, options);
    const std::string name = item.at("name").get<std::string>();
    EXPECT_TRUE(stats_close(estimates.ece.value, item.at("ece").get<double>(), 1e-12, 1e-15)) << name;
    EXPECT_TRUE(stats_close(estimates.ece.ci_low, item.at("ece_ci_low").get<double>(), 1e-11, 1e-14)) << name;
    EXPECT_TRUE(stats_close(estimates.ece.ci_high, item.at("ece_ci_high").get<double>(), 1e-11, 1e-14)) << name;
    EXPECT_TRUE(stats_close(estimates.brier.value, item.at("brier_mean").get<double>(), 1e-12)) << name;
    EXPECT_TRUE(stats_close(estimates.chosen_probability.value, item.at("chosen_probability_mean").get<double>(), 1e-12))
        << name;
  }
}

// Equal-width bins (the other common ECE) give a different number on the over-confident model:
// binning by width instead of mass would fail EstimatesMatchGolden.
TEST(StatsCalibration, EqualMassIsNotEqualWidth) {
  const nlohmann::json item = stats_analysis_golden("calibration").at("items").at(0);
  EXPECT_GT(std::fabs(item.at("ece").get<double>() - item.at("ece_equal_width").get<double>()), 0.01);
  EXPECT_TRUE(stats_close(stats_expected_calibration_error(items_of(item)), item.at("ece").get<double>(), 1e-12));
}

TEST(StatsCalibration, PairedEceMatchesGolden) {
  const nlohmann::json calibration = stats_analysis_golden("calibration");
  const nlohmann::json& paired = calibration.at("paired_ece");
  const std::vector<StatsCalibrationItem> a = items_of(calibration.at("items").at(paired.at("a").get<size_t>()));
  const std::vector<StatsCalibrationItem> b = items_of(calibration.at("items").at(paired.at("b").get<size_t>()));
  const StatsPairedCalibration result = *stats_paired_ece(
      a, b, {}, {.seed = paired.at("seed").get<uint64_t>(), .resamples = paired.at("resamples").get<int64_t>()});
  EXPECT_TRUE(stats_close(result.difference, paired.at("difference").get<double>(), 1e-12, 1e-15));
  EXPECT_TRUE(stats_close(result.ci_low, paired.at("ci_low").get<double>(), 1e-11, 1e-14));
  EXPECT_TRUE(stats_close(result.ci_high, paired.at("ci_high").get<double>(), 1e-11, 1e-14));
  EXPECT_TRUE(stats_close(result.ci90_low, paired.at("ci90_low").get<double>(), 1e-11, 1e-14));
  EXPECT_TRUE(stats_close(result.ci90_high, paired.at("ci90_high").get<double>(), 1e-11, 1e-14));
  EXPECT_EQ(result.p_value, paired.at("p_value").get<double>());
}

TEST(StatsCalibration, SoftmaxDoesNotUnderflow) {
  const std::vector<double> loglikelihoods = {-1200.0, -1201.0};
  const StatsCalibrationItem item = stats_calibration_item(loglikelihoods, 0);
  EXPECT_TRUE(item.correct);
  EXPECT_TRUE(stats_close(item.chosen_probability, 1 / (1 + std::exp(-1.0)), 1e-14));
}

}  // namespace
}  // namespace clinbench
