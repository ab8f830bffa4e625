// The evaluation flow shared by `run` and `demo`: validate every task's data, open the model,
// evaluate each task with a progress bar, write results.json and the samples, print the table.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "clinbench/backends.h"

namespace clinbench::cli {

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

// The data folder: --data-dir if given, else $CLINBENCH_DATA, else ./data.
std::filesystem::path default_data_dir();

// Exit status of a run that wrote its results but has failed requests (retried by the same
// command again) or a task without any answered item.
inline constexpr int kRunIncomplete = 3;

// Returns the exit status: 0, or kRunIncomplete. Throws Error for a run that cannot start.
int run_pipeline(const RunSettings& settings);

// --quiet and --progress bar|json|none (the process-wide ProgressStyle), for `run` and `demo`.
void add_progress_options(CLI::App& app);

// Adds the options shared by `run` and `demo` that tune the embedded engine.
void add_backend_options(CLI::App& app, BackendOptions& options);


}  // namespace clinbench::cli
