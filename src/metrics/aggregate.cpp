// Averages over items. The reference code (CLUE's update_results) appended the first item of
// every metric twice, biasing each mean toward item one; these count every item once.
#include "clinbench/metrics.h"

namespace clinbench {

double metric_f_measure(double precision, double recall) {
  // Same expression and order as rouge_score's scoring.fmeasure, for bit-identical results.
  if (precision + recall > 0) return 2 * precision * recall / (precision + recall);
  return 0.0;
}

double metric_mean(std::span<const double> values) {
  if (values.empty()) return 0.0;
  double sum = 0.0;
  for (double value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

void metric_accuracy_add(Accuracy& counts, bool correct) {
  counts.total += 1;
  if (correct) counts.correct += 1;
}

double metric_accuracy(const Accuracy& counts) {
  if (counts.total <= 0) return 0.0;
  return static_cast<double>(counts.correct) / static_cast<double>(counts.total);
}

}  // namespace clinbench
