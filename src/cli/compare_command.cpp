// clinbench compare: paired statistics between runs of different models on the same items.
#include <cstdio>

#include "cli/commands.h"
#include "clinbench/compare.h"

namespace clinbench::cli {

namespace {

struct CompareSettings {
  std::vector<std::filesystem::path> run_dirs;
  std::filesystem::path pairs_file;
  std::filesystem::path exclude_ids;
  std::filesystem::path output_dir = "clinbench-compare";
  std::vector<std::string> margins;
  std::string factorial;  // BASE,BASE_RAG,FINE_TUNE,FINE_TUNE_RAG
  std::string gold_documents;  // FILE or "item-id"
  CompareOptions options;
};

}  // namespace

Command add_compare_command(CLI::App& parent) {
  auto settings = std::make_shared<CompareSettings>();
  CLI::App* app = parent.add_subcommand(
      "compare",
      "Compare runs of different models on the same items: per task, metric and pair, the\n"
      "difference of means (fine-tune - base) with a paired bootstrap 95% interval, an exact\n"
      "McNemar (0/1 scores) or sign-flip p-value, Holm-corrected over the whole table, and\n"
      "win/tie/loss counts. Refuses runs whose items or prompts differ, or where a request failed\n"
      "in one run only (failed items are missing, never losses). Writes compare.md,\n"
      "compare.json, compare_scores.csv and compare_pairs.csv; prints the Markdown tables.\n"
      "Example: clinbench compare runs/openbio-8b runs/llama3-8b   (every run against the first)");
  app->add_option("runs", settings->run_dirs,
                  "run folders written by `clinbench run` (results.json + samples/)");
  app->add_option(
         "--pairs", settings->pairs_file,
         "YAML list of {fine_tune: NAME_OR_DIR, base: NAME_OR_DIR} (optional fine_tune_name,\n"
         "base_name rename runs); default: every run against the first")
      ->check(CLI::ExistingFile);
  app->add_option("--output-dir", settings->output_dir, "where the tables and compare.json go")
      ->capture_default_str();
  app->add_flag("--allow-mismatch", settings->options.allow_mismatch,
                "compare only the items both runs hold when their items or prompts differ (said in "
                "the output)");
  app->add_flag("--allow-failures", settings->options.allow_failures,
                "where a request failed in one run of a pair but not the other (a timeout, a context\n"
                "overflow), leave those items out of both sides (said in the output) instead of refusing");
  app->add_option("--exclude-ids", settings->exclude_ids,
                  "file of item ids (ID or TASK<TAB>ID a line, e.g. audit's flagged.tsv): adds the paired\n"
                  "table on the clean subset without them beside the full one")
      ->check(CLI::ExistingFile);
  app->add_option("--seed", settings->options.seed, "seed of the bootstrap and sign-flip streams")
      ->capture_default_str();
  app->add_option("--resamples", settings->options.resamples,
                  "bootstrap resamples for the 95% intervals")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app->add_option("--alpha", settings->options.alpha,
                  "mark rows whose Holm-adjusted p is below this")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app->add_option("--margin", settings->margins,
                  "equivalence margin METRIC=DELTA or TASK.METRIC=DELTA in the metric's units (acc=0.05 is 5\n"
                  "points); repeatable. Rows with a margin can read equivalent or non-inferior (docs/compare.md)");
  app->add_option("--target-difference", settings->options.target_difference,
                  "the difference (metric units) whose needed number of items each row reports")
      ->check(CLI::Range(1e-9, 1.0))
      ->capture_default_str();
  app->add_option("--factorial", settings->factorial,
                  "BASE,BASE_RAG,FINE_TUNE,FINE_TUNE_RAG: four runs (names or folders) of a fine-tuning x\n"
                  "retrieval design on the same items: adds the effects of retrieval, of fine-tuning, their\n"
                  "interaction and fine-tune vs base+RAG");
  app->add_option("--gold-documents", settings->gold_documents,
                  "with --factorial: FILE of ITEM_ID<TAB>DOCUMENT_ID (or TASK<TAB>ITEM_ID<TAB>DOCUMENT_ID) lines, or\n"
                  "item-id (each item's own id names its document, e.g. PubMedQA over its abstracts): adds the\n"
                  "retrieval effects for items whose gold passage was retrieved and for those whose was not");
  return {app, [settings] {
            for (const std::string& margin : settings->margins) compare_margin_parse(margin, settings->options.margins);
            std::vector<ComparePairEntry> entries;
            if (!settings->pairs_file.empty()) entries = compare_pairs_read(settings->pairs_file);
            if (!settings->exclude_ids.empty()) {
              settings->options.exclude_ids = audit_excluded_ids_read(settings->exclude_ids);
            }
            CompareInput input =
                compare_input_load(settings->run_dirs, entries, settings->pairs_file);
            if (input.pairs.empty())
              throw Error("compare needs two run folders or more (or a pairs file naming them)");
            if (!settings->factorial.empty())
              settings->options.factorial = compare_factorial_parse(settings->factorial, input.runs);
            if (!settings->gold_documents.empty()) {
              if (settings->factorial.empty()) throw Error("--gold-documents needs --factorial (the runs with and without retrieval)");
              settings->options.gold_documents = compare_gold_documents_read(settings->gold_documents);
            }
            CompareResult result = compare_runs(input.runs, input.pairs, settings->options);
            compare_write(settings->output_dir, input.runs, result);
            std::printf("%s\n", compare_markdown(input.runs, result).c_str());
            std::printf("written: %s, compare.json, compare_scores.csv, compare_pairs.csv, compare_verdicts.csv\n",
                        (settings->output_dir / "compare.md").c_str());
            return 0;
          }};
}

}  // namespace clinbench::cli
