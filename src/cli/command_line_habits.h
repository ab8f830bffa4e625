// What people type out of habit from other harnesses (lm-evaluation-harness, inspect_ai), taken
// as they meant it where that is unambiguous, and a nearest-option hint where it is not.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace clinbench::cli {

// A bare path ending in ".gguf" (any case) becomes "gguf:PATH"; any other spec is returned as is.
std::string model_spec_with_scheme(const std::string& spec);

// Rewrites, in place, the options of args (argv without the program name) that the chosen
// subcommand knows under another spelling: --name_with_underscores as --name-with-underscores,
// and the few lm-eval / inspect_ai names in the table of command_line_habits.cpp (--output_path
// as --output-dir, ...). Only where the subcommand has the target option and not the spelling
// given; values and positionals are never touched. Returns the rewrites made, "--a -> --b".
std::vector<std::string> command_line_translate_spellings(CLI::App& app, std::vector<std::string>& args);

// For each option in args that the chosen subcommand does not know, a line "unknown option
// --x for `clinbench run`; did you mean --y?" (or "see `clinbench run --help`" when nothing is
// close). Empty when every option is known.
std::vector<std::string> command_line_unknown_option_hints(CLI::App& app, const std::vector<std::string>& args);

// The --limit value: an item count (a whole number >= 1) or, below 1, a fraction of each task's
// items (lm-eval's meaning; a task's share is rounded up). Anything else, 0 and negatives
// included, is a CLI::ValidationError saying the allowed range.
struct ItemLimit {
  int64_t items = -1;     // < 0: no count
  double fraction = 0.0;  // in (0, 1); 0: no fraction
};
ItemLimit item_limit_parse(const std::string& text);

}  // namespace clinbench::cli
