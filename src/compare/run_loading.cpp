// Loading run folders and naming them for tables.
#include <set>

#include "clinbench/backends.h"
#include "clinbench/compare.h"
#include "clinbench/results.h"

namespace clinbench {

namespace {

std::string string_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

}  // namespace

CompareRun compare_run_load(const std::filesystem::path& dir) {
  CompareRun run;
  run.dir = dir;
  run.results = results_read(dir);
  for (const TaskResult& task : run.results.tasks) {
    std::filesystem::path file = dir / "samples" / (task.task + ".jsonl");
    if (std::filesystem::exists(file)) run.samples[task.task] = samples_read(file);
  }
  run.name = compare_run_default_name(run.results, dir);
  return run;
}

namespace {

// A retrieval-augmented run is its own system: "MODEL+rag-bm25" beside "MODEL".
std::string retrieval_suffix(const RunResult& results) {
  if (!results.config.rag) return "";
  const std::string& mode = results.config.rag->mode;
  return "+rag" + (mode.empty() ? "" : "-" + mode);
}

// model.details is the backend's own open-ended object (ModelInfo::details).
std::string model_name(const RunResult& results, const std::filesystem::path& dir) {
  const nlohmann::json& details = results.model.details;
  if (std::string name = string_at(details, "name"); !name.empty()) return name;
  if (std::string name = string_at(details, "model_name"); !name.empty()) return name;
  if (std::string path = string_at(details, "path"); !path.empty())
    return std::filesystem::path(path).stem().string();
  if (std::optional<ModelSpec> spec = model_spec_try_parse(results.model.spec)) {
    if (std::string name = model_spec_display_name(*spec); !name.empty()) return name;
  }
  std::filesystem::path absolute = std::filesystem::absolute(dir).lexically_normal();
  if (!absolute.has_filename()) absolute = absolute.parent_path();
  return absolute.filename().string();
}

}  // namespace

std::string compare_run_default_name(const RunResult& results,
                                     const std::filesystem::path& dir) {
  return model_name(results, dir) + retrieval_suffix(results);
}

void compare_runs_name_unique(std::vector<CompareRun>& runs) {
  auto clashes = [&runs](size_t i) {
    for (size_t j = 0; j < runs.size(); ++j) {
      if (j != i && runs[j].name == runs[i].name) return true;
    }
    return false;
  };
  // Two rounds: the folder's name usually tells runs apart; the whole path always does.
  for (int round = 0; round < 2; ++round) {
    std::vector<size_t> clashing;
    for (size_t i = 0; i < runs.size(); ++i) {
      if (clashes(i)) clashing.push_back(i);
    }
    for (size_t i : clashing) {
      std::filesystem::path absolute = std::filesystem::absolute(runs[i].dir).lexically_normal();
      if (!absolute.has_filename()) absolute = absolute.parent_path();
      std::string base = compare_run_default_name(runs[i].results, runs[i].dir);
      runs[i].name =
          base + " (" + (round == 0 ? absolute.filename().string() : absolute.string()) + ")";
    }
  }
}

std::vector<std::string> compare_runs_tasks(const std::vector<CompareRun>& runs) {
  std::vector<std::string> tasks;
  std::set<std::string> seen;
  auto add = [&](const std::string& task) {
    if (seen.insert(task).second) tasks.push_back(task);
  };
  for (const CompareRun& run : runs) {
    // config.tasks holds what the user typed (a name or a YAML path); only names that the
    // results hold are tasks here.
    for (const std::string& task : run.results.config.tasks) {
      if (run_result_task(run.results, task)) add(task);
    }
    for (const TaskResult& task : run.results.tasks) add(task.task);
  }
  return tasks;
}

std::vector<std::string> compare_run_metrics(const CompareRun& run, const std::string& task) {
  std::vector<std::string> metrics;
  const TaskResult* result = run_result_task(run.results, task);
  if (!result) return metrics;
  for (const auto& [metric, estimate] : result->metrics) metrics.push_back(metric);
  return metrics;
}

}  // namespace clinbench
