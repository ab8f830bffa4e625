#include "cli/run_pipeline.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>

#include "clinbench/engine.h"
#include "clinbench/report.h"
#include "clinbench/tasks.h"
#include "core/progress_bar.h"
#include "engine/task_evaluation.h"
#include "metrics/sample_scoring.h"

namespace clinbench::cli {

namespace {

// The output folder must be usable before hours of model work go into it.
void check_output_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error("cannot create the output folder " + dir.string() + ": " + ec.message());
  std::filesystem::path probe = dir / ".clinbench-write-test";
  try {
    write_file_atomic(probe, "ok");
  } catch (const Error&) {
    throw Error("the output folder " + dir.string() + " is not writable");
  }
  std::filesystem::remove(probe, ec);
  std::filesystem::space_info space = std::filesystem::space(dir, ec);
  if (!ec && space.available < (64u << 20)) {
    throw Error("the output folder " + dir.string() + " has less than 64 MB free");
  }
}

std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

nlohmann::json backend_json(const BackendOptions& o) {
  return {{"threads", o.threads},           {"context_length", o.context_length},
          {"batch_size", o.batch_size},     {"parallel", o.parallel},
          {"flash_attention", o.flash_attention}, {"kv_cache_f16", o.kv_cache_f16},
          {"gpu_layers", o.gpu_layers},     {"model_name", o.model_name},
          {"api_key_env", o.api_key_env},   {"concurrency", o.concurrency},
          {"request_timeout_seconds", o.request_timeout_seconds}, {"max_retries", o.max_retries}};
}

}  // namespace

std::filesystem::path default_data_dir() {
  if (const char* value = std::getenv("CLINBENCH_DATA"); value && *value) return value;
  return "data";
}

void add_backend_options(CLI::App& app, BackendOptions& options) {
  app.add_option("--threads", options.threads, "CPU threads (0 = all cores)")->capture_default_str();
  app.add_option("--ctx-size", options.context_length,
                 "context window in tokens (0 = the model's, at most 16384)")->capture_default_str();
  app.add_option("--batch-size", options.batch_size, "tokens per llama.cpp decode call")->capture_default_str();
  app.add_option("--parallel", options.parallel, "sequences generated at once")->capture_default_str();
  app.add_flag("--flash-attn", options.flash_attention,
               "use flash attention (faster on GPUs; scores then vary by ~1e-3 nats with batching)");
  app.add_flag("--kv-f16", options.kv_cache_f16,
               "keep the KV cache in f16 (half the memory; scores then vary slightly with batching)");
  app.add_option("--gpu-layers", options.gpu_layers, "layers on the GPU with a CUDA build (-1 = all)")
      ->capture_default_str();
  app.add_option("--model-name", options.model_name, "openai: the server's model name")->group("Server (openai:URL)");
  app.add_option("--api-key-env", options.api_key_env,
                 "openai: environment variable holding the API key (never printed or written)")
      ->capture_default_str()->group("Server (openai:URL)");
  app.add_option("--concurrency", options.concurrency, "openai: requests in flight")
      ->capture_default_str()->group("Server (openai:URL)");
  app.add_option("--request-timeout", options.request_timeout_seconds, "openai: seconds per request attempt")
      ->capture_default_str()->group("Server (openai:URL)");
  app.add_option("--max-retries", options.max_retries, "openai: retries after 429, 5xx, timeouts, dropped connections")
      ->capture_default_str()->group("Server (openai:URL)");
}

