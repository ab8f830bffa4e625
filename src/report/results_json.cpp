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
        if (!task.no_value_reason.empty()) metrics[name]["reason"] = task.no_value_reason;
      }
    }
    task_entries[task.task] = {{"n", task.n},
                               {"answered", task.answered},
                               {"failed", task.failed},
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
                               // Timing and work, not results: they differ between an interrupted
                               // run and an uninterrupted one (cached requests cost nothing).
                               {"compute", {{"tokens_decoded", task.compute.tokens_decoded},
                                            {"decode_calls", task.compute.decode_calls},
                                            {"seconds", task.seconds}}},
                               {"prompt_sha256", task.prompt_sha256}};
    if (!task.bertscore.is_null()) task_entries[task.task]["bertscore"] = task.bertscore;
    if (task.data_notes.is_object() && !task.data_notes.empty()) task_entries[task.task]["data_notes"] = task.data_notes;
    if (task.clusters > 0) task_entries[task.task]["clusters"] = task.clusters;  // intervals resample these
  }
  results["tasks"] = task_entries;
  return results;
}

void results_add_clean_subsets(nlohmann::json& results, std::vector<TaskResult>& tasks,
                               const AuditExcludedIds& excluded, const StatsBootstrapOptions& bootstrap) {
  for (TaskResult& task : tasks) {
    std::vector<bool> keep(task.samples.size(), true);
    int64_t left_out = 0;
    nlohmann::json statuses = nlohmann::json::object();
    for (size_t i = 0; i < task.samples.size(); ++i) {
      nlohmann::json& sample = task.samples[i];
      if (excluded.excludes(task.task, sample.value("id", std::string()))) {
        sample["excluded"] = true;
        keep[i] = false;
        left_out += 1;
      } else {
        std::string status = sample.value("status", std::string("ok"));
        statuses[status] = statuses.value(status, int64_t(0)) + 1;
      }
    }
    nlohmann::json metrics = nlohmann::json::object();
    for (const std::string& name : task.metric_order) {
      std::optional<StatsEstimate> estimate;
      auto values = task.per_sample.find(name);
      if (values != task.per_sample.end() && values->second.size() == task.samples.size()) {
        std::vector<double> kept;
        std::vector<uint32_t> kept_clusters;  // the task's clusters, when it has them
        for (size_t i = 0; i < keep.size(); ++i) {
          if (keep[i]) kept.push_back(values->second[i]);
          if (keep[i] && !task.cluster_of_sample.empty()) kept_clusters.push_back(task.cluster_of_sample[i]);
        }
        estimate = task_answered_estimate(kept, kept_clusters, bootstrap);
      }
      metrics[name] = estimate ? nlohmann::json{{"value", estimate->value}, {"ci_low", estimate->ci_low},
                                                {"ci_high", estimate->ci_high}}
                               : nlohmann::json{{"value", nullptr}, {"ci_low", nullptr}, {"ci_high", nullptr}};
    }
    results["tasks"][task.task]["clean_subset"] = {
        {"n", int64_t(task.samples.size()) - left_out}, {"excluded", left_out}, {"metrics", metrics}, {"statuses", statuses}};
  }
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
