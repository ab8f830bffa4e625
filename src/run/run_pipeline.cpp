// Run orchestration: one model on its tasks, from the settings to results.json (run.h).
#include "clinbench/run.h"
#include "run/run_output.h"

#include <optional>

#include "clinbench/compare.h"
#include "clinbench/engine.h"
#include "clinbench/kinds.h"
#include "clinbench/rag.h"
#include "clinbench/report.h"
#include "clinbench/results.h"
#include "clinbench/tasks.h"
#include "clinbench/task_evaluation.h"
#include "clinbench/bertscore_selection.h"
#include "clinbench/sample_scoring.h"

namespace clinbench {

namespace {

// The output folder must be usable before hours of model work go into it.
void check_output_dir(const std::filesystem::path& dir, RunObserver& observer) {
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
    observer.note("removed " + std::to_string(stale_bytes) + " bytes of temporary files left by a killed run in " +
                  dir.string());
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

// Shows nothing: a run without an observer.
RunObserver silent_observer;

}  // namespace

void RunObserver::note(const std::string&) {}

std::unique_ptr<RunProgress> RunObserver::progress(const std::string&, const std::string&) { return nullptr; }

void RunObserver::run_finished(const RunOutcome&) {}

RunOutcome run_pipeline(const RunSettings& settings, RunObserver* observer_or_null) {
  RunObserver& observer = observer_or_null ? *observer_or_null : silent_observer;
  // Everything that can be wrong with the input is found before the model loads.
  std::vector<TaskSpec> specs;
  std::vector<TaskData> datas;
  TaskDataOptions data_options{settings.data_dir, settings.limit, settings.num_fewshot, settings.seed,
                               settings.allow_absolute_paths};
  data_options.limit_fraction = settings.limit_fraction;
  for (const std::string& name : settings.tasks) {
    TaskSpec spec = task_spec_find(name);
    if (spec.longhealth && !settings.longhealth_document_order.empty()) {
      std::optional<LongHealthDocumentOrder> order = longhealth_document_order_from_name(settings.longhealth_document_order);
      if (!order) throw Error("--longhealth-document-order: expected question or patient");
      spec.longhealth->document_order = *order;
    }
    scoring_check_metrics(spec);
    for (const TaskSpec& earlier : specs) {
      if (earlier.name == spec.name) throw Error("task '" + spec.name + "' is listed twice");
    }
    datas.push_back(task_data_load(spec, data_options));
    specs.push_back(std::move(spec));
  }
  if (settings.check_tasks_only) return {};
  check_output_dir(settings.output_dir, observer);
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
  EmbeddingOptions embedder_options;
  embedder_options.threads = settings.backend.threads;
  embedder_options.gpu_layers = settings.backend.gpu_layers;
  BertScoreEmbedders bertscore = bertscore_embedders_open(
      specs, bertscore_choose(specs, bertscore_models, bertscore_layer), bertscore_models, embedder_options);
  for (const auto& embedder : bertscore.opened) {
    observer.note("BERTScore: " + embedder->info().spec + ", " + embedder->info().details.value("layer_note", ""));
  }

  // Every finished response is committed here as it arrives: a killed run loses only what was
  // in flight, and the same command again computes only what is missing. Opened before retrieval,
  // whose query vectors it holds too.
  std::unique_ptr<ResponseCache> cache;
  std::filesystem::path cache_path = settings.cache.empty() ? settings.output_dir / "cache.sqlite" : settings.cache;
  if (!settings.no_cache) cache = std::make_unique<ResponseCache>(cache_path);

  // Retrieval before the model loads: a missing index or embedding model fails in seconds.
  std::optional<RunRagConfig> rag_config;
  if (!settings.rag_index.empty()) {
    RagMode mode = rag_mode_from_name(settings.rag_mode);
    // Dense and hybrid queries go through the scheduler and the cache like every request, as task
    // "rag:TASK" (docs/rag.md): identical queries are embedded once, a rerun reads them back.
    std::string retrieval_task;
    ScheduleCounts query_counts;
    RagOpenOptions open_options{settings.rag_embed_model, settings.backend.threads, settings.backend.gpu_layers};
    open_options.embed = [&](Backend& embedder, std::span<const EmbeddingRequest> requests,
                             const ProgressCallback& progress) {
      EmbeddingResults embedded =
          schedule_embedding(embedder, cache.get(), "rag:" + retrieval_task, requests, progress);
      query_counts.computed += embedded.counts.computed;
      query_counts.from_cache += embedded.counts.from_cache;
      return std::move(embedded.responses);
    };
    RagIndex index(settings.rag_index, open_options);
    index.prepare(mode);
    for (size_t t = 0; t < specs.size(); ++t) {
      std::unique_ptr<RunProgress> bar = observer.progress(specs[t].name + " retrieval", "items");
      retrieval_task = specs[t].name;
      query_counts = {};
      std::vector<std::string> queries = task_retrieval_queries(specs[t], datas[t]);
      rag_retrieve_for_task(index, mode, settings.rag_k, queries, datas[t], [&bar](int64_t done, int64_t total) {
        if (bar) bar->update({done, total});
      });
      if (mode != RagMode::bm25) {
        int64_t repeated = int64_t(queries.size()) - query_counts.computed - query_counts.from_cache;
        observer.note(specs[t].name + " retrieval: " + std::to_string(queries.size()) + " queries, " +
                      std::to_string(query_counts.computed) + " embedded, " + std::to_string(query_counts.from_cache) +
                      " from the cache, " + std::to_string(repeated) + " repeated");
      }
    }
    rag_config = RunRagConfig{std::filesystem::absolute(settings.rag_index).lexically_normal().string(),
                              std::string(rag_mode_name(mode)), settings.rag_k,
                              "docs/rag.md: the question (multiple choice, LongHealth), the user template's fields "
                              "(generation), or the task's prompt.retrieval_query",
                              index.manifest()};
  }

  observer.note("loading " + settings.model_spec);
  std::unique_ptr<Backend> backend = open_backend(settings.model_spec, settings.backend);
  if (const nlohmann::json& details = backend->info().details;
      details.value("trained_context", 0) > 0 && details.value("context_window", 0) < details.value("trained_context", 0)) {
    observer.note("context window " + std::to_string(details.value("context_window", 0)) +
                  " tokens (--ctx-size), smaller than the model's trained " +
                  std::to_string(details.value("trained_context", 0)) +
                  ": prompts are cut or refused sooner than in the study");
  }

  std::vector<TaskResult> results;
  EvaluationOptions evaluation{settings.seed, settings.bootstrap_resamples};
  for (size_t t = 0; t < specs.size(); ++t) {
    std::unique_ptr<RunProgress> bar = observer.progress(specs[t].name, "requests");
    std::unique_ptr<RunProgress> bertscore_bar;
    bool bertscore_started = false;
    resources.bertscore_progress = [&](int64_t done, int64_t total) {
      if (!bertscore_started) bertscore_bar = observer.progress(specs[t].name + " BERTScore", "pairs");
      bertscore_started = true;
      if (bertscore_bar) bertscore_bar->update({done, total});
    };
    resources.bertscore = bertscore.of_task[t];
    resources.bertscore_choice = bertscore.choice_of_task[t];
    // Retries and failed requests show on the line while they happen (a flaky server is visible).
    const ComputeCounters before = backend->compute_counters();
    auto progress = [&bar, &backend, before](int64_t done, int64_t total) {
      ComputeCounters now = backend->compute_counters();
      if (bar) bar->update({done, total, now.request_retries - before.request_retries, now.requests_failed - before.requests_failed});
    };
    results.push_back(task_evaluate(*backend, cache.get(), specs[t], datas[t], evaluation, resources, progress));
    resources.bertscore_progress = nullptr;  // it refers to this iteration's bar
  }

  RunConfig config;
  for (size_t t = 0; t < specs.size(); ++t) {
    TaskRunConfig task_config;
    task_config.source = specs[t].source;
    task_config.scoring = specs[t].scoring == TaskScoring::loglikelihood ? "loglikelihood" : "generate";
    task_config.chat_format = chat_format_name(backend->chat_format());
    task_config.chat_template_sha256 = backend->info().details.value("chat_template_sha256", "");
    for (const auto& file : datas[t].files) task_config.data_files.push_back({file.string(), sha256_file_hex(file)});
    // What the scores were computed on (docs/tasks.md).
    for (OutputCleanup step : specs[t].output_cleanup) task_config.output_cleanup.emplace_back(output_cleanup_name(step));
    task_config.description = specs[t].description;  // for the report
    config.task_details[specs[t].name] = std::move(task_config);
  }
  config.tasks = settings.tasks;
  config.data_dir = settings.data_dir.string();
  config.limit = settings.limit;
  if (settings.limit_fraction > 0) config.limit_fraction = settings.limit_fraction;  // limit is then -1
  config.num_fewshot = settings.num_fewshot;
  config.seed = settings.seed;
  config.bootstrap_resamples = settings.bootstrap_resamples;
  if (cache) config.cache = cache_path.string();
  config.bertscore_models = settings.bertscore_models;
  if (icd_codes) config.icd10cm = RunFileDigest{icd_path.string(), sha256_file_hex(icd_path)};
  config.rag = rag_config;
  config.backend_options = backend_json(settings.backend);
  config.command_line = settings.command_line;
  config.created_at = utc_timestamp();
  if (excluded) config.exclude_ids = RunFileDigest{settings.exclude_ids.string(), sha256_file_hex(settings.exclude_ids)};
  RunResult run{.model = backend->info(), .config = std::move(config), .tasks = std::move(results)};
  if (excluded) {
    results_add_clean_subsets(
        run, [&excluded](const std::string& task, const std::string& id) { return excluded->excludes(task, id); },
        {settings.seed, settings.bootstrap_resamples, 0.95});
  }
  if (settings.overwrite) remove_other_samples(settings.output_dir, run.tasks);
  results_write(settings.output_dir, run);
  RunOutcome outcome;
  outcome.output_dir = settings.output_dir;
  if (excluded) outcome.exclude_ids = settings.exclude_ids;
  if (rag_config) outcome.rag_system_name = compare_run_default_name(run, settings.output_dir);
  outcome.status = run_completeness_status(run.tasks, outcome.missing);
  for (TaskResult& task : run.tasks) {  // written; the outcome is results.json's part
    task.samples = {};
    task.per_sample = {};
    task.cluster_of_sample = {};
  }
  outcome.results = std::move(run);
  observer.run_finished(outcome);
  return outcome;
}

}  // namespace clinbench
