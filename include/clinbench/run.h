// The evaluation flow shared by `run` and `demo`: validate every task's data, open the model,
// evaluate each task, write results.json and the samples; a RunObserver sees it. Suites: suite.h.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/results.h"

namespace clinbench {

struct RunSettings {
  std::string model_spec;
  std::vector<std::string> tasks;
  std::filesystem::path data_dir;
  std::filesystem::path output_dir;
  int64_t limit = -1;
  double limit_fraction = 0;            // in (0, 1): that share of each task's items instead (--limit 0.1)
  int32_t num_fewshot = -1;
  uint64_t seed = 1234;
  int64_t bootstrap_resamples = 10000;
  std::filesystem::path cache;          // response cache; empty = OUTPUT_DIR/cache.sqlite
  bool no_cache = false;
  std::filesystem::path icd10cm;        // ICD-10-CM order file; default DATA/icd10cm/icd10cm_order_2019.txt
  bool allow_absolute_paths = false;    // task and suite files may name files outside their folder
  std::vector<std::string> bertscore_models;  // [NAME=]gguf:PATH of BERT-style embedding models; none = no BERTScore
  int32_t bertscore_layer = -1;         // every task's layer; -1 = each task's own (the study's), 0 = the last
  std::string longhealth_document_order;  // "question" | "patient"; empty = the task's own
  std::filesystem::path exclude_ids;    // ids left out of each task's clean_subset (audit.h format); empty = none
  // Retrieval augmentation (docs/rag.md): an index folder from `clinbench index build`; empty = none.
  std::filesystem::path rag_index;
  int32_t rag_k = 5;                    // passages per item
  std::string rag_mode = "bm25";        // bm25 | dense | hybrid
  std::string rag_embed_model;          // dense/hybrid: gguf:PATH when the index's model has moved
  BackendOptions backend;
  std::vector<std::string> command_line;
  // The output folder may hold another model's results, or this model's under another
  // configuration: replace them (and their samples) instead of stopping.
  bool overwrite = false;
  // Read and validate every task and its data, then return 0 before anything else (a suite
  // does this once, so a bad task file is reported once, before any model loads).
  bool check_tasks_only = false;
};

// Exit status of a run that wrote its results but has failed requests (retried by the same
// command again) or a task without any answered item.
inline constexpr int kRunIncomplete = 3;

// How far a counted stage has come (a task's requests, retrieval, BERTScore); retries and
// failures: requests retried after a transient server failure, and those that failed for good.
struct RunProgressUpdate {
  int64_t done = 0, total = 0, retries = 0, failures = 0;
};

// One counted stage while it runs (destroyed when it ends); update may come from several threads.
class RunProgress {
 public:
  virtual ~RunProgress() = default;
  virtual void update(const RunProgressUpdate& update) = 0;
};

// A run that wrote its results. missing: items without an answer, by task and cause, a line
// each; exclude_ids: the file whose items each task's clean_subset leaves out (empty = none).
struct RunOutcome {
  std::filesystem::path output_dir;
  RunResult results;       // results.json as written (the tasks without their samples)
  int status = 0;          // 0, or kRunIncomplete
  std::vector<std::string> missing;
  std::filesystem::path exclude_ids;
  std::string rag_system_name;  // with retrieval: compare's name for the run
};

// What a run tells its caller while it works (each default ignores it): notes for the user,
// counted stages ("medqa" in "requests", "medqa retrieval" in "items", "medqa BERTScore" in
// "pairs"; null shows nothing), each finished run.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void note(const std::string& message);
  virtual std::unique_ptr<RunProgress> progress(const std::string& label, const std::string& unit);
  virtual void run_finished(const RunOutcome& outcome);  // a suite: each model's run
};

// Writes settings.output_dir/results.json and samples/; observer may be null. Throws Error for
// a run that cannot start. check_tasks_only: returns an empty outcome after the checks.
RunOutcome run_pipeline(const RunSettings& settings, RunObserver* observer = nullptr);

}  // namespace clinbench
