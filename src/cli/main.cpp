// clinbench: evaluate LLMs on clinical tasks. Each subcommand lives in its own file here and
// registers through the explicit table in commands.h.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

#include "cli/command_line_habits.h"
#include "cli/commands.h"
#include "clinbench/core.h"

int main(int argc, char** argv) {
  CLI::App app{
      "clinbench " CLINBENCH_VERSION
      ": evaluate LLMs on clinical tasks and compare models with paired statistics.\n"
      "Start with `clinbench demo`; `clinbench COMMAND --help` explains each command."};
  app.require_subcommand(1);
  app.set_version_flag("--version", CLINBENCH_VERSION);
  std::vector<std::string> command_line(argv, argv + argc);
  std::vector<clinbench::cli::Command> commands = clinbench::cli::all_commands(app, command_line);
  // Other harnesses' spellings of shared options (--num_fewshot) are taken as ours.
  std::vector<std::string> arguments(argv + 1, argv + argc);
  clinbench::cli::command_line_translate_spellings(app, arguments);
  std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());  // CLI11 parses from the back
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    int status = app.exit(e);
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
      for (const std::string& hint : clinbench::cli::command_line_unknown_option_hints(app, arguments)) {
        std::fprintf(stderr, "%s\n", hint.c_str());
      }
    }
    return status;
  }
  try {
    for (auto& command : commands) {
      if (command.app->parsed()) return command.run();
    }
  } catch (const clinbench::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
    return 2;
  }
  return 0;
}
