#include "cli/run_pipeline.h"
#include "cli/option_ranges.h"
#include "cli/run_output.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>

#include "clinbench/compare.h"
#include "clinbench/engine.h"
#include "clinbench/rag.h"
#include "clinbench/report.h"
#include "clinbench/tasks.h"
#include "core/progress_bar.h"
#include "engine/task_evaluation.h"
#include "metrics/bertscore_selection.h"
#include "metrics/sample_scoring.h"
#include "backends/llama/study_models.h"
#include "backends/llama/token_embedder.h"

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
  // What a killed run left half-written (samples can be many MB) goes before this run writes.
  int64_t stale_bytes = remove_stale_temporaries(dir) + remove_stale_temporaries(dir / "samples");
  if (stale_bytes > 0) {
    std::fprintf(stderr, "removed %lld bytes of temporary files left by a killed run in %s\n",
                 (long long)stale_bytes, dir.c_str());
  }
  std::filesystem::space_info space = std::filesystem::space(dir, ec);
  if (!ec && space.available < (64u << 20)) {
    throw Error("the output folder " + dir.string() + " has less than 64 MB free");
  }
}

const char* flash_attention_name(FlashAttention mode) {
  switch (mode) {
    case FlashAttention::on: return "on";
    case FlashAttention::off: return "off";
    case FlashAttention::automatic: break;
  }
  return "auto";
}

nlohmann::json backend_json(const BackendOptions& o) {
  return {{"threads", o.threads},           {"context_length", o.context_length},
          {"batch_size", o.batch_size},     {"parallel", o.parallel}, {"kv_size", o.kv_size},
          {"flash_attention", flash_attention_name(o.flash_attention)}, {"kv_cache_f16", o.kv_cache_f16},
          {"gpu_layers", o.gpu_layers},     {"split_mode", split_mode_name(o.split_mode)},
          {"tensor_split", o.tensor_split}, {"main_gpu", o.main_gpu}, {"model_name", o.model_name},
          {"api_key_env", o.api_key_env},   {"concurrency", o.concurrency},
          {"request_timeout_seconds", o.request_timeout_seconds}, {"max_retries", o.max_retries},
          {"first_token_logprobs", o.first_token_logprobs},
          {"prompt_format", o.prompt_format ? nlohmann::json(chat_format_name(*o.prompt_format)) : nlohmann::json(nullptr)},
          {"chat_template", o.chat_template_source.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.chat_template_source)}};
}

// The part of results.json's config that is known before the run (results_identity reads it).
nlohmann::json planned_config(const RunSettings& settings) {
  nlohmann::json rag = nullptr;
  if (!settings.rag_index.empty()) {
    rag = {{"index", std::filesystem::absolute(settings.rag_index).lexically_normal().string()},
           {"mode", settings.rag_mode},
           {"k", settings.rag_k}};
  }
  nlohmann::json config = {{"tasks", settings.tasks},
          {"data_dir", settings.data_dir.string()},
          {"limit", settings.limit},
          {"num_fewshot", settings.num_fewshot},
          {"seed", settings.seed},
          {"bertscore_models", settings.bertscore_models},
          {"rag", rag},
          {"backend_options", backend_json(settings.backend)}};
  if (settings.limit_fraction > 0) config["limit_fraction"] = settings.limit_fraction;  // as results.json has it
  return config;
}

}  // namespace

std::filesystem::path default_data_dir() {
  if (const char* value = std::getenv("CLINBENCH_DATA"); value && *value) return value;
  return "data";
}

void add_progress_options(CLI::App& app) {
  app.add_flag_callback("--quiet,-q", [] { progress_style_set(ProgressStyle::quiet); },
                        "no progress lines on stderr (the results table and errors still print)");
  app.add_option_function<std::string>(
         "--progress",
         [](const std::string& style) {
           progress_style_set(style == "json" ? ProgressStyle::json
                              : style == "none" ? ProgressStyle::quiet : ProgressStyle::human);
         },
         "bar (default), json (one JSON object a line on stderr: task, done, total, rate, retries,\n"
         "failures; see README) or none")
      ->check(CLI::IsMember({"bar", "json", "none"}));
}

