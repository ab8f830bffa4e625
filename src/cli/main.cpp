// clinbench: evaluate LLMs on clinical tasks. Each subcommand lives in its own file here and
// registers through the explicit table in commands.h.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
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
