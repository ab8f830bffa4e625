// One task on one model: prompts built, requests run (sharing work inside the backend), each
// sample scored, metrics aggregated with bootstrap intervals. Nothing is dropped: every
// example yields a sample, and every failure is a counted status.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/engine.h"
#include "clinbench/stats.h"
#include "clinbench/tasks.h"
#include "metrics/sample_scoring.h"

namespace clinbench {

struct EvaluationOptions {
  uint64_t seed = 1234;               // bootstrap resampling
  int64_t bootstrap_resamples = 10000;
};

struct TaskResult {
  std::string task;
  int64_t n = 0;                      // samples scored
  int64_t dataset_items = 0;          // records in the dataset
  int64_t shots = 0;
  std::map<std::string, std::optional<StatsEstimate>> metrics;
  std::vector<std::string> metric_order;
  std::map<std::string, int64_t> statuses;  // status -> samples
  // Samples with an answer (scoring_status_answered), over which every metric is computed, and
  // those whose request failed, by status (backend_error, context_overflow, ...): missing, not
  // wrong. answered + the failed counts == n.
  int64_t answered = 0;
  std::map<std::string, int64_t> failed;
  // Why the metrics have no value when no sample was answered ("no answered item: 5
  // context_overflow"); empty otherwise.
  std::string no_value_reason;
  int64_t truncated = 0;              // samples whose input was cut to fit the context
  ScheduleCounts requests;            // how the requests were answered (cache, computed, ...)
  ComputeCounters compute;            // what the model computed for this task (0 when all cached)
  double seconds = 0;                 // wall time of the task, scoring included
  // metric -> values in sample order; NaN for a sample without an answer (left out of means).
  std::map<std::string, std::vector<double>> per_sample;
  std::vector<nlohmann::json> samples;  // one JSON object per example, in dataset order
  // Hash over every sample's id and prompt_key (the prompt apart from the chat template):
  // equal for two models asked the same things; compare refuses runs where it differs.
  std::string prompt_sha256;
  nlohmann::json bertscore;           // the BERTScore model and counts; null when not computed
  nlohmann::json data_notes;          // TaskData::notes (e.g. LongHealth gold ambiguities); may be empty
  // The task's cluster_by: each sample's cluster number (dense, empty without cluster_by) and
  // how many clusters there are.
  std::vector<uint32_t> cluster_of_sample;
  int64_t clusters = 0;
};

// The values of the answered samples: per_sample without its NaNs, in order.
std::vector<double> task_answered_values(std::span<const double> per_sample);

// The bootstrap estimate over the answered samples (per_sample without its NaNs), resampling
// whole clusters when cluster_of_sample (one number per sample, or empty) is given.
std::optional<StatsEstimate> task_answered_estimate(std::span<const double> per_sample,
                                                    std::span<const uint32_t> cluster_of_sample,
                                                    const StatsBootstrapOptions& bootstrap);

// cache may be null (no caching); every computed response is committed to it as it arrives.
TaskResult task_evaluate(Backend& backend, ResponseCache* cache, const TaskSpec& spec, const TaskData& data,
                         const EvaluationOptions& options, const ScoringResources& resources,
                         const ProgressCallback& progress);

}  // namespace clinbench
