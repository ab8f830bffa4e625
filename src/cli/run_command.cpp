// clinbench run: evaluate one model on tasks.
#include "cli/commands.h"
#include "cli/run_pipeline.h"
#include "cli/suite_runner.h"

namespace clinbench::cli {

Command add_run_command(CLI::App& parent, const std::vector<std::string>& command_line) {
  auto settings = std::make_shared<RunSettings>();
  settings->command_line = command_line;
  settings->data_dir = default_data_dir();
  settings->output_dir = "clinbench-results";
  CLI::App* app = parent.add_subcommand(
      "run",
      "Evaluate a model on tasks. Writes DIR/results.json (every metric with a 95% bootstrap\n"
      "interval) and DIR/samples/TASK.jsonl (prompt, response, target and score per item).\n"
      "Example: clinbench run --model gguf:model.gguf --tasks medqa,pubmedqa --data-dir data");
  auto suite_file = std::make_shared<std::filesystem::path>();
  CLI::Option* suite = app->add_option("--suite", *suite_file,
                                       "run every model of a suite YAML, then compare the pairs (docs/compare.md)")
                           ->check(CLI::ExistingFile);
  app->add_option("--model", settings->model_spec,
                  "gguf:PATH (a local GGUF, run by the embedded llama.cpp) or openai:URL")->excludes(suite);
  app->add_option("--tasks", settings->tasks,
                  "comma-separated task names (see `clinbench tasks`) or task YAML files")
      ->delimiter(',')->excludes(suite);
  app->add_option("--data-dir", settings->data_dir, "folder with the data sets (default $CLINBENCH_DATA or ./data)");
  app->add_option("--limit", settings->limit, "evaluate only the first N items of each task");
  app->add_option("--num-fewshot", settings->num_fewshot, "few-shot examples (default: the task's own)");
  app->add_option("--seed", settings->seed, "seed for shuffles, draws and bootstrap intervals")->capture_default_str();
  app->add_option("--output-dir", settings->output_dir, "where results.json and samples/ go")->capture_default_str();
  app->add_option("--bootstrap-resamples", settings->bootstrap_resamples, "resamples for the 95% intervals")
      ->capture_default_str();
  app->add_option("--cache", settings->cache,
                  "response cache (SQLite); default OUTPUT_DIR/cache.sqlite. A rerun computes only what is missing");
  app->add_flag("--no-cache", settings->no_cache, "do not read or write a response cache");
  app->add_option("--icd10cm", settings->icd10cm,
                  "ICD-10-CM code set (CMS order file) for the valid-code rate; default DATA/icd10cm/icd10cm_order_2019.txt");
  add_backend_options(*app, settings->backend);
  return {app, [settings, suite_file] {
            if (!suite_file->empty()) return run_suite(*suite_file, *settings);
            if (settings->model_spec.empty() || settings->tasks.empty()) {
              throw Error("run needs --model and --tasks, or --suite FILE");
            }
            return run_pipeline(*settings);
          }};
}

}  // namespace clinbench::cli
