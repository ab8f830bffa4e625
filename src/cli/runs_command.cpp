// clinbench runs: the runs below a folder, one block each: model, date, and every task's
// headline metric (inspect's `log list`, for results folders).
#include <cstdio>

#include "cli/commands.h"
#include "clinbench/compare.h"
#include "clinbench/results.h"

namespace clinbench::cli {

namespace {

std::string pad(const std::string& text, size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

// One run as `runs --json` prints it: folder, model, date, tasks with n and headline metric.
nlohmann::json run_summary(const std::filesystem::path& dir, const std::filesystem::path& root) {
  std::vector<CompareRun> runs(1);
  CompareRun& run = runs[0];
  run.dir = dir;
  run.results = results_read(dir);
  nlohmann::json tasks = nlohmann::json::array();
  for (const std::string& task : compare_runs_tasks(runs)) {
    const TaskResult* entry = run_result_task(run.results, task);
    std::string metric = compare_headline_metric(compare_run_metrics(run, task));
    nlohmann::json value = nullptr;
    if (!metric.empty() && entry->metrics.at(metric)) value = entry->metrics.at(metric)->value;
    tasks.push_back({{"task", task}, {"n", entry->n}, {"metric", metric}, {"value", value}});
  }
  std::filesystem::path shown = dir.lexically_relative(root);
  if (shown.empty() || shown == ".") shown = dir;
  return {{"folder", shown.string()},
          {"model", compare_run_default_name(run.results, dir)},
          {"model_spec", run.results.model.spec},
          {"date", run.results.config.created_at},
          {"tasks", tasks}};
}

}  // namespace

Command add_runs_command(CLI::App& parent) {
  auto root = std::make_shared<std::filesystem::path>(".");
  auto as_json = std::make_shared<bool>(false);
  CLI::App* app = parent.add_subcommand(
      "runs",
      "List the runs below a folder: model, date, and each task's headline metric with n.\n"
      "Example: clinbench runs results/   (then `clinbench report results/` draws them all)");
  app->add_option("dir", *root, "folder to search (default: the current one)")->check(CLI::ExistingDirectory);
  app->add_flag("--json", *as_json, "one JSON array of runs on stdout instead of the table");
  return {app, [root, as_json] {
            std::vector<std::filesystem::path> dirs = compare_find_runs(*root);
            nlohmann::json runs = nlohmann::json::array();
            for (const std::filesystem::path& dir : dirs) runs.push_back(run_summary(dir, *root));
            if (*as_json) {
              std::printf("%s\n", runs.dump(2).c_str());
              return 0;
            }
            if (runs.empty()) {
              std::printf("no runs (folders with results.json) at or below %s\n", root->c_str());
              return 0;
            }
            size_t folder_width = 6, model_width = 5;
            for (const nlohmann::json& run : runs) {
              folder_width = std::max(folder_width, run["folder"].get<std::string>().size());
              model_width = std::max(model_width, run["model"].get<std::string>().size());
            }
            std::printf("%s%s%s%s%s%s\n", pad("folder", folder_width).c_str(), pad("model", model_width).c_str(),
                        pad("date", 21).c_str(), pad("task", 22).c_str(), pad("n", 7).c_str(), "headline metric");
            for (const nlohmann::json& run : runs) {
              bool first = true;
              for (const nlohmann::json& task : run["tasks"]) {
                char value[64] = "n/a";
                if (task["value"].is_number()) std::snprintf(value, sizeof value, "%.3f", task["value"].get<double>());
                std::string n = task["n"].is_number() ? std::to_string(task["n"].get<int64_t>()) : "";
                std::printf("%s%s%s%s%s%s %s\n", pad(first ? run["folder"].get<std::string>() : "", folder_width).c_str(),
                            pad(first ? run["model"].get<std::string>() : "", model_width).c_str(),
                            pad(first ? run["date"].get<std::string>() : "", 21).c_str(),
                            pad(task["task"].get<std::string>(), 22).c_str(), pad(n, 7).c_str(),
                            task["metric"].get<std::string>().c_str(), value);
                first = false;
              }
              if (first) {
                std::printf("%s%s%s(no tasks)\n", pad(run["folder"].get<std::string>(), folder_width).c_str(),
                            pad(run["model"].get<std::string>(), model_width).c_str(),
                            pad(run["date"].get<std::string>(), 21).c_str());
              }
            }
            std::printf("\n%zu run(s). `clinbench report %s` puts them in one HTML report.\n", runs.size(), root->c_str());
            return 0;
          }};
}

}  // namespace clinbench::cli
