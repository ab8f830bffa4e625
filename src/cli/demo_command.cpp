// clinbench demo: a complete evaluation with nothing on disk but the build. Generates a small
// random-weight model on a real tokenizer and evaluates it on 24 fictional clinical cases, by
// option log-likelihood and by generated answer. A random model scores at chance (25%).
#include <cstdio>
#include <cstdlib>

#include "backends/llama/test_model.h"
#include "cli/commands.h"
#include "cli/demo_data.h"
#include "cli/run_pipeline.h"

namespace clinbench::cli {

namespace {

std::filesystem::path vocab_dir() {
  if (const char* value = std::getenv("CLINBENCH_VOCAB_DIR"); value && *value) return value;
  return CLINBENCH_LLAMA_MODELS_DIR;
}

}  // namespace

Command add_demo_command(CLI::App& parent, const std::vector<std::string>& command_line) {
  auto settings = std::make_shared<RunSettings>();
  settings->command_line = command_line;
  settings->output_dir = "clinbench-demo";
  CLI::App* app = parent.add_subcommand(
      "demo",
      "Generate a tiny test model and evaluate it on 24 fictional clinical cases (no downloads).\n"
      "Shows the whole flow: tasks, prompts, scoring, 95% intervals, results.json and samples.");
  app->add_option("--output-dir", settings->output_dir, "where results.json and samples/ go")->capture_default_str();
  add_backend_options(*app, settings->backend);
  return {app, [settings] {
            std::filesystem::path demo_dir = user_cache_dir() / "demo";
            std::filesystem::create_directories(demo_dir / "demo");
            write_file_atomic(demo_dir / "demo" / "clinical_demo.jsonl", kDemoCasesJsonl);

            TestModelOptions model;
            model.vocab_path = vocab_dir() / "ggml-vocab-llama-bpe.gguf";
            model.out_path = demo_dir / "demo-llama3-tokenizer-random.gguf";
            model.chat_template = "llama3";
            model.layers = 4;
            model.embedding = 256;
            model.heads = 8;
            model.kv_heads = 4;
            model.feed_forward = 512;
            if (!std::filesystem::exists(model.vocab_path)) {
              throw Error("the demo needs llama.cpp's vocab files; not found at " + model.vocab_path.string() +
                          " (run scripts/setup.sh, or set CLINBENCH_VOCAB_DIR to llama.cpp's models/ folder)");
            }
            if (!std::filesystem::exists(model.out_path)) {
              std::fprintf(stderr, "writing a random-weight demo model (Llama-3 tokenizer) to %s\n",
                           model.out_path.c_str());
              write_test_model(model);
            }
            settings->model_spec = "gguf:" + model.out_path.string();
            settings->tasks = {"demo_clinical", "demo_clinical_gen"};
            settings->data_dir = demo_dir;
            int status = run_pipeline(*settings);
            std::printf("\nThe demo model has random weights, so about 25%% correct is the expected score;\n"
                        "the intervals show how little 24 items can tell. Next: `clinbench tasks`, then\n"
                        "`clinbench run --model gguf:YOUR.gguf --tasks medqa --data-dir DATA`.\n");
            return status;
          }};
}

}  // namespace clinbench::cli
