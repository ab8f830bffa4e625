// results.json: the typed run (model, config, task results) to its JSON document and back.
#include <set>

#include "clinbench/results.h"
#include "results/json_fields.h"

namespace clinbench {

using results_fields::estimate_from_json;
using results_fields::estimate_to_json;
using results_fields::add_unknown_keys;
using results_fields::FieldReader;

namespace {

const std::set<std::string> kTaskKeys = {"n", "answered", "failed", "dataset_items", "shots", "metrics",
                                         "statuses", "truncated", "requests", "compute", "prompt_sha256",
                                         "bertscore", "data_notes", "clusters", "clean_subset"};
const std::set<std::string> kResultsKeys = {"clinbench_version", "format_version", "model", "config", "tasks"};

nlohmann::json task_result_to_json(const TaskResult& task) {
  nlohmann::json metrics = nlohmann::json::object();
  for (const std::string& name : task.metric_order) {
    const auto& estimate = task.metrics.at(name);
    metrics[name] = estimate_to_json(estimate);
    if (!estimate && !task.no_value_reason.empty()) metrics[name]["reason"] = task.no_value_reason;
  }
  nlohmann::json entry = {{"n", task.n},
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
  if (!task.bertscore.is_null()) entry["bertscore"] = task.bertscore;
  if (task.data_notes.is_object() && !task.data_notes.empty()) entry["data_notes"] = task.data_notes;
  if (task.clusters > 0) entry["clusters"] = task.clusters;  // intervals resample these
  if (task.clean_subset) {
    nlohmann::json clean_metrics = nlohmann::json::object();
    for (const auto& [name, estimate] : task.clean_subset->metrics) clean_metrics[name] = estimate_to_json(estimate);
    entry["clean_subset"] = {{"n", task.clean_subset->n},
                             {"excluded", task.clean_subset->excluded},
                             {"metrics", clean_metrics},
                             {"statuses", task.clean_subset->statuses}};
  }
  add_unknown_keys(entry, task.extra);
  return entry;
}

TaskResult task_result_from_json(const std::string& name, const FieldReader& fields) {
  TaskResult task;
  task.task = name;
  task.n = fields.integer("n");
  // Files written before answered/failed existed: every sample counted as answered.
  task.answered = fields.integer("answered", task.n);
  task.failed = fields.counts("failed");
  task.dataset_items = fields.integer("dataset_items");
  task.shots = fields.integer("shots");
  if (const nlohmann::json* metrics = fields.object("metrics")) {
    FieldReader metric_fields = fields.nested(*metrics, "metrics");
    for (const auto& [metric, value] : metrics->items()) {
      FieldReader metric_reader = metric_fields.nested(value, metric);
      task.metric_order.push_back(metric);
      task.metrics[metric] = estimate_from_json(metric_reader);
      if (std::string reason = metric_reader.string("reason"); !reason.empty()) task.no_value_reason = reason;
    }
  }
  task.statuses = fields.counts("statuses");
  task.truncated = fields.integer("truncated");
  if (const nlohmann::json* requests = fields.object("requests")) {
    FieldReader counts = fields.nested(*requests, "requests");
    task.requests = {counts.integer("total"), counts.integer("deduplicated"), counts.integer("from_cache"),
                     counts.integer("computed"), counts.integer("errors")};
  }
  if (const nlohmann::json* compute = fields.object("compute")) {
    FieldReader work = fields.nested(*compute, "compute");
    task.compute.tokens_decoded = work.integer("tokens_decoded");
    task.compute.decode_calls = work.integer("decode_calls");
    task.seconds = work.number("seconds");
  }
  task.prompt_sha256 = fields.string("prompt_sha256");
  task.bertscore = fields.any("bertscore");
  task.data_notes = fields.any("data_notes");
  task.clusters = fields.integer("clusters");
  if (const nlohmann::json* clean = fields.object("clean_subset")) {
    FieldReader subset = fields.nested(*clean, "clean_subset");
    TaskCleanSubset clean_subset;
    clean_subset.n = subset.integer("n");
    clean_subset.excluded = subset.integer("excluded");
    if (const nlohmann::json* metrics = subset.object("metrics")) {
      FieldReader metric_fields = subset.nested(*metrics, "metrics");
      for (const auto& [metric, value] : metrics->items()) {
        clean_subset.metrics[metric] = estimate_from_json(metric_fields.nested(value, metric));
      }
    }
    clean_subset.statuses = subset.counts("statuses");
    task.clean_subset = std::move(clean_subset);
  }
  task.extra = fields.unknown(kTaskKeys);
  return task;
}

}  // namespace

const TaskResult* run_result_task(const RunResult& run, std::string_view task) {
  for (const TaskResult& result : run.tasks) {
    if (result.task == task) return &result;
  }
  return nullptr;
}

nlohmann::json results_to_json(const RunResult& run) {
  nlohmann::json results;
  results["clinbench_version"] = run.clinbench_version;
  results["format_version"] = run.format_version;
  results["model"] = {{"spec", run.model.spec}, {"backend", run.model.backend}, {"fingerprint", run.model.fingerprint},
                      {"context_length", run.model.context_length}, {"details", run.model.details}};
  results["config"] = run_config_to_json(run.config);
  nlohmann::json task_entries = nlohmann::json::object();
  for (const TaskResult& task : run.tasks) task_entries[task.task] = task_result_to_json(task);
  results["tasks"] = task_entries;
  add_unknown_keys(results, run.extra);
  return results;
}

RunResult results_from_json(const nlohmann::json& document, const std::filesystem::path& file) {
  FieldReader fields(document, file, 0, "");
  fields.require_object();
  RunResult run;
  run.format_version = int(fields.integer("format_version", 0));
  if (run.format_version > kResultsFormatVersion) {
    throw_input_error(file, 0, "format_version",
                      "written by a newer clinbench (format " + std::to_string(run.format_version) +
                          "; this one reads up to " + std::to_string(kResultsFormatVersion) + ")");
  }
  const nlohmann::json* tasks = fields.object("tasks");
  if (!tasks) throw_input_error(file, 0, "tasks", "missing: not a clinbench results file");
  run.clinbench_version = fields.string("clinbench_version");
  if (const nlohmann::json* model = fields.object("model")) {
    FieldReader info = fields.nested(*model, "model");
    run.model.spec = info.string("spec");
    run.model.backend = info.string("backend");
    run.model.fingerprint = info.string("fingerprint");
    run.model.context_length = int32_t(info.integer("context_length"));
    run.model.details = info.any("details");
  }
  if (const nlohmann::json* config = fields.object("config")) run.config = run_config_from_json(*config, file);
  FieldReader task_fields = fields.nested(*tasks, "tasks");
  for (const auto& [name, entry] : tasks->items()) {
    run.tasks.push_back(task_result_from_json(name, task_fields.nested(entry, name)));
  }
  run.extra = fields.unknown(kResultsKeys);
  return run;
}

}  // namespace clinbench
