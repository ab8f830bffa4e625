// Suites: a YAML file naming models, tasks and pairs (fine-tune → base). `clinbench run --suite
// FILE` evaluates every model on every task into OUTPUT/MODEL_NAME/, then compares the pairs
// into OUTPUT/compare/ and, where the chart libraries are installed, writes OUTPUT/report.html.
//
// The file (every key known; a typo is an error naming the file, line and key):
//   name: reference_study             # optional, for messages
//   description: ...                  # optional, free text
//   tasks: [medqa, meqsum]            # built-in task names or task YAML paths
//   data_dir: DIR                     # optional; default: the run's --data-dir
//   limit: N   num_fewshot: K   seed: S   # optional; default: the run's flags
//   models:                           # two or more
//     - name: Llama-3-8B-Instruct     # unique; letters, digits, . _ + - only (a folder name)
//       model: gguf:PATH | openai:URL # ${VAR} is replaced by the environment variable VAR
//       model_name: NAME              # server backends: the model to ask for
//       api_key_env: VAR              # server backends: where the key is (default OPENAI_API_KEY)
//       description: ...              # optional, free text
//   pairs:                            # optional; default: every model against the first
//     - {fine_tune: OpenBioLLM-8B, base: Llama-3-8B-Instruct}
//   compare: {resamples: 10000, alpha: 0.05}   # optional
// Relative paths (data_dir, task files, gguf: paths) are relative to the suite file's folder.
// A model left as FILL_IN (the shipped study suite does this) is an error that says what to put
// there, raised before any model runs.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/run_pipeline.h"
#include "clinbench/compare.h"

namespace clinbench::cli {

struct SuiteModel {
  std::string name;         // folder name under the output folder and display name
  std::string spec;         // gguf:PATH (absolute after parsing) or openai:URL, variables expanded
  std::string model_name;   // server model name; empty = the server's only model
  std::string api_key_env;  // empty = the run's default
  std::string description;
  int64_t line = 0;  // where the entry starts in the suite file
};

struct Suite {
  std::filesystem::path path;
  std::string name;
  std::string description;
  std::vector<std::string> tasks;
  std::optional<std::filesystem::path> data_dir;  // absolute
  std::optional<int64_t> limit;
  std::optional<int32_t> num_fewshot;
  std::optional<uint64_t> seed;
  std::vector<SuiteModel> models;
  std::vector<ComparePairEntry> pairs;  // sides are model names; empty = every model vs the first
  std::optional<int64_t> resamples;
  std::optional<double> alpha;
};

// Parses and checks a suite: known keys, types, unique model names, placeholders filled,
// environment variables set, gguf files present, pairs naming defined models. `path` is used in
// messages and to resolve relative paths. Throws Error "PATH:LINE: field 'FIELD': ...".
Suite suite_parse(std::string_view yaml_text, const std::filesystem::path& path);

// suite_parse on the file's contents; throws Error naming the file when it cannot be read.
Suite suite_read(const std::filesystem::path& path);

// The settings of one model's run: `defaults` (the command line) with the suite's tasks, data,
// limit, few-shot count, seed and the model's spec and server options, into output_dir/NAME.
RunSettings suite_run_settings(const Suite& suite, const SuiteModel& model,
                               const RunSettings& defaults);

// Runs every model of the suite (run_pipeline, into defaults.output_dir/MODEL_NAME), then
// compares the pairs into defaults.output_dir/compare/ and prints the tables, then writes
// defaults.output_dir/report.html when the chart libraries are installed. A model that fails is
// reported and the others still run; its pairs are left out. Returns 0 when every model ran,
// 1 otherwise. Throws Error for a suite that cannot start (checked before any model loads).
int run_suite(const std::filesystem::path& suite_file, const RunSettings& defaults);

}  // namespace clinbench::cli
