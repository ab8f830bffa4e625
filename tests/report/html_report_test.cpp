// The HTML report's safety and structure, without a browser: the JSON block cannot be broken out
// of, every script is allowed by hash and nothing else, the page's script never parses strings
// as HTML, long texts are cut, and missing chart libraries are a clear error.
#include "report/html_report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "clinbench/compare.h"
#include "clinbench/metrics.h"
#include "report_browser.h"
#include "report_fixtures.h"
#include "run_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

ReportAssets fake_assets() {
  return {"window.vega={version:'test'};", "window.vegaLite={};", "window.vegaEmbed=function(){};",
          "test"};
}

TEST(HtmlReport, JsonInScriptCannotEndTheBlock) {
  nlohmann::json value = {
      {"response",
       std::string("</script><script>alert(1)</script><!-- & \xE2\x80\xA8 \xE2\x80\xA9 ") +
           testing::kPlantedImage},
      {"bad utf8", "\xC3("}};
  std::string text = report_json_in_script(value);
  EXPECT_EQ(lower(text).find("</script"), std::string::npos) << text;
  EXPECT_EQ(text.find('<'), std::string::npos) << text;
  EXPECT_EQ(text.find('>'), std::string::npos) << text;
  EXPECT_EQ(text.find('&'), std::string::npos) << text;
  EXPECT_EQ(text.find("\xE2\x80\xA8"), std::string::npos);
  EXPECT_EQ(text.find("\xE2\x80\xA9"), std::string::npos);
  EXPECT_NE(text.find("\\u2028"), std::string::npos);
  nlohmann::json back = nlohmann::json::parse(text);
  EXPECT_EQ(back["response"], value["response"]);  // same value, only spelled differently
  EXPECT_EQ(back["bad utf8"], "\xEF\xBF\xBD(");    // U+FFFD
}

class HtmlReportPage : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::path dir = testing::work_dir("html_report_page");
    CompareInput input = compare_input_load(testing::report_fixture_runs(dir), {}, "");
    runs_ = input.runs;
    CompareOptions options;
    options.resamples = 500;
    result_ = compare_runs(runs_, input.pairs, options);
    html_ = report_html(runs_, result_, fake_assets(), ReportOptions{});
  }
  std::vector<CompareRun> runs_;
  CompareResult result_;
  std::string html_;
};

TEST_F(HtmlReportPage, PlantedMarkupNeverAppearsAsMarkup) {
  EXPECT_EQ(html_.find(testing::kPlantedScript), std::string::npos);
  EXPECT_EQ(html_.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html_.find("PWNED'</script>"), std::string::npos);
  // Five script blocks (hook, three libraries, the page) and the data block; nothing else.
  EXPECT_EQ(count(lower(html_), "<script"), 6u);
  EXPECT_EQ(count(lower(html_), "</script"), 6u);
}

TEST_F(HtmlReportPage, OnlyThePagesOwnScriptsMayRun) {
  size_t meta = html_.find("<meta http-equiv=\"Content-Security-Policy\" content=\"");
  ASSERT_NE(meta, std::string::npos);
  size_t content = html_.find("content=\"", meta) + 9;
  std::string policy = html_.substr(content, html_.find('"', content) - content);
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos) << policy;
  size_t scripts = policy.find("script-src");
  std::string script_sources = policy.substr(scripts, policy.find(';', scripts) - scripts);
  EXPECT_EQ(script_sources.find("unsafe-inline"), std::string::npos)
      << "scripts: by hash only: " << script_sources;
  EXPECT_EQ(script_sources.find("unsafe-eval"), std::string::npos)
      << "no eval: Vega runs its expression interpreter (report_browser_test draws the charts under this policy)";
  EXPECT_EQ(count(policy, "'sha256-"), 5u) << policy;
  EXPECT_EQ(policy.find("http"), std::string::npos) << "no network source: " << policy;
  EXPECT_EQ(policy.find("connect-src"), std::string::npos);  // falls back to default-src 'none'
}

