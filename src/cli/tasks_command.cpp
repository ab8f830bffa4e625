// clinbench tasks: the built-in tasks, their item counts where the data is present, and where
// each expects its data; with --metrics, the metric table (the names a task file may list).
#include <cstdio>

#include "cli/commands.h"
#include "cli/run_options.h"
#include "clinbench/kinds.h"
#include "clinbench/metrics.h"
#include "clinbench/tasks.h"

namespace clinbench::cli {

namespace {

void print_metric_table() {
  std::printf("%-20s %-7s %-14s %s\n", "metric", "better", "needs", "description");
  for (const MetricDefinition& metric : metric_definitions()) {
    std::string needs;
    if (metric_needs_has(metric.needs, MetricNeeds::icd_code_set)) needs += "icd-codes ";
    if (metric_needs_has(metric.needs, MetricNeeds::embedder)) needs += "embedder ";
    if (metric_needs_has(metric.needs, MetricNeeds::judge_backend)) needs += "judge ";
    if (metric.aggregation == MetricAggregation::paired_calibration) needs += "(compare) ";
    if (needs.empty()) needs = "-";
    const char* better = metric.direction == MetricDirection::higher_is_better ? "higher" : "lower";
    std::printf("%-20.*s %-7s %-14s %.*s\n", int(metric.name.size()), metric.name.data(), better, needs.c_str(),
                int(metric.description.size()), metric.description.data());
  }
}

}  // namespace

Command add_tasks_command(CLI::App& parent) {
  auto data_dir = std::make_shared<std::filesystem::path>(default_data_dir());
  CLI::App* app = parent.add_subcommand("tasks", "List the built-in tasks, their item counts and where their data goes");
  app->add_option("--data-dir", *data_dir, "folder with the data sets (default $CLINBENCH_DATA or ./data)");
  auto metrics = std::make_shared<bool>(false);
  app->add_flag("--metrics", *metrics,
                "list the metrics instead: name, which way is better, what each needs, what it measures");
  return {app, [data_dir, metrics] {
            if (*metrics) {
              print_metric_table();
              return 0;
            }
            std::printf("%-26s %-9s %-60s %s\n", "task", "items", "expects its data at", "description");
            for (const std::string& name : builtin_task_names()) {
              TaskSpec spec = task_spec_find(name);
              std::string items = "-";
              try {
                TaskDataOptions options{*data_dir, -1, 0, 1234};
                items = std::to_string(task_data_load(spec, options).dataset_items);
              } catch (const Error&) {
                items = "missing";
              }
              std::printf("%-26s %-9s %-60s %s\n", spec.name.c_str(), items.c_str(),
                          (*data_dir / spec.dataset_path).c_str(), spec.description.c_str());
            }
            return 0;
          }};
}

}  // namespace clinbench::cli
