// The HTML report: one self-contained file (charts, tables, every sample) that opens offline in
// any current browser. Vega, Vega-Lite and vega-embed are inlined from the npm builds that
// scripts/fetch-vega.sh installs; the page's own script draws everything from one JSON block.
//
// Safety: model outputs and dataset strings are data, never markup. The JSON block escapes
// <, >, &, U+2028 and U+2029, so no string can end the block; the page's script puts every
// string into the page with textContent; and a Content-Security-Policy allows only the page's
// own scripts (by hash) and no network, so even a string that got through could neither run
// nor load anything.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "clinbench/compare.h"
#include "clinbench/report.h"  // ReportAssets, ReportOptions, report_html

namespace clinbench {

// The one JSON object the page draws from: compare_json's content, the tasks with their
// headline metric, and every sample of every run (strings stored once each, by index).
nlohmann::json report_data(const std::vector<CompareRun>& runs, const CompareResult& result,
                           const ReportOptions& options);

// The report's context (html_report_context.cpp), in report_data's "context": each task's
// description, each run's settings (date, limit, shots, seed, prompt format, template and data
// file hashes), and per run and task how many answers could not be read, by status.
nlohmann::json report_context(const std::vector<CompareRun>& runs, const std::vector<std::string>& tasks);

// JSON text safe inside <script type="application/json">: <, >, & and U+2028/U+2029 as \u
// escapes (still valid JSON, same value). Invalid UTF-8 becomes U+FFFD.
std::string report_json_in_script(const nlohmann::json& value);

// The page's own parts (html_report_page.cpp): style sheet, the error hook that runs before the
// libraries, the body skeleton and the script that draws the page.
std::string_view report_page_style();
std::string_view report_page_error_hook();
std::string_view report_page_body();
std::string_view report_page_script();

}  // namespace clinbench
