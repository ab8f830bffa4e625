// clinbench report: one offline HTML file with charts, paired statistics and every sample.
#include <cstdio>

#include "cli/commands.h"
#include "clinbench/compare.h"
#include "clinbench/report.h"

namespace clinbench::cli {

namespace {

struct ReportSettings {
  std::vector<std::filesystem::path> run_dirs;
  std::filesystem::path pairs_file;
  std::vector<std::string> margins;
  std::string factorial;  // BASE,BASE_RAG,FINE_TUNE,FINE_TUNE_RAG
  std::string gold_documents;  // FILE or "item-id"
  std::filesystem::path output = "report.html";
  std::filesystem::path vega_dir;
  CompareOptions options;
  ReportOptions report;
};

}  // namespace

Command add_report_command(CLI::App& parent) {
  auto settings = std::make_shared<ReportSettings>();
  CLI::App* app = parent.add_subcommand(
      "report",
      "Write one HTML file that opens offline in any browser: scores per task with 95% intervals,\n"
      "a forest plot of paired differences (fine-tune - base), extraction-failure and\n"
      "hallucination rates, and a browser of every sample (prompt, response, target, scores).\n"
      "Example: clinbench report runs/openbio-8b runs/llama3-8b -o report.html");
  app->add_option("runs", settings->run_dirs,
                  "run folders written by `clinbench run`, or folders holding runs (a suite's output):\n"
                  "every run below such a folder is included, in path order");
  app->add_option("-o,--output", settings->output, "the HTML file to write")->capture_default_str();
  app->add_option("--pairs", settings->pairs_file,
                  "YAML list of {fine_tune: NAME_OR_DIR, base: NAME_OR_DIR}; default: every run "
                  "against the first")
      ->check(CLI::ExistingFile);
  app->add_flag("--allow-mismatch", settings->options.allow_mismatch,
                "compare only the items both runs hold when their items or prompts differ");
  app->add_flag("--allow-failures", settings->options.allow_failures,
                "leave items whose request failed in one run of a pair out of both sides instead of refusing");
  app->add_option("--seed", settings->options.seed, "seed of the bootstrap and sign-flip streams")
      ->capture_default_str();
  app->add_option("--resamples", settings->options.resamples, "bootstrap resamples")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app->add_option("--alpha", settings->options.alpha, "significance level after Holm correction")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app->add_option("--margin", settings->margins,
                  "equivalence margin METRIC=DELTA or TASK.METRIC=DELTA (acc=0.05 is 5 points); repeatable");
  app->add_option("--target-difference", settings->options.target_difference,
                  "the difference whose needed number of items each row reports")
      ->check(CLI::Range(1e-9, 1.0))
      ->capture_default_str();
  app->add_option("--factorial", settings->factorial,
                  "BASE,BASE_RAG,FINE_TUNE,FINE_TUNE_RAG: four runs (names or folders) of a fine-tuning x\n"
                  "retrieval design on the same items");
  app->add_option("--gold-documents", settings->gold_documents,
                  "with --factorial: FILE of ITEM_ID<TAB>DOCUMENT_ID lines, or item-id: adds the retrieval\n"
                  "effects for items whose gold passage was retrieved and for those whose was not");
  app->add_option("--title", settings->report.title, "the report's title")->capture_default_str();
  app->add_option("--max-text-chars", settings->report.max_text_chars,
                  "cut prompts and responses longer than this in the sample browser (the samples "
                  "files keep them whole)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app->add_option("--vega-dir", settings->vega_dir,
                  "folder with vega.min.js, vega-lite.min.js, vega-embed.min.js (default "
                  "$CLINBENCH_VEGA_DIR or\n"
                  "~/.cache/clinbench/vega, filled by scripts/fetch-vega.sh)");
  return {app, [settings] {
            // The libraries first: a missing one should not cost the user a long comparison.
            ReportAssets assets = report_assets_load(
                settings->vega_dir.empty() ? report_assets_default_dir() : settings->vega_dir);
            for (const std::string& margin : settings->margins) compare_margin_parse(margin, settings->options.margins);
            std::vector<ComparePairEntry> entries;
            if (!settings->pairs_file.empty()) entries = compare_pairs_read(settings->pairs_file);
            std::vector<std::filesystem::path> run_dirs;
            for (const std::filesystem::path& dir : settings->run_dirs) {
              std::vector<std::filesystem::path> found = compare_find_runs(dir);
              if (found.empty()) throw Error("no run (a folder with results.json) at or below " + dir.string());
              if (found.size() > 1 || found.front() != dir) {
                std::fprintf(stderr, "%s: %zu runs found\n", dir.c_str(), found.size());
              }
              run_dirs.insert(run_dirs.end(), found.begin(), found.end());
            }
            CompareInput input = compare_input_load(run_dirs, entries, settings->pairs_file);
            if (!settings->factorial.empty())
              settings->options.factorial = compare_factorial_parse(settings->factorial, input.runs);
            if (!settings->gold_documents.empty()) {
              if (settings->factorial.empty()) throw Error("--gold-documents needs --factorial (the runs with and without retrieval)");
              settings->options.gold_documents = compare_gold_documents_read(settings->gold_documents);
            }
            CompareResult result = compare_runs(input.runs, input.pairs, settings->options);
            settings->report.generated_at = local_timestamp();
            std::string html = report_html(input.runs, result, assets, settings->report);
            if (settings->output.has_parent_path())
              std::filesystem::create_directories(settings->output.parent_path());
            write_file_atomic(settings->output, html);
            for (const std::string& note : result.notes)
              std::fprintf(stderr, "note: %s\n", note.c_str());
            std::printf("report: %s (%.1f MB, opens offline)\n", settings->output.c_str(),
                        double(html.size()) / 1e6);
            return 0;
          }};
}

}  // namespace clinbench::cli
