// The HTML report page's own files (src/report/page/), compiled in by cmake/EmbedReportPage.cmake.
#pragma once

#include <string>
#include <vector>

namespace clinbench {

struct ReportPageFile {
  std::string name;     // "report.js", relative to src/report/page/
  std::string content;  // the file's exact bytes
};

const std::vector<ReportPageFile>& report_page_files();

}  // namespace clinbench