void add_backend_options(CLI::App& app, BackendOptions& options) {
  app.add_option_function<std::string>(
         "--prompt-format",
         [&options](const std::string& name) { options.prompt_format = chat_format_parse(name); },
         "how chats become the model's input, as the study declared per model: instruct (the model's chat "
         "template with a system message), instruct-no-system (the system prompt glued before the first user "
         "turn), base (plain text). Default: from the model's template (none = base; a template that raises "
         "on or drops a system message = instruct-no-system); a server model: instruct")
      ->check(CLI::IsMember({"instruct", "instruct-no-system", "base"}));
  app.add_option_function<std::string>(
      "--chat-template",
      [&options](const std::string& value) {
        options.chat_template = chat_template_read(value, value);
        options.chat_template_source = value;
      },
      "gguf: render chats with this Jinja template instead of the model's own: a file, or the name of a "
      "study model's published template (`make-test-model --list-like`) or llama3, chatml, mistral");
  app.add_option("--threads", options.threads, "CPU threads (0 = all cores)")
      ->check(option_at_least(0))->capture_default_str();
  app.add_option("--ctx-size", options.context_length,
                 "context window in tokens (0 = the model's trained context; a smaller one is recorded in results.json)")
      ->check(option_at_least(0))->capture_default_str();
  app.add_option("--batch-size", options.batch_size, "tokens per llama.cpp decode call")
      ->check(option_at_least(1))->capture_default_str();
  app.add_option("--parallel", options.parallel, "sequences generated at once")
      ->check(option_at_least(1))->capture_default_str();
  app.add_option("--kv-size", options.kv_size,
                 "KV cache cells shared by all sequences (0 = max(context, 4096, parallel x 1024)); "
                 "generation takes up to as many again, split into a stream per sequence")
      ->check(option_at_least(0))->capture_default_str();
  // Flash attention is on by default where it is exact (the CPU, f32 cache); these override it.
  app.add_flag_callback("--flash-attn", [&options] { options.flash_attention = FlashAttention::on; },
                        "flash attention on a GPU too (it rounds the cache to f16 there: scores then vary "
                        "by ~1e-3 nats with batching); on the CPU it is on by default, and exact");
  app.add_flag_callback("--no-flash-attn", [&options] { options.flash_attention = FlashAttention::off; },
                        "plain attention everywhere (slower; the reference flash attention is checked against)");
  app.add_flag("--kv-f16", options.kv_cache_f16,
               "keep the KV cache in f16 (half the memory; scores then vary slightly with batching)");
  app.add_option("--gpu-layers", options.gpu_layers, "layers on the GPU with a CUDA build (-1 = all)")
      ->check(option_at_least(-1, "at least 0 (or -1: all)"))->capture_default_str();
  app.add_option_function<std::string>(
         "--split-mode",
         [&options](const std::string& name) { options.split_mode = *split_mode_parse(name); },
         "several GPUs: layer (whole layers per GPU), row (each matrix's rows over the GPUs; changes rounding, so "
         "cached scores are kept apart) or none (one GPU, --main-gpu)")
      ->check(CLI::IsMember({"layer", "row", "none"}))->default_str("layer");
  app.add_option("--tensor-split", options.tensor_split,
                 "several GPUs: each GPU's share of the model, comma-separated (e.g. 3,1); default: by free memory")
      ->delimiter(',')
      ->check(CLI::NonNegativeNumber);
  app.add_option("--main-gpu", options.main_gpu,
                 "the GPU that holds the model with --split-mode none, or the intermediate results with row")
      ->check(option_at_least(0))->capture_default_str();
  app.add_option("--model-name", options.model_name, "openai: the server's model name")->group("Server (openai:URL)");
  app.add_option("--api-key-env", options.api_key_env,
                 "openai: environment variable holding the API key (never printed or written)")
      ->capture_default_str()->group("Server (openai:URL)");
  app.add_flag("--first-token-logprobs", options.first_token_logprobs,
               "openai: where the server returns no prompt log-probs (llama-server), score one-token answers "
               "(letters) from the top 20 log-probs of the first generated token")
      ->group("Server (openai:URL)");
  app.add_option("--concurrency", options.concurrency,
                 "openai: requests in flight (at most the server's slots, when it reports them: llama-server)")
      ->check(option_at_least(1))->capture_default_str()->group("Server (openai:URL)");
  app.add_option("--request-timeout", options.request_timeout_seconds, "openai: seconds per request attempt")
      ->check(option_positive())->capture_default_str()->group("Server (openai:URL)");
  app.add_option("--max-retries", options.max_retries, "openai: retries after 429, 5xx, timeouts, dropped connections")
      ->check(option_at_least(0))->capture_default_str()->group("Server (openai:URL)");
}

