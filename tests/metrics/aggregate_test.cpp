// Means and accuracy over items.
#include <gtest/gtest.h>

#include <vector>

#include "clinbench/metrics.h"

namespace clinbench {
namespace {

TEST(MetricMean, CountsEveryItemOnce) {
  // CLUE's update_results appended the first value twice: [1, 1, 0, 0] -> 0.5 instead of 1/3.
  std::vector<double> values = {1.0, 0.0, 0.0};
  EXPECT_DOUBLE_EQ(metric_mean(values), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(metric_mean(std::vector<double>{0.25}), 0.25);
  EXPECT_EQ(metric_mean({}), 0.0);
}

TEST(MetricFMeasure, HarmonicMeanOrZero) {
  EXPECT_DOUBLE_EQ(metric_f_measure(0.5, 0.5), 0.5);
  EXPECT_DOUBLE_EQ(metric_f_measure(1.0, 0.5), 2.0 / 3.0);
  EXPECT_EQ(metric_f_measure(0.0, 0.0), 0.0);
  EXPECT_EQ(metric_f_measure(1.0, 0.0), 0.0);
}

TEST(MetricAccuracy, CountsAndShare) {
  Accuracy counts;
  EXPECT_EQ(metric_accuracy(counts), 0.0);
  metric_accuracy_add(counts, true);
  metric_accuracy_add(counts, false);
  metric_accuracy_add(counts, true);
  metric_accuracy_add(counts, true);
  EXPECT_EQ(counts.correct, 3);
  EXPECT_EQ(counts.total, 4);
  EXPECT_DOUBLE_EQ(metric_accuracy(counts), 0.75);
  // The study's NEJM figures: 42 of 140 is 30.0%.
  EXPECT_DOUBLE_EQ(metric_accuracy(Accuracy{42, 140}), 0.3);
}

}  // namespace
}  // namespace clinbench
