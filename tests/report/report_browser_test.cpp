// The report in a real browser (Debian's Chromium, headless): it loads with no console message,
// its charts draw, and markup planted in a model's response and a dataset's text shows as text
// and never runs.
#include "report_browser.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "clinbench/core.h"
#include "report_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

TEST(ReportBrowser, LoadsDrawsAndNeverRunsModelOutput) {
  std::filesystem::path dir = testing::work_dir("report_browser");
  std::vector<std::filesystem::path> runs = testing::report_fixture_runs(dir);
  write_file_atomic(dir / "pairs.yaml",
                    "- {fine_tune: Llama3-OpenBioLLM-8B, base: Meta-Llama-3-8B-Instruct}\n"
                    "- {fine_tune: Llama3-Aloe-8B-Alpha, base: Meta-Llama-3-8B-Instruct}\n");
  std::string output;
  int status = testing::run_clinbench("report " + runs[0].string() + " " + runs[1].string() + " " +
                                 runs[2].string() + " --pairs " + (dir / "pairs.yaml").string() +
                                 " --resamples 2000 -o " + (dir / "report.html").string(),
                             output);
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("opens offline"), std::string::npos) << output;
  testing::report_expect_browser_passes(dir / "report.html", dir,
                                        {"chart-scores", "chart-forest", "chart-rates"});
}

}  // namespace
}  // namespace clinbench
