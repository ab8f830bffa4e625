// The metric table: one row per metric (include/clinbench/metrics.h, "the metric table").
// Each scorer is declared here beside its rows and defined in its own file; adding a metric is
// one such file plus one row (HACKING.md, "How to add a metric").
#include "clinbench/metrics.h"
#include "clinbench/sample_scoring.h"

namespace clinbench {

// Sample scorers of generation tasks (one file each under src/metrics/).
void score_rouge(const MetricSampleInput& input, SampleScore& score);      // rouge_scorer.cpp
void score_label(const MetricSampleInput& input, SampleScore& score);      // label_scorer.cpp
void score_icd_codes(const MetricSampleInput& input, SampleScore& score);  // icd_codes_scorer.cpp

namespace {

using enum MetricDirection;
using enum MetricAggregation;

constexpr MetricSource every_choice =
    MetricSource::loglikelihood_choice | MetricSource::generated_choice | MetricSource::longhealth;
constexpr MetricSource generated_answers = MetricSource::generated_choice | MetricSource::longhealth;

// The direction of each row is what compare has always used (the rows reproduce its old
// name rule exactly, so no comparison changes), now written down instead of guessed.
constexpr MetricDefinition kMetrics[] = {
    // Multiple choice and LongHealth: the task kind's own scoring writes these (see
    // sample_scoring.cpp); on a generation task "acc" is the study's label rule.
    {"acc", higher_is_better, mean_over_answered, MetricNeeds::nothing, every_choice | MetricSource::generation,
     score_label, nullptr,
     "accuracy: 1 when the answer is the gold one (choice: the chosen letter; labels: the gold label occurs "
     "exactly once in the upper-cased output), else 0", "accuracy"},
    {"acc_norm", higher_is_better, mean_over_answered, MetricNeeds::nothing, MetricSource::loglikelihood_choice,
     nullptr, nullptr,
     "accuracy when each option's log-likelihood is divided by its length in characters (lm-evaluation-harness)",
     "accuracy (length-normalised)"},
    {"extraction_failure", lower_is_better, mean_over_answered, MetricNeeds::nothing, generated_answers, nullptr,
     nullptr, "1 when no answer letter could be read from the output (scored wrong in acc), else 0",
     "answer not found"},
    {"hallucination_rate", lower_is_better, mean_over_answered, MetricNeeds::nothing, MetricSource::longhealth,
     nullptr, nullptr,
     "LongHealth task 3: 1 when the model gives an answer other than 'cannot be answered' though the documents "
     "do not hold it, else 0", "hallucination rate"},
    // Kept as compare's old rule gave it (higher is better) so that no comparison moves; choosing
    // F when the answer is in the documents is a mistake, so lower is probably right: a decision
    // for issue 17's coordinator (one word here).
    {"chose_unanswerable", higher_is_better, mean_over_answered, MetricNeeds::nothing, MetricSource::longhealth,
     nullptr, nullptr,
     "LongHealth tasks 2 and 3: 1 when the model chose option F, 'cannot be answered with provided documents'",
     "chose unanswerable"},
    // Generation: the generated text against the reference.
    {"rouge1", higher_is_better, mean_over_answered, MetricNeeds::nothing, MetricSource::generation, score_rouge,
     nullptr, "ROUGE-1 F-measure against the reference (Google rouge_score, no stemming)", "ROUGE-1"},
    {"rouge2", higher_is_better, mean_over_answered, MetricNeeds::nothing, MetricSource::generation, score_rouge,
     nullptr, "ROUGE-2 F-measure against the reference (Google rouge_score, no stemming)", "ROUGE-2"},
    {"rougeL", higher_is_better, mean_over_answered, MetricNeeds::nothing, MetricSource::generation, score_rouge,
     nullptr, "ROUGE-L (sentence-level LCS) F-measure against the reference (Google rouge_score)", "ROUGE-L"},
    {"exact_acc", higher_is_better, mean_over_answered, MetricNeeds::nothing, MetricSource::generation, score_label,
     nullptr, "1 when the trimmed output is the gold label, ignoring ASCII case, else 0", "exact-label accuracy"},
    {"exact_precision", higher_is_better, mean_over_answered, MetricNeeds::icd_code_set, MetricSource::generation,
     score_icd_codes, nullptr, "ICD-10 codes: share of the predicted codes that are gold codes", "code precision"},
    {"exact_recall", higher_is_better, mean_over_answered, MetricNeeds::icd_code_set, MetricSource::generation,
     score_icd_codes, nullptr, "ICD-10 codes: share of the gold codes that were predicted", "code recall"},
    {"exact_f1", higher_is_better, mean_over_answered, MetricNeeds::icd_code_set, MetricSource::generation,
     score_icd_codes, nullptr, "ICD-10 codes: F1 of exact_precision and exact_recall", "code F1"},
    {"approx_precision", higher_is_better, mean_over_answered, MetricNeeds::icd_code_set, MetricSource::generation,
     score_icd_codes, nullptr, "ICD-10 codes: precision on 3-character categories", "category precision"},
    {"approx_recall", higher_is_better, mean_over_answered, MetricNeeds::icd_code_set, MetricSource::generation,
     score_icd_codes, nullptr, "ICD-10 codes: recall on 3-character categories", "category recall"},
    {"approx_f1", higher_is_better, mean_over_answered, MetricNeeds::icd_code_set, MetricSource::generation,
     score_icd_codes, nullptr, "ICD-10 codes: F1 on 3-character categories", "category F1"},
    {"valid_code_rate", higher_is_better, mean_over_answered, MetricNeeds::icd_code_set, MetricSource::generation,
     score_icd_codes, nullptr, "ICD-10 codes: share of the predicted codes that exist in ICD-10-CM (0 when none)",
     "valid ICD-10 codes"},
    {"bertscore_precision", higher_is_better, mean_over_answered, MetricNeeds::embedder, MetricSource::generation,
     nullptr, score_bertscore, "BERTScore precision against the reference (bert_score, no idf, no rescaling)",
     "BERTScore precision"},
    {"bertscore_recall", higher_is_better, mean_over_answered, MetricNeeds::embedder, MetricSource::generation,
     nullptr, score_bertscore, "BERTScore recall against the reference (bert_score, no idf, no rescaling)",
     "BERTScore recall"},
    {"bertscore_f1", higher_is_better, mean_over_answered, MetricNeeds::embedder, MetricSource::generation, nullptr,
     score_bertscore, "BERTScore F1 against the reference (bert_score, no idf, no rescaling)", "BERTScore F1"},
    // Compare's calibration rows for log-likelihood tasks (compare/calibration_rows.cpp).
    {"ece", lower_is_better, paired_calibration, MetricNeeds::nothing, MetricSource::compare, nullptr, nullptr,
     "expected calibration error of the chosen option's probability, over 15 equal-mass bins", "ece"},
    {"brier", lower_is_better, paired_calibration, MetricNeeds::nothing, MetricSource::compare, nullptr, nullptr,
     "Brier score: sum over options of (probability - [option is gold])^2", "brier"},
    {"chosen_probability", higher_is_better, paired_calibration, MetricNeeds::nothing, MetricSource::compare, nullptr,
     nullptr, "the probability the model gave the option it chose", "chosen probability"},
};

}  // namespace

std::span<const MetricDefinition> metric_definitions() { return kMetrics; }

const MetricDefinition* metric_definition_find(std::string_view name) {
  for (const MetricDefinition& definition : kMetrics) {
    if (definition.name == name) return &definition;
  }
  return nullptr;
}

std::string metric_headline(std::span<const std::string> metrics) {
  for (const std::string& metric : metrics) {
    const MetricDefinition* definition = metric_definition_find(metric);
    if (definition && definition->direction == MetricDirection::higher_is_better) return metric;
  }
  return metrics.empty() ? "" : metrics.front();
}

}  // namespace clinbench
