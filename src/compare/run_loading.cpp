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
  run.results = results_read_document(dir);
  for (const auto& [task, entry] : run.results["tasks"].items()) {
    std::filesystem::path file = dir / "samples" / (task + ".jsonl");
    if (std::filesystem::exists(file)) run.samples[task] = samples_read(file);
  }
  run.name = compare_run_default_name(run.results, dir);
  return run;
}

namespace {

// A retrieval-augmented run is its own system: "MODEL+rag-bm25" beside "MODEL".
std::string retrieval_suffix(const nlohmann::json& results) {
  const nlohmann::json& config = results.contains("config") ? results["config"] : nlohmann::json();
  if (!config.is_object() || !config.contains("rag") || !config["rag"].is_object()) return "";
  std::string mode = string_at(config["rag"], "mode");
  return "+rag" + (mode.empty() ? "" : "-" + mode);
}

std::string model_name(const nlohmann::json& results, const std::filesystem::path& dir) {
  const nlohmann::json& model = results.contains("model") ? results["model"] : nlohmann::json();
  const nlohmann::json& details =
      model.is_object() && model.contains("details") ? model["details"] : nlohmann::json();
  if (std::string name = string_at(details, "name"); !name.empty()) return name;
  if (std::string name = string_at(details, "model_name"); !name.empty()) return name;
  if (std::string path = string_at(details, "path"); !path.empty())
    return std::filesystem::path(path).stem().string();
  if (std::optional<ModelSpec> spec = model_spec_try_parse(string_at(model, "spec"))) {
    if (std::string name = model_spec_display_name(*spec); !name.empty()) return name;
  }
  std::filesystem::path absolute = std::filesystem::absolute(dir).lexically_normal();
  if (!absolute.has_filename()) absolute = absolute.parent_path();
  return absolute.filename().string();
}

}  // namespace

std::string compare_run_default_name(const nlohmann::json& results,
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
    const nlohmann::json& config =
        run.results.contains("config") ? run.results["config"] : nlohmann::json();
    if (config.is_object() && config.contains("tasks") && config["tasks"].is_array()) {
      for (const nlohmann::json& task : config["tasks"]) {
        // config.tasks holds what the user typed (a name or a YAML path); only names that the
        // results hold are tasks here.
        if (task.is_string() && run.results["tasks"].contains(task.get<std::string>()))
          add(task.get<std::string>());
      }
    }
    for (const auto& [task, entry] : run.results["tasks"].items()) add(task);
  }
  return tasks;
}

std::vector<std::string> compare_run_metrics(const CompareRun& run, const std::string& task) {
  std::vector<std::string> metrics;
  const nlohmann::json& tasks = run.results["tasks"];
  if (!tasks.contains(task) || !tasks[task].contains("metrics") ||
      !tasks[task]["metrics"].is_object())
    return metrics;
  for (const auto& [metric, value] : tasks[task]["metrics"].items()) metrics.push_back(metric);
  return metrics;
}

}  // namespace clinbench
