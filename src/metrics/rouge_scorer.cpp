// The table's scorer of rouge1, rouge2 and rougeL: one ROUGE pass against the reference.
#include "clinbench/metrics.h"
#include "clinbench/sample_scoring.h"

namespace clinbench {

void score_rouge(const MetricSampleInput& input, SampleScore& score) {
  RougeScores rouge = metric_rouge(input.answer, input.example.reference);
  score.values["rouge1"] = rouge.rouge1.f;
  score.values["rouge2"] = rouge.rouge2.f;
  score.values["rougeL"] = rouge.rouge_l.f;
}

}  // namespace clinbench
