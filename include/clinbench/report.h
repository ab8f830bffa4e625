// Reports: the tables printed from a run's results (results.h reads and writes the files).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinbench/audit.h"
#include "clinbench/backends.h"
#include "clinbench/compare.h"
#include "clinbench/results.h"
#include "clinbench/stats.h"

namespace clinbench {

// A fixed-width table of a run's tasks, in name order: task, n, each metric with its 95%
// interval, failures.
std::string results_table(const RunResult& results);

// The same table over each task's clean subset (run --exclude-ids: the items not excluded).
std::string results_clean_subset_table(const RunResult& results);

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
