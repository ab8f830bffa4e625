// Suites: a YAML file naming models, tasks and pairs (fine-tune → base). run_suite evaluates
// every model on every task into OUTPUT/MODEL_NAME/ (run.h's run_pipeline), then compares the
// pairs into OUTPUT/compare/ and, where the chart libraries are installed, writes
// OUTPUT/report.html (`clinbench run --suite FILE`). The file (every key known; a typo is an error naming the file, line and key):
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
//       rag: DIR                      # optional: retrieval-augmented (docs/rag.md), an index folder
//       rag_mode: bm25  rag_k: 5      # optional with rag: bm25 | dense | hybrid, passages per item
//       prompt_format: instruct       # optional: instruct | instruct-no-system | base (as --prompt-format)
//       chat_template: FILE | NAME    # optional, gguf: a Jinja file or a template name (as --chat-template)
//       gpu_layers: -1  split_mode: layer  tensor_split: [3, 1]  main_gpu: 0
//                                     # optional, gguf: where the model runs (as the run flags)
//   pairs:                            # optional; default: every model against the first
//     - {fine_tune: OpenBioLLM-8B, base: Llama-3-8B-Instruct}
//   compare: {resamples: 10000, alpha: 0.05}   # optional; also margins: {acc: 0.05,
//                                     #   medqa.acc: 0.03}, target_difference: 0.05 and
//                                     #   factorial: [BASE, BASE_RAG, FINE_TUNE, FINE_TUNE_RAG]
//   bertscore_models:                 # optional: BERTScore models by the names tasks give
//     scibert: gguf:PATH              #   (bertscore.model); as --bertscore-model NAME=gguf:PATH
// Relative paths (data_dir, task files, gguf: paths) are relative to the suite file's folder and
// may not climb out of it; absolute paths (also after ${VAR} expansion) and paths that climb out
// need --allow-absolute-paths, so that a suite someone shares cannot point the run at arbitrary
// files.
// A model left as FILL_IN (the shipped study suite does this) is an error that says what to put
// there, raised before any model runs.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/compare.h"
#include "clinbench/run.h"

namespace clinbench {

struct SuiteModel {
  std::string name;         // folder name under the output folder and display name
  std::string spec;         // gguf:PATH (resolved after parsing) or openai:URL, variables expanded
  std::string model_name;   // server model name; empty = the server's only model
  std::string api_key_env;  // empty = the run's default
  std::string description;
  // Retrieval augmentation of this model's run ("X+rag" beside "X"): an index folder, resolved
  // like the suite's other paths; empty = none. Mode and k override the run's --rag-mode/--rag-k.
  std::filesystem::path rag_index;
  std::string rag_mode;
  std::optional<int32_t> rag_k;
  std::optional<ChatFormat> prompt_format;  // unset = the run's --prompt-format, else the model's template
  std::string chat_template;                // Jinja text; empty = the run's --chat-template, else the GGUF's
  std::string chat_template_source;         // the name or the resolved file, for results.json
  // Where the model runs (as --gpu-layers, --split-mode, --tensor-split, --main-gpu); unset =
  // the run's flags.
  std::optional<int32_t> gpu_layers;
  std::optional<SplitMode> split_mode;
  std::optional<std::vector<float>> tensor_split;
  std::optional<int32_t> main_gpu;
  int64_t line = 0;  // where the entry starts in the suite file
};

struct Suite {
  std::filesystem::path path;
  std::string name;
  std::string description;
  std::vector<std::string> tasks;
  std::optional<std::filesystem::path> data_dir;  // resolved against the suite's folder
  std::optional<int64_t> limit;
  std::optional<int32_t> num_fewshot;
  std::optional<uint64_t> seed;
  std::vector<SuiteModel> models;
  std::vector<ComparePairEntry> pairs;  // sides are model names; empty = every model vs the first
  std::optional<int64_t> resamples;
  std::optional<double> alpha;
  std::vector<std::string> bertscore_models;  // NAME=gguf:PATH (resolved), as --bertscore-model takes them
  std::map<std::string, double> margins;      // compare.margins (compare --margin)
  std::optional<double> target_difference;    // compare.target_difference
  std::string factorial;                      // compare.factorial, "B,BR,F,FR" (compare --factorial)
};

// Parses and checks a suite: known keys, types, unique model names, placeholders filled,
// environment variables set, paths inside the suite's folder (unless allow_absolute_paths),
// gguf files present, pairs naming defined models. `path` is used in messages and to resolve
// relative paths. Throws Error "PATH:LINE: field 'FIELD': ..." and nothing else.
Suite suite_parse(std::string_view yaml_text, const std::filesystem::path& path,
                  bool allow_absolute_paths = false);

// suite_parse on the file's contents; throws Error naming the file when it cannot be read.
Suite suite_read(const std::filesystem::path& path, bool allow_absolute_paths = false);

// The settings of one model's run: `defaults` (the command line) with the suite's tasks, data,
// limit, few-shot count, seed and the model's spec and server options, into output_dir/NAME,
// with the suite's one cache output_dir/cache.sqlite unless the command line names another.
RunSettings suite_run_settings(const Suite& suite, const SuiteModel& model,
                               const RunSettings& defaults);

// What a suite tells its caller while it works, beyond each model's run (RunObserver).
class SuiteObserver : public RunObserver {
 public:
  // Model `index` (from 0) of suite.models starts its run.
  virtual void suite_model_started(const Suite& suite, size_t index);
};

// A suite when every model has run.
struct SuiteOutcome {
  int status = 0;                        // 0 when every model ran completely, else 1
  std::vector<std::string> failed_models;  // failed or incomplete runs, in suite order
  bool compared = false;                 // false: too few models ran to compare
  std::string comparison_markdown;       // compare_markdown of the pairs
  std::filesystem::path comparison_dir;  // OUTPUT/compare
  std::filesystem::path report_file;     // OUTPUT/report.html; empty when not written
  std::string report_error;              // why there is no report.html (chart libraries missing)
};

// Runs every model of the suite (run_pipeline, into defaults.output_dir/MODEL_NAME), then
// compares the pairs into defaults.output_dir/compare/, then writes
// defaults.output_dir/report.html when the chart libraries are installed. A model that fails is
// reported (observer->note) and the others still run; its pairs are left out, as are those of a
// model whose run is incomplete (failed requests). Items one model of a pair failed (a context
// overflow the other fit) leave both sides with a note. Throws Error for a suite that cannot
// start (checked before any model loads: the suite file, every task file and data set).
// observer may be null.
SuiteOutcome run_suite(const std::filesystem::path& suite_file, const RunSettings& defaults,
                       SuiteObserver* observer = nullptr);

}  // namespace clinbench
