// The table `clinbench run` prints: each task's metrics with their intervals and what was not ok.
#include <algorithm>
#include <cstdio>

#include "clinbench/report.h"

namespace clinbench {

namespace {

std::string format_estimate(const std::optional<StatsEstimate>& estimate, const std::string& reason) {
  if (!estimate) return reason.empty() ? "n/a" : "n/a (" + reason + ")";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3f [%.3f, %.3f]", estimate->value, estimate->ci_low, estimate->ci_high);
  return buffer;
}

std::string pad(const std::string& text, size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

// One task's rows. answered < n shows as "47/50" (the metrics cover 47).
struct TableTask {
  const std::string& task;
  int64_t n = 0;
  int64_t answered = 0;
  int64_t truncated = 0;
  const std::map<std::string, int64_t>& statuses;
  const std::map<std::string, std::optional<StatsEstimate>>& metrics;
  const std::string& no_value_reason;
};

std::string table(const std::vector<TableTask>& tasks) {
  std::string out = pad("task", 22) + pad("n", 7) + pad("metric", 20) + pad("value [95% CI]", 26) + "not ok, truncated\n";
  out += std::string(82, '-') + "\n";
  for (const TableTask& entry : tasks) {
    std::string statuses;
    if (entry.truncated > 0) statuses = "truncated " + std::to_string(entry.truncated);
    for (const auto& [status, count] : entry.statuses) {
      if (status == "ok") continue;
      statuses += (statuses.empty() ? "" : ", ") + status + " " + std::to_string(count);
    }
    std::string n = std::to_string(entry.n);
    if (entry.answered != entry.n) n = std::to_string(entry.answered) + "/" + n;
    bool first = true;
    for (const auto& [metric, value] : entry.metrics) {
      out += pad(first ? entry.task : "", 22) + pad(first ? n : "", 7) + pad(metric, 20) +
             pad(format_estimate(value, entry.no_value_reason), 26) +
             (first ? (statuses.empty() ? "0" : statuses) : "") + "\n";
      first = false;
    }
  }
  return out;
}

// The run's tasks by name (results.json's order).
std::vector<const TaskResult*> by_name(const RunResult& results) {
  std::vector<const TaskResult*> tasks;
  for (const TaskResult& task : results.tasks) tasks.push_back(&task);
  std::sort(tasks.begin(), tasks.end(), [](const TaskResult* a, const TaskResult* b) { return a->task < b->task; });
  return tasks;
}

}  // namespace

std::string results_table(const RunResult& results) {
  std::vector<TableTask> rows;
  for (const TaskResult* task : by_name(results)) {
    rows.push_back({task->task, task->n, task->answered, task->truncated, task->statuses, task->metrics,
                    task->no_value_reason});
  }
  return table(rows);
}

std::string results_clean_subset_table(const RunResult& results) {
  static const std::string no_reason;
  std::vector<TableTask> rows;
  for (const TaskResult* task : by_name(results)) {
    if (!task->clean_subset) continue;
    const TaskCleanSubset& clean = *task->clean_subset;
    rows.push_back({task->task, clean.n, clean.n, 0, clean.statuses, clean.metrics, no_reason});
  }
  return table(rows);
}

}  // namespace clinbench
