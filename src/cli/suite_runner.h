// Suites: a YAML file naming models, tasks and pairs (fine-tune → base). `clinbench run --suite
// FILE` evaluates every model on every task into OUTPUT/MODEL_NAME/, then compares the pairs
// into OUTPUT/compare/ and, where the chart libraries are installed, writes OUTPUT/report.html.
// The file format and its parser are in suite_file.h.
#pragma once

#include <filesystem>

#include "cli/run_pipeline.h"
#include "cli/suite_file.h"

namespace clinbench::cli {

// The settings of one model's run: `defaults` (the command line) with the suite's tasks, data,
// limit, few-shot count, seed and the model's spec and server options, into output_dir/NAME.
RunSettings suite_run_settings(const Suite& suite, const SuiteModel& model,
                               const RunSettings& defaults);

// Runs every model of the suite (run_pipeline, into defaults.output_dir/MODEL_NAME), then
// compares the pairs into defaults.output_dir/compare/ and prints the tables, then writes
// defaults.output_dir/report.html when the chart libraries are installed. A model that fails is
// reported and the others still run; its pairs are left out. Returns 0 when every model ran,
// 1 otherwise. Throws Error for a suite that cannot start (checked before any model loads).
int run_suite(const std::filesystem::path& suite_file, const RunSettings& defaults);

}  // namespace clinbench::cli
