// The results format of a run: typed samples (samples/TASK.jsonl, one line each), task results
// and the run configuration (results.json). This stage is the only writer and the only reader of
// those files; engine fills the types, compare, report and the CLI read them back through here.
//
// results.json (format kResultsFormatVersion):
//   {"clinbench_version", "format_version", "model": {"spec", "backend", "fingerprint",
//    "context_length", "details"}, "config": {...RunConfig...},
//    "tasks": {"TASK": {...TaskResult...}}}
// Objects are written with their keys in sorted order, so the bytes depend only on the values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinbench/backends.h"
#include "clinbench/stats.h"

namespace clinbench {

// Version of the results.json layout; readers refuse newer versions they do not know.
inline constexpr int kResultsFormatVersion = 1;

// --- samples/TASK.jsonl ---------------------------------------------------------------------

// One option of a log-likelihood item: the continuation's summed log-probability.
struct SampleOptionLoglikelihood {
  double logprob = 0;
  bool is_greedy = false;
  int64_t tokens = 0;          // continuation tokens
  std::string status = "ok";   // request_status_name

  bool operator==(const SampleOptionLoglikelihood&) const = default;
};

// A generated answer and what the backend reported about it.
struct SampleGeneration {
  std::string response;                   // as generated
  std::string finish_reason;              // finish_reason_name
  int64_t prompt_tokens = 0;
  int64_t generated_tokens = 0;
  // The text the metrics read after the task's output_cleanup; absent when it has none.
  std::optional<std::string> scored_response;
  int64_t prompt_tokens_cut = 0;          // the server cut this many from the left; written when > 0

  bool operator==(const SampleGeneration&) const = default;
};

// A passage retrieval put into the prompt (docs/rag.md).
struct SampleRetrievedPassage {
  std::string id;
  int32_t chunk = 0;
  double score = 0;

  bool operator==(const SampleRetrievedPassage&) const = default;
};

// How the input was cut to fit: the task's truncate field (field) or the server's left cut
// (side "left"); side set means the second.
struct SampleTruncation {
  std::string field;
  std::string side;
  int64_t removed_tokens = 0;

  bool operator==(const SampleTruncation&) const = default;
};

// One item of a task, as samples/TASK.jsonl holds it: what was asked, answered and scored.
// A log-likelihood item has option_loglikelihoods, a generated one has generation, a multiple-
// choice item (either scoring) has options. Keys this version does not know stay in extra.
struct Sample {
  std::string id;
  int64_t line = 0;                      // 1-based line of the item in its data file
  std::string prompt;                    // the text the model saw
  std::string prompt_key;                // sha256 of the prompt apart from the chat template
  std::string target;                    // the gold letter (multiple choice) or reference text
  std::optional<std::vector<std::string>> options;
  std::optional<std::vector<SampleOptionLoglikelihood>> option_loglikelihoods;
  std::optional<std::vector<std::string>> option_continuations;
  std::optional<SampleGeneration> generation;
  nlohmann::json prompt_details;         // open-ended (e.g. LongHealth's documents); null = none
  std::optional<std::vector<SampleRetrievedPassage>> retrieved;
  std::optional<SampleTruncation> truncated;
  std::optional<std::string> cluster;    // the task's cluster_by key
  std::string extracted;                 // what was read from the output (a letter, ...)
  // metric -> value (NaN, written as null, where a metric had none). Missing samples (a failed
  // request) hold no values: see status.
  std::map<std::string, double> scores;
  std::string status = "ok";             // ok | extraction_failed | a failed request's status
  nlohmann::json details;                // open-ended scoring details; null = none
  bool excluded = false;                 // run --exclude-ids left it out of the clean subset
  nlohmann::json extra = nlohmann::json::object();  // keys this version does not know