int run_pipeline(const RunSettings& settings) {
  // Everything that can be wrong with the input is found before the model loads.
  std::vector<TaskSpec> specs;
  std::vector<TaskData> datas;
  TaskDataOptions data_options{settings.data_dir, settings.limit, settings.num_fewshot, settings.seed};
  for (const std::string& name : settings.tasks) {
    TaskSpec spec = task_spec_find(name);
    scoring_check_metrics(spec);
    for (const TaskSpec& earlier : specs) {
      if (earlier.name == spec.name) throw Error("task '" + spec.name + "' is listed twice");
    }
    datas.push_back(task_data_load(spec, data_options));
    specs.push_back(std::move(spec));
  }
  check_output_dir(settings.output_dir);

  // The code set is read once, and only when a task scores ICD-10 codes.
  std::optional<IcdCodeSet> icd_codes;
  std::filesystem::path icd_path;
  for (const TaskSpec& spec : specs) {
    if (!scoring_needs_icd_codes(spec) || icd_codes) continue;
    icd_path = settings.icd10cm.empty() ? settings.data_dir / "icd10cm" / "icd10cm_order_2019.txt" : settings.icd10cm;
    if (!std::filesystem::exists(icd_path)) {
      throw Error("task '" + spec.name + "' checks predicted codes against ICD-10-CM; no code set at " +
                  icd_path.string() + " (give --icd10cm FILE, the CMS order file)");
    }
    icd_codes = icd_code_set_load(icd_path);
  }
  ScoringResources resources;
  if (icd_codes) resources.icd_codes = &*icd_codes;

  // Every finished response is committed here as it arrives: a killed run loses only what was
  // in flight, and the same command again computes only what is missing.
  std::unique_ptr<ResponseCache> cache;
  std::filesystem::path cache_path = settings.cache.empty() ? settings.output_dir / "cache.sqlite" : settings.cache;
  if (!settings.no_cache) cache = std::make_unique<ResponseCache>(cache_path);

  std::fprintf(stderr, "loading %s\n", settings.model_spec.c_str());
  std::unique_ptr<Backend> backend = open_backend(settings.model_spec, settings.backend);

  std::vector<TaskResult> results;
  EvaluationOptions evaluation{settings.seed, settings.bootstrap_resamples};
  for (size_t t = 0; t < specs.size(); ++t) {
    ProgressBar bar(specs[t].name, "requests");
    results.push_back(task_evaluate(*backend, cache.get(), specs[t], datas[t], evaluation, resources,
                                    [&bar](int64_t done, int64_t total) { bar.update(done, total); }));
  }

  nlohmann::json task_configs = nlohmann::json::object();
  for (size_t t = 0; t < specs.size(); ++t) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& file : datas[t].files) files.push_back({{"path", file.string()}, {"sha256", sha256_file_hex(file)}});
    task_configs[specs[t].name] = {{"source", specs[t].source}, {"scoring", specs[t].scoring == TaskScoring::loglikelihood ? "loglikelihood" : "generate"},
                                   {"chat_format", chat_format_name(backend->chat_format())},
                                   {"data_files", files}};
  }
  nlohmann::json config = {{"tasks", settings.tasks},
                           {"task_details", task_configs},
                           {"data_dir", settings.data_dir.string()},
                           {"limit", settings.limit},
                           {"num_fewshot", settings.num_fewshot},
                           {"seed", settings.seed},
                           {"bootstrap_resamples", settings.bootstrap_resamples},
                           {"cache", cache ? nlohmann::json(cache_path.string()) : nlohmann::json(nullptr)},
                           {"icd10cm", icd_codes ? nlohmann::json{{"path", icd_path.string()}, {"sha256", sha256_file_hex(icd_path)}}
                                                 : nlohmann::json(nullptr)},
                           {"backend_options", backend_json(settings.backend)},
                           {"command_line", settings.command_line},
                           {"created_at", utc_timestamp()}};
  nlohmann::json summary = results_build(backend->info(), config, results);
  results_write(settings.output_dir, summary, results);
  std::printf("\n%s\n", results_table(summary).c_str());
  std::printf("results: %s\nsamples: %s\n", (settings.output_dir / "results.json").c_str(),
              (settings.output_dir / "samples").c_str());
  return 0;
}

}  // namespace clinbench::cli
