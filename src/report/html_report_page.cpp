// The HTML report's own style, body and script, from the files in src/report/page/ (compiled in
// at build time): report.css, body.html, error_hook.js (runs before the chart libraries, so that
// any error while they load or draw is listed at the top of the page, where a headless test can
// read it) and report.js (builds every table, chart and sample view from the JSON block,
// report_data, putting text into the page only through textContent: no string from a model or a
// dataset is ever parsed as HTML).
#include "report/html_report.h"
#include "report/page_files.h"

namespace clinbench {

namespace {

const std::string& page_file(std::string_view name) {
  for (const ReportPageFile& file : report_page_files())
    if (file.name == name) return file.content;
  throw Error("the report page has no file src/report/page/" + std::string(name));
}

// The style sheet and scripts start on the line after their opening tag; that newline is part of
// the bytes each CSP hash covers.
std::string on_own_line(std::string_view name) { return "\n" + page_file(name); }

}  // namespace

std::string_view report_page_style() {
  static const std::string style = on_own_line("report.css");
  return style;
}
std::string_view report_page_error_hook() {
  static const std::string hook = on_own_line("error_hook.js");
  return hook;
}
std::string_view report_page_body() { return page_file("body.html"); }
std::string_view report_page_script() {
  static const std::string script = on_own_line("report.js");
  return script;
}

}  // namespace clinbench
