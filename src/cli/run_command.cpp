// clinbench run: evaluate one model on tasks.
#include "cli/command_line_habits.h"
#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "cli/run_options.h"
#include "cli/run_printer.h"
#include "clinbench/run.h"
#include "clinbench/suite.h"

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
      "Example: clinbench run --model gguf:model.gguf --tasks medqa,pubmedqa --data-dir data\n"
      "A request that fails (server errors, timeouts, a prompt too long for the context) leaves its\n"
      "item missing, never scored as wrong: metrics cover the answered items. Exit status 3: the\n"
      "run is incomplete (failed requests, which the same command again retries; or a task with\n"
      "no answered item).");
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
  app->add_option_function<std::string>(
         "--limit",
         [settings](const std::string& text) {
           ItemLimit limit = item_limit_parse(text);
           settings->limit = limit.items;
           settings->limit_fraction = limit.fraction;
         },
         "evaluate only the first N items of each task (N >= 1), or below 1 that fraction of each\n"
         "task's items, rounded up (lm-eval's --limit 0.1)")
      ->type_name("N|FRACTION");
  app->add_option("--num-fewshot", settings->num_fewshot, "few-shot examples (default: the task's own)")
      ->check(option_at_least(-1, "at least 0 (or -1: the task's own)"));
  app->add_option("--seed", settings->seed, "seed for shuffles, draws and bootstrap intervals")->capture_default_str();
  app->add_option("--output-dir", settings->output_dir, "where results.json and samples/ go")->capture_default_str();
  app->add_option("--bootstrap-resamples", settings->bootstrap_resamples, "resamples for the 95% intervals")
      ->check(option_between(1, 100000000))->capture_default_str();
  app->add_option("--cache", settings->cache,
                  "response cache (SQLite); default OUTPUT_DIR/cache.sqlite. A rerun computes only what is missing");
  app->add_flag("--no-cache", settings->no_cache, "do not read or write a response cache");
  app->add_flag("--overwrite", settings->overwrite,
                "replace the results in --output-dir when they are another model's, or this model's under\n"
                "another configuration (else the run stops; the same model and configuration resume)");
  app->add_option("--rag", settings->rag_index,
                  "retrieval-augmented prompts from this index (`clinbench index build`; docs/rag.md): each item's\n"
                  "passages go into the task's {retrieved} slot or a block before its question")->group("Retrieval");
  app->add_option("--rag-k", settings->rag_k, "passages per item")->check(CLI::Range(1, 100))->capture_default_str()
      ->group("Retrieval");
  app->add_option("--rag-mode", settings->rag_mode, "bm25, dense (needs an index with --embed-model) or hybrid (RRF)")
      ->check(CLI::IsMember({"bm25", "dense", "hybrid"}))->capture_default_str()->group("Retrieval");
  app->add_option("--rag-embed-model", settings->rag_embed_model,
                  "dense/hybrid: gguf:PATH of the index's embedding model when it has moved")->group("Retrieval");
  app->add_flag("--allow-absolute-paths", settings->allow_absolute_paths,
                "let task and suite files name files outside the data directory (suites: outside\n"
                "the suite's folder), by absolute path or ../; off, such a path stops the run");
  app->add_option("--icd10cm", settings->icd10cm,
                  "ICD-10-CM code set (CMS order file) for the valid-code rate; default DATA/icd10cm/icd10cm_order_2019.txt");
  app->add_option("--bertscore-model", settings->bertscore_models,
                  "NAME=gguf:PATH or gguf:PATH of a BERT-style embedding model: adds BERTScore P/R/F1 to\n"
                  "summary tasks. Repeat it to name several: each task uses the one named by its\n"
                  "bertscore.model (the study: scibert for MeQSum, bio_clinicalbert for problem lists and\n"
                  "MeDiSumQA); an unnamed one serves the tasks whose named model is not given, if they\n"
                  "name one model only")
      ->allow_extra_args(false);
  app->add_option("--bertscore-layer", settings->bertscore_layer,
                  "encoder layer whose output BERTScore matches, counted from 1, for every task (0 = the\n"
                  "last); default: each task's bertscore.layer, the study's (SciBERT 8, Bio_ClinicalBERT 9)")
      ->check(option_at_least(0));
  app->add_option("--exclude-ids", settings->exclude_ids,
                  "file of item ids (ID or TASK<TAB>ID a line, e.g. audit's flagged.tsv): results.json adds\n"
                  "each task's metrics on the clean subset without them")->check(CLI::ExistingFile);
  app->add_option("--longhealth-document-order", settings->longhealth_document_order,
                  "LongHealth letters drawn per 'question' (the published protocol, default) or per\n"
                  "'patient' and repeat (every question of a patient sees the same letters: computed once)")
      ->check(CLI::IsMember({"question", "patient"}));
  add_backend_options(*app, settings->backend);
  add_progress_options(*app);
  return {app, [settings, suite_file] {
            RunPrinter printer;
            if (!suite_file->empty()) return print_suite_outcome(run_suite(*suite_file, *settings, &printer));
            if (settings->model_spec.empty() || settings->tasks.empty()) {
              throw Error("run needs --model and --tasks, or --suite FILE");
            }
            settings->model_spec = model_spec_with_scheme(settings->model_spec);  // a bare x.gguf
            return run_pipeline(*settings, &printer).status;
          }};
}

}  // namespace clinbench::cli
