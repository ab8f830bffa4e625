// The table's scorer of a generation task's acc and exact_acc: the gold label in the output.
#include "clinbench/metrics.h"
#include "clinbench/sample_scoring.h"

namespace clinbench {

void score_label(const MetricSampleInput& input, SampleScore& score) {
  const std::string& label = input.example.reference;
  score.values["acc"] = metric_label_match_once(input.answer, label) ? 1.0 : 0.0;
  score.values["exact_acc"] = metric_label_exact(input.answer, label) ? 1.0 : 0.0;
  score.details["label_occurrences"] = metric_label_count(input.answer, label);
}

}  // namespace clinbench
