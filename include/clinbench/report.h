// Reports: results.json and samples/TASK.jsonl of a run, and the tables printed from them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinbench/audit.h"
#include "clinbench/backends.h"
#include "clinbench/stats.h"

namespace clinbench {

struct TaskResult;

// Version of the results.json layout; readers refuse newer versions they do not know.
inline constexpr int kResultsFormatVersion = 1;

// {"clinbench_version", "format_version", "model": {...}, "config": {...},
//  "tasks": {"TASK": {"n", "metrics": {"M": {"value", "ci_low", "ci_high"}}, ...}}}
// A metric without samples has value, ci_low and ci_high null.
nlohmann::json results_build(const ModelInfo& model, const nlohmann::json& config,
                             const std::vector<TaskResult>& tasks);

// With `run --exclude-ids`: marks every sample whose id `excluded` names with "excluded": true
// (so compare sees it too) and adds to each task of results a "clean_subset": {"n", "excluded",
// "metrics": {"M": {"value", "ci_low", "ci_high"}}, "statuses"}, the task's metrics over the
// items left, with bootstrap intervals drawn as the full set's. Every task gets the block, also
// with nothing excluded, so a reader knows the check ran. Call before results_write.
void results_add_clean_subsets(nlohmann::json& results, std::vector<TaskResult>& tasks,
                               const AuditExcludedIds& excluded, const StatsBootstrapOptions& bootstrap);

// Writes DIR/results.json and DIR/samples/TASK.jsonl, each atomically (a reader sees the old
// file or the new one). Text that is not valid UTF-8 (a token cut mid-character) is written with
// U+FFFD in its place. Throws Error naming the file when writing fails.
void results_write(const std::filesystem::path& output_dir, const nlohmann::json& results,
                   const std::vector<TaskResult>& tasks);

// Reads DIR/results.json, refusing unknown newer format versions. Throws Error naming the file.
nlohmann::json results_read(const std::filesystem::path& run_dir);

// A fixed-width table: task, n, each metric with its 95% interval, failures.
std::string results_table(const nlohmann::json& results);

}  // namespace clinbench
