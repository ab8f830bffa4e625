// The report's context: what each task asks, how each run was made, and where answers could not
// be read, so that a reader can judge a score without opening results.json.
#include <algorithm>

#include "clinbench/kinds.h"  // builtin_task_names, task_spec_find
#include "report/html_report.h"

namespace clinbench {

namespace {

// "" as null, as the page shows either as "not recorded".
nlohmann::json string_or_null(const std::string& text) { return text.empty() ? nlohmann::json() : nlohmann::json(text); }

// The run's own record first (results.json config.task_details.T.description), else the
// built-in task of that name (runs made before descriptions were recorded).
std::string task_description(const std::vector<CompareRun>& runs, const std::string& task) {
  for (const CompareRun& run : runs) {
    auto details = run.results.config.task_details.find(task);
    if (details != run.results.config.task_details.end() && !details->second.description.empty())
      return details->second.description;
  }
  std::vector<std::string> builtin = builtin_task_names();
  if (std::find(builtin.begin(), builtin.end(), task) == builtin.end()) return "";
  try {
    return task_spec_find(task).description;
  } catch (const Error&) {
    return "";
  }
}

nlohmann::json run_settings(const CompareRun& run, const std::vector<std::string>& tasks) {
  const RunConfig& config = run.results.config;
  const ModelInfo& model = run.results.model;
  nlohmann::json per_task = nlohmann::json::array();
  for (const std::string& task : tasks) {
    const TaskResult* entry = run_result_task(run.results, task);
    if (!entry) continue;
    auto details = config.task_details.find(task);
    const TaskRunConfig* task_config = details == config.task_details.end() ? nullptr : &details->second;
    nlohmann::json files = nlohmann::json::array();
    if (task_config) {
      for (const RunFileDigest& file : task_config->data_files) {
        files.push_back({{"file", std::filesystem::path(file.path).filename().string()},
                         {"sha256", string_or_null(file.sha256)}});
      }
    }
    per_task.push_back({{"task", task},
                        {"n", entry->n},
                        {"dataset_items", entry->dataset_items},
                        {"shots", entry->shots},
                        {"scoring", task_config ? string_or_null(task_config->scoring) : nlohmann::json()},
                        {"prompt_format", task_config ? string_or_null(task_config->chat_format) : nlohmann::json()},
                        {"prompt_sha256", string_or_null(entry->prompt_sha256)},
                        {"data_files", files}});
  }
  // model.details is the backend's own open-ended object (ModelInfo::details).
  nlohmann::json chat_template = model.details.is_object() ? model.details.value("chat_template_sha256", nlohmann::json())
                                                           : nlohmann::json();
  return {{"date", string_or_null(config.created_at)},
          {"limit", config.limit},
          {"limit_fraction", config.limit_fraction ? nlohmann::json(*config.limit_fraction) : nlohmann::json()},
          {"num_fewshot", config.num_fewshot},
          {"seed", config.seed},
          {"bootstrap_resamples", config.bootstrap_resamples},
          {"clinbench_version", string_or_null(run.results.clinbench_version)},
          {"chat_template_sha256", chat_template},
          {"model_sha256", string_or_null(model.fingerprint)},
          {"retrieval", config.rag.has_value()},
          {"tasks", per_task}};
}

}  // namespace

nlohmann::json report_context(const std::vector<CompareRun>& runs, const std::vector<std::string>& tasks) {
  nlohmann::json descriptions = nlohmann::json::object();
  for (const std::string& task : tasks) descriptions[task] = task_description(runs, task);

  nlohmann::json settings = nlohmann::json::array();
  for (const CompareRun& run : runs) settings.push_back(run_settings(run, tasks));

  // Per run and task: how many samples have no readable answer, by status (extraction_failed,
  // backend_error, context_overflow, ...). The summary warns where it is most of them.
  nlohmann::json unreadable = nlohmann::json::array();
  for (size_t r = 0; r < runs.size(); ++r) {
    for (size_t t = 0; t < tasks.size(); ++t) {
      auto found = runs[r].samples.find(tasks[t]);
      if (found == runs[r].samples.end() || found->second.empty()) continue;
      nlohmann::json by_status = nlohmann::json::object();
      int64_t not_ok = 0;
      for (const Sample& sample : found->second) {
        const std::string& name = sample.status;
        if (name == "ok") continue;
        ++not_ok;
        by_status[name] = by_status.value(name, int64_t(0)) + 1;
      }
      unreadable.push_back({{"r", r}, {"t", t}, {"n", found->second.size()}, {"not_ok", not_ok}, {"by_status", by_status}});
    }
  }
  return {{"task_descriptions", descriptions}, {"run_settings", settings}, {"unreadable", unreadable}};
}

}  // namespace clinbench