  bool operator==(const Sample&) const = default;
};

nlohmann::json sample_to_json(const Sample& sample);
// For nlohmann's implicit conversion (a Sample reads as its JSON line).
void to_json(nlohmann::json& json, const Sample& sample);

// Reads one sample line's object; absent keys take the defaults above. Throws Error naming file,
// line and field (e.g. "scores.acc") for a value of the wrong type.
Sample sample_from_json(const nlohmann::json& object, const std::filesystem::path& file, int64_t line);
// For nlohmann's conversion (json.get<Sample>(), samples written inline in tests); errors name no file.
void from_json(const nlohmann::json& json, Sample& sample);

// --- results.json: tasks ----------------------------------------------------------------------

// How a task's requests were answered (engine's ScheduleCounts, as written).
struct TaskRequestCounts {
  int64_t total = 0;
  int64_t deduplicated = 0;
  int64_t from_cache = 0;
  int64_t computed = 0;
  int64_t errors = 0;
};

// tasks.T.clean_subset (run --exclude-ids): the metrics over the items not excluded.
struct TaskCleanSubset {
  int64_t n = 0;
  int64_t excluded = 0;
  std::map<std::string, std::optional<StatsEstimate>> metrics;
  std::map<std::string, int64_t> statuses;
};

// One task of a run. The members above `samples` are results.json's tasks.T entry; samples,
// per_sample and cluster_of_sample exist in memory only (samples go to samples/T.jsonl).
struct TaskResult {
  std::string task;
  int64_t n = 0;                      // samples scored
  int64_t dataset_items = 0;          // records in the dataset
  int64_t shots = 0;
  // Every metric with its estimate; nullopt (written as null value and interval) when no
  // sample was answered. The estimate's n is not written (it is `answered`).
  std::map<std::string, std::optional<StatsEstimate>> metrics;
  std::vector<std::string> metric_order;    // the task's metrics in its own order
  std::map<std::string, int64_t> statuses;  // status -> samples
  // Samples with an answer (scoring_status_answered), over which every metric is computed, and
  // those whose request failed, by status (backend_error, context_overflow, ...): missing, not
  // wrong. answered + the failed counts == n.
  int64_t answered = 0;
  std::map<std::string, int64_t> failed;
  // Why the metrics have no value when no sample was answered ("no answered item: 5
  // context_overflow"); empty otherwise. Written as each null metric's "reason".
  std::string no_value_reason;
  int64_t truncated = 0;              // samples whose input was cut to fit the context
  TaskRequestCounts requests;         // how the requests were answered (cache, computed, ...)
  ComputeCounters compute;            // tokens_decoded, decode_calls (0 when all cached)
  double seconds = 0;                 // wall time of the task, scoring included
  // Hash over every sample's id and prompt_key (the prompt apart from the chat template):
  // equal for two models asked the same things; compare refuses runs where it differs.
  std::string prompt_sha256;
  nlohmann::json bertscore;           // the BERTScore model and counts; null when not computed
  nlohmann::json data_notes;          // TaskData::notes (e.g. LongHealth gold ambiguities); may be empty
  int64_t clusters = 0;               // cluster_by: how many clusters the intervals resample; 0 = none
  std::optional<TaskCleanSubset> clean_subset;
  nlohmann::json extra = nlohmann::json::object();  // keys this version does not know

  std::vector<Sample> samples;        // one per example, in dataset order
  // metric -> values in sample order; NaN for a sample without an answer (left out of means).
  std::map<std::string, std::vector<double>> per_sample;
  // The task's cluster_by: each sample's cluster number (dense, empty without cluster_by).
  std::vector<uint32_t> cluster_of_sample;
};

// The values of the answered samples: per_sample without its NaNs, in order.
std::vector<double> task_answered_values(std::span<const double> per_sample);

// The bootstrap estimate over the answered samples (per_sample without its NaNs), resampling
// whole clusters when cluster_of_sample (one number per sample, or empty) is given.
std::optional<StatsEstimate> task_answered_estimate(std::span<const double> per_sample,
                                                    std::span<const uint32_t> cluster_of_sample,
                                                    const StatsBootstrapOptions& bootstrap);

// --- results.json: config ---------------------------------------------------------------------

// A file the run read, and its content hash.
struct RunFileDigest {
  std::string path;
  std::string sha256;

  bool operator==(const RunFileDigest&) const = default;
};

// config.task_details.T: where the task came from and how it was asked and scored.
struct TaskRunConfig {
  std::string source;                      // the task file, or the embedded name
  std::string scoring;                     // loglikelihood | generate
  std::string chat_format;                 // chat_format_name
  std::string chat_template_sha256;        // empty without a template
  std::vector<RunFileDigest> data_files;
  std::vector<std::string> output_cleanup; // output_cleanup_name of each step, in order
  std::string description;                 // for the report