// The page's own files (src/report/page/), as written in the source tree.
std::filesystem::path page_dir() { return testing::source_dir() / "src" / "report" / "page"; }
std::vector<std::filesystem::path> page_scripts() {
  std::vector<std::filesystem::path> scripts;
  for (const auto& entry : std::filesystem::directory_iterator(page_dir()))
    if (entry.path().extension() == ".js") scripts.push_back(entry.path());
  std::sort(scripts.begin(), scripts.end());
  return scripts;
}

TEST(HtmlReportPageFiles, TheScriptsNeverParseStringsAsHtml) {
  std::vector<std::filesystem::path> scripts = page_scripts();
  ASSERT_EQ(scripts.size(), 2u) << "error_hook.js and report.js";
  for (const std::filesystem::path& file : scripts) {
    std::string script = read_file(file);
    for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                             "eval(", "new Function", "setAttribute(\"on", "srcdoc"}) {
      EXPECT_EQ(script.find(sink), std::string::npos) << file << ": " << sink;
    }
  }
  EXPECT_GT(count(read_file(page_dir() / "report.js"), "textContent"), 5u);
}

// The page the library writes is these files, byte for byte (the style sheet and scripts on the
// line after their tag), so that what the syntax check and lint read is what runs.
TEST_F(HtmlReportPage, IsMadeOfThePageFiles) {
  // EXPECT_TRUE, not EXPECT_EQ: a mismatch would print both files whole.
  EXPECT_TRUE(report_page_style() == "\n" + read_file(page_dir() / "report.css")) << "report.css";
  EXPECT_TRUE(report_page_body() == read_file(page_dir() / "body.html")) << "body.html";
  EXPECT_TRUE(report_page_error_hook() == "\n" + read_file(page_dir() / "error_hook.js")) << "error_hook.js";
  EXPECT_TRUE(report_page_script() == "\n" + read_file(page_dir() / "report.js")) << "report.js";
  EXPECT_NE(html_.find("<style>\n" + std::string(report_page_style()) + "</style>"), std::string::npos);
  EXPECT_NE(html_.find("<script>" + std::string(report_page_error_hook()) + "</script>"), std::string::npos);
  EXPECT_NE(html_.find("<body>\n" + std::string(report_page_body())), std::string::npos);
  EXPECT_NE(html_.find("<script>" + std::string(report_page_script()) + "</script>"), std::string::npos);
}

// The quoted values that follow each occurrence of prefix (e.g. id=" or getElementById(").
// (No std::regex: GCC 12 warns falsely inside it under the sanitizers, and warnings are errors.)
std::vector<std::string> quoted_after(const std::string& text, const std::string& prefix) {
  std::vector<std::string> values;
  for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
    size_t start = at + prefix.size();
    size_t end = text.find('"', start);
    if (end != std::string::npos) values.push_back(text.substr(start, end - start));
  }
  return values;
}

// Every element the scripts look up by a literal id is in the body, once.
TEST(HtmlReportPageFiles, EveryIdTheScriptsLookUpIsInTheBodyOnce) {
  std::set<std::string> ids;
  for (const std::string& id : quoted_after(read_file(page_dir() / "body.html"), " id=\""))
    EXPECT_TRUE(ids.insert(id).second) << "id used twice in body.html: " << id;
  ids.insert("report-data");  // the JSON block, which report_html() writes after the body
  size_t lookups = 0;
  for (const std::filesystem::path& file : page_scripts()) {
    for (const std::string& id : quoted_after(read_file(file), "getElementById(\"")) {
      ++lookups;
      EXPECT_TRUE(ids.count(id)) << file << " looks up id \"" << id << "\", which body.html lacks";
    }
  }
  EXPECT_GT(lookups, 20u);
}

