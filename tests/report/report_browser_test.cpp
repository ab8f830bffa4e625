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
  // The verdicts (one row per comparison, each with its verdict badge) and the calibration of
  // the log-likelihood task render.
  testing::ChromiumPage page = testing::chromium_dump_dom(dir / "report.html", dir / "verdicts", 1200, 900);
  size_t verdict_rows = 0;
  for (size_t at = page.dom.find("class=\"verdict-row\""); at != std::string::npos;
       at = page.dom.find("class=\"verdict-row\"", at + 1))
    ++verdict_rows;
  EXPECT_GE(verdict_rows, 10u) << page.log;
  EXPECT_NE(page.dom.find("badge verdict-"), std::string::npos);
  EXPECT_NE(page.dom.find("clusters)"), std::string::npos) << "LongHealth's draws as clusters";
  EXPECT_NE(page.dom.find("class=\"calibration-row\""), std::string::npos);
  // Flips: causes per pair and task, and the two responses side by side.
  EXPECT_NE(page.dom.find("class=\"flip-cause-row\""), std::string::npos);
  EXPECT_NE(page.dom.find("class=\"flip-pair\"><div class=\"flip-side\">"), std::string::npos);
  EXPECT_NE(page.dom.find("no answer found"), std::string::npos);
  // Format versus knowledge: medqa and medqa_gen hold the same items.
  EXPECT_NE(page.dom.find("class=\"effect-row\""), std::string::npos);
  EXPECT_NE(page.dom.find("format (generation - log-likelihood)"), std::string::npos);
}

}  // namespace
}  // namespace clinbench