int run_pipeline(const RunSettings& settings) {
  // Everything that can be wrong with the input is found before the model loads.
  std::vector<TaskSpec> specs;
  std::vector<TaskData> datas;
  TaskDataOptions data_options{settings.data_dir, settings.limit, settings.num_fewshot, settings.seed,
                               settings.allow_absolute_paths};
  data_options.limit_fraction = settings.limit_fraction;
  for (const std::string& name : settings.tasks) {
    TaskSpec spec = task_spec_find(name);
    if (spec.kind == TaskKind::longhealth && !settings.longhealth_document_order.empty()) {
      spec.longhealth.document_order = settings.longhealth_document_order;
    }
    scoring_check_metrics(spec);
    for (const TaskSpec& earlier : specs) {
      if (earlier.name == spec.name) throw Error("task '" + spec.name + "' is listed twice");
    }
    datas.push_back(task_data_load(spec, data_options));
    specs.push_back(std::move(spec));
  }
  if (settings.check_tasks_only) return 0;
  check_output_dir(settings.output_dir);
  check_previous_results(settings, planned_config(settings));
  std::optional<AuditExcludedIds> excluded;  // --exclude-ids: read before the model loads
  if (!settings.exclude_ids.empty()) excluded = audit_excluded_ids_read(settings.exclude_ids);

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

  // The BERTScore models load before the evaluated one: a bad file fails in seconds, not hours.
  // Each task gets its own model and layer (task YAML bertscore:, --bertscore-model NAME=...).
  std::vector<BertScoreModelArgument> bertscore_models = bertscore_model_arguments_parse(settings.bertscore_models);
  std::optional<int32_t> bertscore_layer;
  if (settings.bertscore_layer >= 0) bertscore_layer = settings.bertscore_layer;
  TokenEmbedderOptions embedder_options;
  embedder_options.threads = settings.backend.threads;
  embedder_options.gpu_layers = settings.backend.gpu_layers;
  BertScoreEmbedders bertscore = bertscore_embedders_open(
      specs, bertscore_choose(specs, bertscore_models, bertscore_layer), bertscore_models, embedder_options);
  for (const auto& embedder : bertscore.opened) {
    std::fprintf(stderr, "BERTScore: %s, %s\n", embedder->info().spec.c_str(), embedder->info().note.c_str());
  }

  // Retrieval before the model loads: a missing index or embedding model fails in seconds.
  nlohmann::json rag_config = nullptr;
  if (!settings.rag_index.empty()) {
    RagMode mode = rag_mode_from_name(settings.rag_mode);
    RagIndex index(settings.rag_index, {settings.rag_embed_model, settings.backend.threads, settings.backend.gpu_layers});
    index.prepare(mode);
    for (size_t t = 0; t < specs.size(); ++t) {
      ProgressBar bar(specs[t].name + " retrieval", "items");
      rag_retrieve_for_task(index, mode, settings.rag_k, specs[t], datas[t],
                            [&bar](int64_t done, int64_t total) { bar.update(done, total); });
    }
    rag_config = {{"index", std::filesystem::absolute(settings.rag_index).lexically_normal().string()},
                  {"mode", rag_mode_name(mode)},
                  {"k", settings.rag_k},
                  {"query", "docs/rag.md: the question (multiple choice, LongHealth), the user template's fields "
                            "(generation), or the task's prompt.retrieval_query"},
                  {"manifest", index.manifest()}};
  }

  // Every finished response is committed here as it arrives: a killed run loses only what was
  // in flight, and the same command again computes only what is missing.
  std::unique_ptr<ResponseCache> cache;
  std::filesystem::path cache_path = settings.cache.empty() ? settings.output_dir / "cache.sqlite" : settings.cache;
  if (!settings.no_cache) cache = std::make_unique<ResponseCache>(cache_path);

  std::fprintf(stderr, "loading %s\n", settings.model_spec.c_str());
  std::unique_ptr<Backend> backend = open_backend(settings.model_spec, settings.backend);
  if (const nlohmann::json& details = backend->info().details;
      details.value("trained_context", 0) > 0 && details.value("context_window", 0) < details.value("trained_context", 0)) {
    std::fprintf(stderr, "context window %d tokens (--ctx-size), smaller than the model's trained %d: prompts are cut or refused sooner than in the study\n",
                 details.value("context_window", 0), details.value("trained_context", 0));
  }

  std::vector<TaskResult> results;
  EvaluationOptions evaluation{settings.seed, settings.bootstrap_resamples};
  for (size_t t = 0; t < specs.size(); ++t) {
    ProgressBar bar(specs[t].name, "requests");
    std::unique_ptr<ProgressBar> bertscore_bar;
    resources.bertscore_progress = [&](int64_t done, int64_t total) {
      if (!bertscore_bar) bertscore_bar = std::make_unique<ProgressBar>(specs[t].name + " BERTScore", "pairs");
      bertscore_bar->update(done, total);
    };
    resources.bertscore = bertscore.of_task[t];
    resources.bertscore_choice = bertscore.choice_of_task[t];
    // Retries and failed requests show on the line while they happen (a flaky server is visible).
    const ComputeCounters before = backend->compute_counters();
    auto progress = [&bar, &backend, before](int64_t done, int64_t total) {
      ComputeCounters now = backend->compute_counters();
      bar.update(done, total, {now.request_retries - before.request_retries, now.requests_failed - before.requests_failed});
    };
    results.push_back(task_evaluate(*backend, cache.get(), specs[t], datas[t], evaluation, resources, progress));
    resources.bertscore_progress = nullptr;  // it refers to this iteration's bar
  }

  nlohmann::json task_configs = nlohmann::json::object();
  for (size_t t = 0; t < specs.size(); ++t) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& file : datas[t].files) files.push_back({{"path", file.string()}, {"sha256", sha256_file_hex(file)}});
    task_configs[specs[t].name] = {{"source", specs[t].source}, {"scoring", specs[t].scoring == TaskScoring::loglikelihood ? "loglikelihood" : "generate"},
                                   {"chat_format", chat_format_name(backend->chat_format())},
                                   {"chat_template_sha256", backend->info().details.value("chat_template_sha256", "")},
                                   {"data_files", files}};
    nlohmann::json cleanup = nlohmann::json::array();  // what the scores were computed on (docs/tasks.md)
    for (OutputCleanup step : specs[t].output_cleanup) cleanup.push_back(output_cleanup_name(step));
    task_configs[specs[t].name]["output_cleanup"] = cleanup;
    task_configs[specs[t].name]["description"] = specs[t].description;  // for the report
  }
  nlohmann::json config = {{"tasks", settings.tasks},
                           {"task_details", task_configs},
                           {"data_dir", settings.data_dir.string()},
                           {"limit", settings.limit},
                           {"num_fewshot", settings.num_fewshot},
                           {"seed", settings.seed},
                           {"bootstrap_resamples", settings.bootstrap_resamples},
                           {"cache", cache ? nlohmann::json(cache_path.string()) : nlohmann::json(nullptr)},
                           {"bertscore_models", settings.bertscore_models},
                           {"icd10cm", icd_codes ? nlohmann::json{{"path", icd_path.string()}, {"sha256", sha256_file_hex(icd_path)}}
                                                 : nlohmann::json(nullptr)},
                           {"rag", rag_config},
                           {"backend_options", backend_json(settings.backend)},
                           {"command_line", settings.command_line},
                           {"created_at", utc_timestamp()}};
  if (settings.limit_fraction > 0) config["limit_fraction"] = settings.limit_fraction;  // limit is then -1
  if (excluded) {
    config["exclude_ids"] = {{"path", settings.exclude_ids.string()}, {"sha256", sha256_file_hex(settings.exclude_ids)}};
  }
  nlohmann::json summary = results_build(backend->info(), config, results);
  if (excluded) results_add_clean_subsets(summary, results, *excluded, {settings.seed, settings.bootstrap_resamples, 0.95});
  if (settings.overwrite) remove_other_samples(settings.output_dir, results);
  results_write(settings.output_dir, summary, results);
  std::printf("\n%s\n", results_table(summary).c_str());
  if (excluded) {
    nlohmann::json clean = {{"tasks", nlohmann::json::object()}};
    for (const auto& [task, entry] : summary["tasks"].items()) clean["tasks"][task] = entry["clean_subset"];
    std::printf("clean subset (items in %s left out):\n%s\n", settings.exclude_ids.c_str(), results_table(clean).c_str());
  }
  if (!rag_config.is_null()) {
    std::printf("system: %s (retrieval-augmented: compare pairs it with the same model without --rag)\n",
                compare_run_default_name(summary, settings.output_dir).c_str());
  }
  std::printf("results: %s\nsamples: %s\n", (settings.output_dir / "results.json").c_str(),
              (settings.output_dir / "samples").c_str());
  return run_completeness_status(results);
}

}  // namespace clinbench::cli
