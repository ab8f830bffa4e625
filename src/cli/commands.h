// The explicit table of subcommands. Each add_*_command declares its options on the parent app
// and returns the function that runs it after parsing.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace clinbench::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // exit status
};

Command add_demo_command(CLI::App& parent, const std::vector<std::string>& command_line);
Command add_run_command(CLI::App& parent, const std::vector<std::string>& command_line);
Command add_tasks_command(CLI::App& parent);
Command add_make_test_model_command(CLI::App& parent);
Command add_cache_command(CLI::App& parent);
Command add_compare_command(CLI::App& parent);
Command add_report_command(CLI::App& parent);
Command add_runs_command(CLI::App& parent);
Command add_data_command(CLI::App& parent);
Command add_index_command(CLI::App& parent);
Command add_audit_command(CLI::App& parent);

// Every subcommand, in the order --help lists them.
inline std::vector<Command> all_commands(CLI::App& app, const std::vector<std::string>& command_line) {
  return {
      add_demo_command(app, command_line),
      add_run_command(app, command_line),
      add_tasks_command(app),
      add_data_command(app),
      add_make_test_model_command(app),
      add_cache_command(app),
      add_compare_command(app),
      add_report_command(app),
      add_runs_command(app),
      add_index_command(app),
      add_audit_command(app),
  };
}

}  // namespace clinbench::cli
