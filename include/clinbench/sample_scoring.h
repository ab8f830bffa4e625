// Per-sample scoring: a task's metrics applied to one example and its responses. Aggregation
// over samples (means with bootstrap intervals) happens later; these are the per-item values.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/metrics.h"
#include "clinbench/tasks.h"

namespace clinbench {

struct SampleScore {
  // ok | extraction_failed | context_overflow | empty_continuation | backend_error. The last
  // three mean the request got no answer: the sample is missing (no values), not wrong.
  std::string status = "ok";
  std::string extracted;                 // what was read from the output (a letter, ...)
  std::map<std::string, double> values;  // metric name -> this sample's value
  nlohmann::json details = nlohmann::json::object();
  // The answer the metrics read, after the task's output_cleanup; nullopt when the task declares
  // no clean-up or the request failed (the metrics then read the response as generated).
  std::optional<std::string> scored_response;
};

// True when a sample with this status has an answer and counts in its task's metrics (ok,
// extraction_failed: the model answered, however badly); false when its request failed
// (backend_error, context_overflow, empty_continuation): such a sample is missing.
bool scoring_status_answered(std::string_view status);

// What some metrics need beyond the example and the response. Owned by the caller.
struct ScoringResources {
  const IcdCodeSet* icd_codes = nullptr;  // valid_code_rate and the list of invalid codes
  Backend* bertscore = nullptr;           // --bertscore-model: BERTScore of summaries (this task's embedding model)
  // How BERTScore's texts reach that model: the engine sets schedule_embedding (deduplicated,
  // cached); unset = embed_all, straight to the backend.
  EmbeddingFunction bertscore_embed;
  nlohmann::json bertscore_choice;        // how that model and layer were chosen, added to the summary
  ProgressCallback bertscore_progress;    // (pairs embedded, total) while BERTScore runs
};

// What a sample scorer of the metric table (MetricSampleScorer) reads: one answered sample of a
// generation task. Borrowed for the call.
struct MetricSampleInput {
  const TaskSpec& spec;
  const Example& example;
  std::string_view answer;  // the response after the task's output_cleanup
  const ScoringResources& resources;
};

// Where the task's metrics come from (the table's MetricSource): its kind and scoring.
MetricSource scoring_metric_source(const TaskSpec& spec);

// The BERTScore metrics (the table's rows scored by score_bertscore), in the order results show them.
const std::vector<std::string>& bertscore_metric_names();

// True when the task lists a BERTScore metric in its YAML (then a model is required).
bool scoring_lists_bertscore(const TaskSpec& spec);

// True when the task gets BERTScore: it lists a BERTScore metric, or it reports ROUGE (a summary
// task) and a BERTScore model was given.
bool scoring_wants_bertscore(const TaskSpec& spec, const ScoringResources& resources);

// Throws Error "FILE:LINE: field 'metrics': ..." (the line of the task's metrics key) when a
// metric has no row in the metric table, or its row does not list the task's source.
void scoring_check_metrics(const TaskSpec& spec);

// True when the task reports a metric that needs the ICD-10-CM code set.
bool scoring_needs_icd_codes(const TaskSpec& spec);

// Multiple choice by log-likelihood: acc (highest summed log-prob is the answer) and acc_norm
// (log-prob divided by the continuation's length in characters, its leading target delimiter
// left out, as lm-evaluation-harness does). A failed option request leaves the sample without
// values, with that request's status (missing, not wrong).
SampleScore score_loglikelihood_choice(const TaskSpec& spec, const Example& example,
                                       std::span<const LoglikelihoodResponse> options,
                                       std::span<const std::string> continuations);

// Generated answers, after the task's output_cleanup (metrics/output_cleanup.h). The kinds
// (kinds.h) pick one: items with options read the letter (acc, extraction_failure; with
// answer_rule longhealth the study's rule, adding chose_unanswerable and hallucination_rate);
// generation tasks compare with the reference: rouge1, rouge2, rougeL (F-measures); acc (the
// study's label rule: the upper-cased reference occurs exactly once in the upper-cased output)
// and exact_acc (the trimmed output is the label); ICD-10 codes: exact_/approx_ precision,
// recall, f1 and valid_code_rate, with the invalid (hallucinated) codes listed in details.
SampleScore score_generated_choice(const TaskSpec& spec, const Example& example, const GenerationResponse& response,
                                   const ScoringResources& resources);
SampleScore score_generated_reference(const TaskSpec& spec, const Example& example,
                                      const GenerationResponse& response, const ScoringResources& resources);

// BERTScore of every answered response (its scored_response where the task cleans answers)
// against its example's reference (one embedding pass for
// the whole task), added to scores[i].values as bertscore_precision/recall/f1 with token counts
// and truncation flags in details; a sample without a response gets no values, like its ROUGE.
// Returns the metric's settings and counts for results.json (empty outputs, texts cut to the
// model's length). Needs resources.bertscore. Throws Error when the model fails.
nlohmann::json score_bertscore(const ScoringResources& resources, std::span<const Example> examples,
                               std::span<const GenerationResponse> responses, std::span<SampleScore> scores);

}  // namespace clinbench
