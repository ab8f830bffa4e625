// What a run finds in its output folder, and what it tells the user when it ends.
#include "run/run_output.h"

#include <algorithm>

namespace clinbench {

namespace {

// The settings that decide what a run's results are, as results.json's config records them;
// a run into a folder whose results.json differs in any of them would mix two runs there.
nlohmann::json results_identity(const nlohmann::json& config) {
  nlohmann::json identity = nlohmann::json::object();
  for (const char* key : {"tasks", "data_dir", "limit", "limit_fraction", "num_fewshot", "seed", "bertscore_models"}) {
    identity[key] = config.contains(key) ? config[key] : nlohmann::json();
  }
  const nlohmann::json& rag = config.contains("rag") && config["rag"].is_object() ? config["rag"] : nlohmann::json();
  identity["rag"] = rag.is_object() ? nlohmann::json{{"index", rag.value("index", "")}, {"mode", rag.value("mode", "")},
                                                    {"k", rag.value("k", 0)}}
                                    : nlohmann::json();
  const nlohmann::json& backend =
      config.contains("backend_options") && config["backend_options"].is_object() ? config["backend_options"] : nlohmann::json::object();
  for (const char* key : {"context_length", "kv_cache_f16", "flash_attention", "model_name", "first_token_logprobs"}) {
    identity["backend_options." + std::string(key)] = backend.contains(key) ? backend[key] : nlohmann::json();
  }
  return identity;
}

}  // namespace

// A folder holding another model's results, or this model's under another configuration,
// stops the run before the model loads (unless --overwrite): its samples would otherwise sit
// beside the new results.json. The same model and configuration resume, as the cache allows.
void check_previous_results(const RunSettings& settings, const nlohmann::json& config) {
  std::filesystem::path file = settings.output_dir / "results.json";
  std::error_code ec;
  if (settings.overwrite || !std::filesystem::exists(file, ec)) return;
  nlohmann::json previous;  // stays null for a file that is not a results file (told below)
  try {
    previous = results_read_document(settings.output_dir);
  } catch (const Error&) {
  }
  const std::string advice = ": give another --output-dir, or --overwrite to replace them";
  if (!previous.is_object() || !previous.contains("model") || !previous["model"].is_object()) {
    throw Error("the output folder " + settings.output_dir.string() + " holds a results.json that is not a run's" + advice);
  }
  std::string previous_spec = previous["model"].value("spec", "");
  if (previous_spec != settings.model_spec) {
    throw Error("the output folder " + settings.output_dir.string() + " holds the results of another model (" +
                previous_spec + "; this run: " + settings.model_spec + ")" + advice);
  }
  nlohmann::json before = results_identity(previous.value("config", nlohmann::json::object()));
  nlohmann::json now = results_identity(config);
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
