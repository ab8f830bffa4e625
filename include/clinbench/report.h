// Reports: results.json and samples/TASK.jsonl of a run, and the tables printed from them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinbench/audit.h"
#include "clinbench/backends.h"
#include "clinbench/compare.h"
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

// The HTML report of a comparison: one self-contained file that opens offline (its parts are in
// src/report/html_report.h). The minified UMD builds of the chart libraries it inlines:
struct ReportAssets {
  std::string vega;
  std::string vega_lite;
  std::string vega_embed;
  std::string versions;  // versions.txt of the folder, e.g. "vega@6.4.0\nvega-lite@6.5.0\n..."
};

// $CLINBENCH_VEGA_DIR when set, else user_cache_dir()/"vega" (where scripts/fetch-vega.sh puts
// them).
std::filesystem::path report_assets_default_dir();

// Reads vega.min.js, vega-lite.min.js and vega-embed.min.js from dir. Throws Error naming the
// missing file and how to fetch it, or naming a file that could end its inline <script> block.
ReportAssets report_assets_load(const std::filesystem::path& dir);

struct ReportOptions {
  std::string title = "Model comparison";
  // Longer prompts, responses and targets are cut to this many characters (whole UTF-8
  // characters) in the sample browser, with a note saying how much was cut; the run's samples
  // files keep the full text. Bounds the file size for long-document tasks. >= 1.
  int64_t max_text_chars = 20000;
  std::string generated_at;  // shown in the header; empty = not shown
};

// The whole page.
std::string report_html(const std::vector<CompareRun>& runs, const CompareResult& result,
                        const ReportAssets& assets, const ReportOptions& options);

}  // namespace clinbench
