// The options `run` and `demo` share (and `audit`, `data`, `tasks` their data folder): the
// flags that tune the backend, how progress shows, where the data is.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>

#include "clinbench/backends.h"

namespace clinbench::cli {

// The data folder: --data-dir if given, else $CLINBENCH_DATA, else ./data.
std::filesystem::path default_data_dir();

// --quiet and --progress bar|json|none (the process-wide ProgressStyle), for `run` and `demo`.
void add_progress_options(CLI::App& app);

// Adds the options shared by `run` and `demo` that tune the embedded engine.
void add_backend_options(CLI::App& app, BackendOptions& options);

}  // namespace clinbench::cli
