// clinbench tasks: the built-in tasks, their item counts where the data is present, and where
// each expects its data.
#include <cstdio>

#include "cli/commands.h"
#include "cli/run_options.h"
#include "clinbench/kinds.h"
#include "clinbench/tasks.h"

namespace clinbench::cli {

Command add_tasks_command(CLI::App& parent) {
  auto data_dir = std::make_shared<std::filesystem::path>(default_data_dir());
  CLI::App* app = parent.add_subcommand("tasks", "List the built-in tasks, their item counts and where their data goes");
  app->add_option("--data-dir", *data_dir, "folder with the data sets (default $CLINBENCH_DATA or ./data)");
  return {app, [data_dir] {
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
