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
// limit, few-shot count, seed and the model's spec and server options, into output_dir/NAME,
// with the suite's one cache output_dir/cache.sqlite unless the command line names another.
RunSettings suite_run_settings(const Suite& suite, const SuiteModel& model,
                               const RunSettings& defaults);

// Runs every model of the suite (run_pipeline, into defaults.output_dir/MODEL_NAME), then
// compares the pairs into defaults.output_dir/compare/ and prints the tables, then writes
// defaults.output_dir/report.html when the chart libraries are installed. A model that fails is
// reported and the others still run; its pairs are left out, as are those of a model whose run
// is incomplete (failed requests). Items one model of a pair failed (a context overflow the
// other fit) leave both sides with a note. Returns 0 when every model ran completely, 1
// otherwise. Throws Error for a suite that cannot start (checked before any model loads: the
// suite file, every task file and data set).
int run_suite(const std::filesystem::path& suite_file, const RunSettings& defaults);

}  // namespace clinbench::cli
