// What a run finds in its output folder, and what it tells the user when it ends.
#include "run/run_output.h"

#include <algorithm>
#include <optional>

namespace clinbench {

namespace {

// The settings that decide what a run's results are, as results.json's config records them;
// a run into a folder whose results.json differs in any of them would mix two runs there.
nlohmann::json results_identity(const RunConfig& config) {
  nlohmann::json identity = {{"tasks", config.tasks},
                             {"data_dir", config.data_dir},
                             {"limit", config.limit},
                             {"limit_fraction", config.limit_fraction ? nlohmann::json(*config.limit_fraction) : nlohmann::json()},
                             {"num_fewshot", config.num_fewshot},
                             {"seed", config.seed},
                             {"bertscore_models", config.bertscore_models}};
  identity["rag"] = config.rag ? nlohmann::json{{"index", config.rag->index}, {"mode", config.rag->mode}, {"k", config.rag->k}}
                               : nlohmann::json();
  // backend_options is the backend's own open-ended object.
  const nlohmann::json& backend = config.backend_options.is_object() ? config.backend_options : nlohmann::json::object();
  for (const char* key : {"context_length", "kv_cache_f16", "flash_attention", "model_name", "first_token_logprobs"}) {
    identity["backend_options." + std::string(key)] = backend.contains(key) ? backend[key] : nlohmann::json();
  }
  return identity;
}

}  // namespace

// A folder holding another model's results, or this model's under another configuration,
// stops the run before the model loads (unless --overwrite): its samples would otherwise sit
// beside the new results.json. The same model and configuration resume, as the cache allows.
void check_previous_results(const RunSettings& settings, const nlohmann::json& planned_config) {
  std::filesystem::path file = settings.output_dir / "results.json";
  std::error_code ec;
  if (settings.overwrite || !std::filesystem::exists(file, ec)) return;
  std::optional<RunResult> previous;  // stays empty for a file that is not a results file (told below)
  try {
    previous = results_read(settings.output_dir);
  } catch (const Error&) {
  }
  const std::string advice = ": give another --output-dir, or --overwrite to replace them";
  if (!previous || previous->model.spec.empty()) {
    throw Error("the output folder " + settings.output_dir.string() + " holds a results.json that is not a run's" + advice);
  }
  const std::string& previous_spec = previous->model.spec;
  if (previous_spec != settings.model_spec) {
    throw Error("the output folder " + settings.output_dir.string() + " holds the results of another model (" +
                previous_spec + "; this run: " + settings.model_spec + ")" + advice);
  }
  nlohmann::json before = results_identity(previous->config);
  // The planned config is written in results.json's shape; results reads it like the file's.
  nlohmann::json now = results_identity(run_config_from_json(planned_config, file));
  for (const auto& [key, value] : now.items()) {
    if (before[key] == value) continue;
    throw Error("the output folder " + settings.output_dir.string() + " holds this model's results under another " +
                key + " (" + before[key].dump() + "; this run: " + value.dump() + ")" + advice);
  }
}

// --overwrite: samples of tasks this run does not have are another run's; they go.
void remove_other_samples(const std::filesystem::path& output_dir, const std::vector<TaskResult>& results) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(output_dir / "samples", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".jsonl") continue;
    std::string task = it->path().stem().string();
    bool ours = std::any_of(results.begin(), results.end(), [&task](const TaskResult& r) { return r.task == task; });
    std::error_code remove_error;
    if (!ours) std::filesystem::remove(it->path(), remove_error);
  }
}

// A failed request is missing, never a wrong answer: a run with failed requests says so and
// exits kRunIncomplete, as does one with a task that has no answered item (no metric value).
int run_completeness_status(const std::vector<TaskResult>& results, std::vector<std::string>& messages) {
  int64_t retryable = 0;
  int64_t failed_requests = 0;
  std::vector<std::string> empty_tasks;
  for (const TaskResult& task : results) {
    failed_requests += task.requests.errors;
    for (const auto& [status, count] : task.failed) {
      messages.push_back(task.task + ": " + std::to_string(count) + " of " + std::to_string(task.n) +
                         " items without an answer (" + status + ")" +
                         (status == "backend_error" ? "" : ": left out of the metrics"));
      if (status == "backend_error") retryable += count;
    }
    if (task.n > 0 && task.answered == 0) empty_tasks.push_back(task.task);
  }
  if (retryable > 0) {
    messages.push_back("incomplete: " + std::to_string(retryable) + " items without an answer: " +
                       std::to_string(failed_requests) +
                       " requests failed (left out of the metrics, not scored as wrong); the same command again "
                       "retries only them");
  }
  for (const std::string& task : empty_tasks) {
    messages.push_back("incomplete: task '" + task + "' has no answered item, so no metric value");
  }
  return retryable > 0 || !empty_tasks.empty() ? kRunIncomplete : 0;
}

}  // namespace clinbench