TEST_F(HtmlReportPage, DataHoldsEverySampleWithStringsOnce) {
  nlohmann::json data = report_data(runs_, result_, ReportOptions{});
  EXPECT_EQ(data["samples"].size(), 3u * (120 + 120 + 60 + 80));
  EXPECT_EQ(data["tasks"].size(), 4u);
  EXPECT_EQ(data["tasks"][0]["headline"], "acc");
  EXPECT_EQ(data["tasks"][0]["binary"], true);
  EXPECT_EQ(data["tasks"][2]["headline"], "rouge1");
  EXPECT_EQ(data["tasks"][2]["binary"], false);
  EXPECT_EQ(data["tasks"][3]["headline"], "acc");  // not the hallucination rate
  // The page reads which metrics are rates where lower is better from the metric table's rows.
  EXPECT_EQ(data["tasks"][0]["lower_is_better"], nlohmann::json::array());
  EXPECT_NE(std::find(data["tasks"][3]["lower_is_better"].begin(), data["tasks"][3]["lower_is_better"].end(),
                      "hallucination_rate"),
            data["tasks"][3]["lower_is_better"].end());
  // ... and the metrics' display names from the table's labels, one per row.
  EXPECT_EQ(data["metric_labels"].size(), metric_definitions().size());
  EXPECT_EQ(data["metric_labels"]["rougeL"], "ROUGE-L");
  EXPECT_EQ(data["metric_labels"]["hallucination_rate"], "hallucination rate");
  // Prompts are the same text for the same item in every run: stored once.
  std::set<std::string> unique(data["strings"].begin(), data["strings"].end());
  EXPECT_EQ(unique.size(), data["strings"].size());
  EXPECT_LT(data["strings"].size(), data["samples"].size() * 2);
  const nlohmann::json& first = data["samples"][0];
  EXPECT_EQ(first["outcome"].is_string(), true);
  EXPECT_NE(data["strings"][first["response"].get<size_t>()].get<std::string>().find(
                testing::kPlantedScript),
            std::string::npos);
}

TEST(HtmlReport, LongTextsAreCutWholeCharactersAndSaySo) {
  testing::FixtureTask task = testing::fixture_task("meqsum", "rougeL", {0.5});
  task.samples[0].response = std::string(30, 'x') + "\xC3\xA9\xC3\xA9\xC3\xA9";  // 33 characters
  std::vector<CompareRun> runs = {testing::fixture_run("a", {task})};
  ReportOptions options;
  options.max_text_chars = 31;
  nlohmann::json data = report_data(runs, compare_runs(runs, {}, CompareOptions{}), options);
  std::string response = data["strings"][data["samples"][0]["response"].get<size_t>()];
  EXPECT_EQ(response.substr(0, 33), std::string(30, 'x') + "\xC3\xA9\n");
  EXPECT_NE(response.find("2 more characters not shown"), std::string::npos) << response;
}

TEST(HtmlReport, MissingChartLibrariesSayHowToGetThem) {
  std::filesystem::path dir = testing::work_dir("html_report_assets");
  try {
    report_assets_load(dir);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("vega.min.js"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("scripts/fetch-vega.sh"), std::string::npos) << e.what();
  }
  write_file_atomic(dir / "vega.min.js", "var a='</SCRIPT>';");
  write_file_atomic(dir / "vega-lite.min.js", "");
  write_file_atomic(dir / "vega-embed.min.js", "");
  try {
    report_assets_load(dir);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot be inlined"), std::string::npos) << e.what();
  }
}

TEST(HtmlReport, TheInstalledLibrariesCanBeInlined) {
  // What scripts/fetch-vega.sh installed (setup runs it); the browser tests draw with these.
  ReportAssets assets = report_assets_load(report_assets_default_dir());
  EXPECT_GT(assets.vega.size(), 100000u);
  EXPECT_NE(assets.versions.find("vega-lite@"), std::string::npos);
}

}  // namespace
}  // namespace clinbench
