// The report's context: what each task asks, how each run was made, and where answers could not
// be read, so that a reader can judge a score without opening results.json.
#include <algorithm>

#include "clinbench/kinds.h"  // builtin_task_names, task_spec_find
#include "report/html_report.h"

namespace clinbench {

namespace {

const nlohmann::json& member(const nlohmann::json& object, const char* key) {
  static const nlohmann::json null_value;
  if (!object.is_object()) return null_value;
  auto found = object.find(key);
  return found == object.end() ? null_value : *found;
}

// The run's own record first (results.json config.task_details.T.description), else the
// built-in task of that name (runs made before descriptions were recorded).
std::string task_description(const std::vector<CompareRun>& runs, const std::string& task) {
  for (const CompareRun& run : runs) {
    const nlohmann::json& text = member(member(member(member(run.results, "config"), "task_details"), task.c_str()),
                                        "description");
    if (text.is_string() && !text.get<std::string>().empty()) return text.get<std::string>();
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
  const nlohmann::json& config = member(run.results, "config");
  const nlohmann::json& model = member(run.results, "model");
  const nlohmann::json& details = member(model, "details");
  nlohmann::json per_task = nlohmann::json::array();
  for (const std::string& task : tasks) {
    const nlohmann::json& entry = member(member(run.results, "tasks"), task.c_str());
    if (entry.is_null()) continue;
    const nlohmann::json& task_config = member(member(config, "task_details"), task.c_str());
    nlohmann::json files = nlohmann::json::array();
    const nlohmann::json& data_files = member(task_config, "data_files");
    if (data_files.is_array()) {
      for (const nlohmann::json& file : data_files) {
        files.push_back({{"file", std::filesystem::path(member(file, "path").is_string() ? file["path"].get<std::string>() : "")
                                      .filename().string()},
                         {"sha256", member(file, "sha256")}});
      }
    }
    per_task.push_back({{"task", task},
                        {"n", member(entry, "n")},
                        {"dataset_items", member(entry, "dataset_items")},
                        {"shots", member(entry, "shots")},
                        {"scoring", member(task_config, "scoring")},
                        {"prompt_format", member(task_config, "chat_format")},
                        {"prompt_sha256", member(entry, "prompt_sha256")},
                        {"data_files", files}});
  }
  return {{"date", member(config, "created_at")},
          {"limit", member(config, "limit")},
          {"limit_fraction", member(config, "limit_fraction")},
          {"num_fewshot", member(config, "num_fewshot")},
          {"seed", member(config, "seed")},
          {"bootstrap_resamples", member(config, "bootstrap_resamples")},
          {"clinbench_version", member(run.results, "clinbench_version")},
          {"chat_template_sha256", member(details, "chat_template_sha256")},
          {"model_sha256", member(model, "fingerprint")},
          {"retrieval", !member(config, "rag").is_null()},
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
