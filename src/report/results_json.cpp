#include "clinbench/report.h"
#include "engine/task_evaluation.h"

namespace clinbench {

namespace {

std::string dump_safe(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

nlohmann::json results_build(const ModelInfo& model, const nlohmann::json& config,
                             const std::vector<TaskResult>& tasks) {
  nlohmann::json results;
  results["clinbench_version"] = CLINBENCH_VERSION;
  results["format_version"] = kResultsFormatVersion;
  results["model"] = {{"spec", model.spec}, {"backend", model.backend}, {"fingerprint", model.fingerprint},
                      {"context_length", model.context_length}, {"details", model.details}};
  results["config"] = config;
  nlohmann::json task_entries = nlohmann::json::object();
  for (const TaskResult& task : tasks) {
    nlohmann::json metrics = nlohmann::json::object();
    for (const std::string& name : task.metric_order) {
      const auto& estimate = task.metrics.at(name);
      if (estimate) {
        metrics[name] = {{"value", estimate->value}, {"ci_low", estimate->ci_low}, {"ci_high", estimate->ci_high}};
      } else {
        metrics[name] = {{"value", nullptr}, {"ci_low", nullptr}, {"ci_high", nullptr}};
      }
    }
    task_entries[task.task] = {{"n", task.n},
                               {"dataset_items", task.dataset_items},
                               {"shots", task.shots},
                               {"metrics", metrics},
                               {"statuses", task.statuses},
                               {"truncated", task.truncated},
                               {"requests", {{"total", task.requests.total},
                                             {"deduplicated", task.requests.deduplicated},
                                             {"from_cache", task.requests.from_cache},
                                             {"computed", task.requests.computed},
                                             {"errors", task.requests.errors}}},
                               {"prompt_sha256", task.prompt_sha256}};
  }
  results["tasks"] = task_entries;
  return results;
}

void results_write(const std::filesystem::path& output_dir, const nlohmann::json& results,
                   const std::vector<TaskResult>& tasks) {
  std::error_code ec;
  std::filesystem::create_directories(output_dir / "samples", ec);
  if (ec) throw_input_error(output_dir, 0, "", "cannot create the output folder: " + ec.message());
  for (const TaskResult& task : tasks) {
    std::string lines;
    for (const nlohmann::json& sample : task.samples) lines += dump_safe(sample, -1) + "\n";
    write_file_atomic(output_dir / "samples" / (task.task + ".jsonl"), lines);
  }
  write_file_atomic(output_dir / "results.json", dump_safe(results, 2) + "\n");
}

nlohmann::json results_read(const std::filesystem::path& run_dir) {
  std::filesystem::path path = run_dir / "results.json";
  nlohmann::json results;
  try {
    results = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::parse_error& e) {
    throw_input_error(path, 0, "", std::string("not valid JSON: ") + e.what());
  }
  int version = results.value("format_version", 0);
  if (version > kResultsFormatVersion) {
    throw_input_error(path, 0, "format_version",
                      "written by a newer clinbench (format " + std::to_string(version) + "; this one reads up to " +
                          std::to_string(kResultsFormatVersion) + ")");
  }
  if (!results.contains("tasks") || !results["tasks"].is_object()) {
    throw_input_error(path, 0, "tasks", "missing: not a clinbench results file");
  }
  return results;
}

}  // namespace clinbench