  bool operator==(const TaskRunConfig&) const = default;
};

// config.rag: the retrieval index a retrieval-augmented run used.
struct RunRagConfig {
  std::string index;                       // absolute path
  std::string mode;                        // bm25 | dense | hybrid
  int64_t k = 0;                           // passages per item
  std::string query;                       // how queries are formed (docs/rag.md)
  nlohmann::json manifest;                 // the index's manifest, as the index wrote it

  bool operator==(const RunRagConfig&) const = default;
};

// results.json's config: what decided the run's results.
struct RunConfig {
  std::vector<std::string> tasks;          // as typed: names or YAML paths
  std::map<std::string, TaskRunConfig> task_details;
  std::string data_dir;
  int64_t limit = -1;                      // -1 = every item (or limit_fraction)
  std::optional<double> limit_fraction;    // --limit 0.1: that share of each task's items
  int64_t num_fewshot = -1;                // the flag as given; -1 = each task's own
  uint64_t seed = 1234;
  int64_t bootstrap_resamples = 10000;
  std::optional<std::string> cache;        // the response cache; nullopt = --no-cache
  std::vector<std::string> bertscore_models;
  std::optional<RunFileDigest> icd10cm;    // the ICD-10-CM code set, when a task read it
  std::optional<RunRagConfig> rag;
  nlohmann::json backend_options = nlohmann::json::object();  // the backend's settings, open-ended
  std::vector<std::string> command_line;
  std::string created_at;                  // UTC, ISO 8601
  std::optional<RunFileDigest> exclude_ids;  // run --exclude-ids
  nlohmann::json extra = nlohmann::json::object();  // keys this version does not know

  bool operator==(const RunConfig&) const = default;
};

nlohmann::json run_config_to_json(const RunConfig& config);
RunConfig run_config_from_json(const nlohmann::json& object, const std::filesystem::path& file);

// --- results.json as a whole ------------------------------------------------------------------

struct RunResult {
  std::string clinbench_version = CLINBENCH_VERSION;
  int format_version = kResultsFormatVersion;
  ModelInfo model;
  RunConfig config;
  std::vector<TaskResult> tasks;           // written under tasks.T, in name order
  nlohmann::json extra = nlohmann::json::object();  // keys this version does not know
};

// The task named `task` in the run, or nullptr when the run lacks it.
const TaskResult* run_result_task(const RunResult& run, std::string_view task);

// The results.json document (samples are not in it).
nlohmann::json results_to_json(const RunResult& run);

// Reads a results.json document (samples empty). Throws Error naming file and field for a newer
// format version, a missing tasks object, or a value of the wrong type.
RunResult results_from_json(const nlohmann::json& document, const std::filesystem::path& file);

// With `run --exclude-ids`: marks every sample that `excluded(task, id)` names as excluded (so
// compare sees it too) and gives each task a clean_subset, the task's metrics over the items
// left, with bootstrap intervals drawn as the full set's. Every task gets one, also with nothing
// excluded, so a reader knows the check ran. Needs samples and per_sample (a run in memory).
using ResultsExcludedItem = std::function<bool(const std::string& task, const std::string& id)>;
void results_add_clean_subsets(RunResult& run, const ResultsExcludedItem& excluded,
                               const StatsBootstrapOptions& bootstrap);

// --- files --------------------------------------------------------------------------------------

// Writes DIR/samples/TASK.jsonl of every task, then DIR/results.json, each atomically (a reader
// sees the old file or the new one). Text that is not valid UTF-8 (a token cut mid-character) is
// written with U+FFFD in its place. Throws Error naming the file when writing fails.
void results_write(const std::filesystem::path& output_dir, const RunResult& run);

// DIR/results.json, typed (samples not read): valid JSON, a format version this clinbench reads,
// a tasks object, each value of its type. Throws Error naming the file (and field).
RunResult results_read(const std::filesystem::path& run_dir);

// A samples file, typed. Throws Error naming file, line and field.
std::vector<Sample> samples_read(const std::filesystem::path& file);

}  // namespace clinbench
