// clinbench demo: a complete evaluation with nothing on disk but the build. Generates two small
// random-weight models on a real tokenizer (a "fine-tune" and its "base"), evaluates each on 24
// fictional clinical cases, by option log-likelihood and by generated answer, then compares the
// pair and writes the HTML report. Random models score at chance (25%) and differ by chance.
#include <cstdio>
#include <cstdlib>

#include "clinbench/test_model.h"
#include "cli/commands.h"
#include "cli/demo_data.h"
#include "cli/run_options.h"
#include "cli/run_printer.h"
#include "clinbench/run.h"
#include "clinbench/compare.h"
#include "clinbench/report.h"

namespace clinbench::cli {

namespace {

std::filesystem::path vocab_dir() {
  if (const char* value = std::getenv("CLINBENCH_VOCAB_DIR"); value && *value) return value;
  return CLINBENCH_LLAMA_MODELS_DIR;
}

// The demo's model: a 4-layer Llama on Llama 3's tokenizer and template; the seed makes two.
std::string demo_model(const std::filesystem::path& demo_dir, const std::string& role, uint64_t seed) {
  TestModelOptions model;
  model.vocab_path = vocab_dir() / "ggml-vocab-llama-bpe.gguf";
  model.out_path = demo_dir / ("demo-" + role + "-llama3-tokenizer-random.gguf");
  model.chat_template = "llama3";
  model.layers = 4;
  model.embedding = 256;
  model.heads = 8;
  model.kv_heads = 4;
  model.feed_forward = 512;
  model.seed = seed;
  model.name = "demo " + role + " (random weights)";
  if (!std::filesystem::exists(model.vocab_path)) {
    throw Error("the demo needs llama.cpp's vocab files; not found at " + model.vocab_path.string() +
                " (run scripts/setup.sh, or set CLINBENCH_VOCAB_DIR to llama.cpp's models/ folder)");
  }
  if (!std::filesystem::exists(model.out_path)) {
    std::fprintf(stderr, "writing a random-weight demo model (%s, Llama-3 tokenizer) to %s\n", role.c_str(),
                 model.out_path.c_str());
    write_test_model(model);
  }
  return "gguf:" + model.out_path.string();
}

// The point of clinbench: the pair on the same items, paired statistics, the report.
void compare_and_report(const std::filesystem::path& base_dir, const std::filesystem::path& fine_tune_dir,
                        const RunSettings& settings) {
  std::vector<CompareRun> runs = {compare_run_load(base_dir), compare_run_load(fine_tune_dir)};
  compare_runs_name_unique(runs);
  CompareOptions options;
  options.seed = settings.seed;
  options.resamples = settings.bootstrap_resamples;
  CompareResult result = compare_runs(runs, compare_pairs_default(runs.size()), options);
  std::filesystem::path compare_dir = settings.output_dir / "compare";
  compare_write(compare_dir, runs, result);
  std::printf("\nThe pair, item by item (fine-tune - base):\n%s\n", compare_markdown(runs, result).c_str());
  std::filesystem::path report_file = settings.output_dir / "report.html";
  try {
    ReportAssets assets = report_assets_load(report_assets_default_dir());
    ReportOptions report;
    report.title = "clinbench demo: fine-tune vs base";
    report.generated_at = local_timestamp();
    write_file_atomic(report_file, report_html(runs, result, assets, report));
    std::printf("report: %s (open it in a browser; it works offline)\n", report_file.c_str());
  } catch (const Error& e) {
    // The comparison stands without the HTML; say how to get it.
    std::printf("no HTML report: %s\n", e.what());
  }
}

}  // namespace

Command add_demo_command(CLI::App& parent, const std::vector<std::string>& command_line) {
  auto settings = std::make_shared<RunSettings>();
  settings->command_line = command_line;
  settings->output_dir = "clinbench-demo";
  CLI::App* app = parent.add_subcommand(
      "demo",
      "Generate two tiny test models (a \"fine-tune\" and its \"base\") and evaluate each on 24\n"
      "fictional clinical cases (no downloads), then compare the pair and write the HTML report.\n"
      "Shows the whole flow: tasks, prompts, scoring, 95% intervals, paired tests, results.json,\n"
      "samples and report.html.");
  app->add_option("--output-dir", settings->output_dir,
                  "where base/, fine-tune/, compare/ and report.html go")->capture_default_str();
  add_backend_options(*app, settings->backend);
  // The demo runs the embedded engine only: the server options would be noise in its --help.
  std::vector<CLI::Option*> server_options;
  for (CLI::Option* option : app->get_options()) {
    if (option->get_group() == "Server (openai:URL)") server_options.push_back(option);
  }
  for (CLI::Option* option : server_options) app->remove_option(option);
  add_progress_options(*app);
  return {app, [settings] {
            std::filesystem::path demo_dir = user_cache_dir() / "demo";
            std::filesystem::create_directories(demo_dir / "demo");
            write_file_atomic(demo_dir / "demo" / "clinical_demo.jsonl", kDemoCasesJsonl);
            settings->tasks = {"demo_clinical", "demo_clinical_gen"};
            settings->data_dir = demo_dir;

            RunSettings base = *settings, fine_tune = *settings;
            base.model_spec = demo_model(demo_dir, "base", 42);
            base.output_dir = settings->output_dir / "base";
            fine_tune.model_spec = demo_model(demo_dir, "fine-tune", 7);
            fine_tune.output_dir = settings->output_dir / "fine-tune";
            std::printf("The base model:\n");
            RunPrinter printer;
            int status = run_pipeline(base, &printer).status;
            std::printf("\nThe demo model has random weights, so about 25%% correct is the expected score;\n"
                        "the intervals show how little 24 items can tell.\n\nThe \"fine-tune\" (other random weights):\n");
            if (status == 0) status = run_pipeline(fine_tune, &printer).status;
            if (status != 0) return status;
            compare_and_report(base.output_dir, fine_tune.output_dir, *settings);
            std::printf("\nBoth models are random, so any difference is chance: a paired test on 24 items should\n"
                        "find none significant. Next: `clinbench tasks`, then\n"
                        "`clinbench run --model YOUR.gguf --tasks medqa --data-dir DATA`.\n");
            return status;
          }};
}

}  // namespace clinbench::cli
