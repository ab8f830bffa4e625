// The "done when", end to end with real models: two different generated test models run
// on medqa (and meqsum, and medqa_gen for extraction failures), compare into tables with
// intervals and p-values, and the HTML report passes the browser test.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "clinbench/core.h"
#include "report_browser.h"
#include "test_support.h"

namespace clinbench {
namespace {

// Puts the planted markup into the first sample of a run (a log-likelihood task has no
// response; the report shows one when the sample carries it).
void plant(const std::filesystem::path& samples_file) {
  std::string text = read_file(samples_file);
  size_t end = text.find('\n');
  nlohmann::json first = nlohmann::json::parse(text.substr(0, end));
  first["response"] =
      std::string("Model output: ") + testing::kPlantedScript + " and " + testing::kPlantedImage;
  first["prompt"] = first["prompt"].get<std::string>() + testing::kPlantedImage;
  write_file_atomic(samples_file, first.dump() + text.substr(end));
}

TEST(ReportModel, TwoTestModelsCompareAndTheReportPassesTheBrowserTest) {
  std::filesystem::path dir = testing::work_dir("report_model");
  // Same tokenizer and template, different weights: two different "models".
  testing::TinyModelShape shape_a;
  shape_a.seed = 1;
  testing::TinyModelShape shape_b;
  shape_b.seed = 2;
  std::string tasks = "medqa,medqa_gen";
  std::string listing;
  testing::run_clinbench("tasks", listing);
  if (listing.find("meqsum") != std::string::npos) tasks += ",meqsum";
  const std::string common = " --tasks " + tasks +
                             " --limit 24 --threads 2 --parallel 24 --data-dir " +
                             testing::shared_data_dir().string();
  for (auto [name, shape] : {std::pair{"model-a", shape_a}, std::pair{"model-b", shape_b}}) {
    std::string output;
    std::string model = testing::tiny_model("llama-spm", "mistral", shape).string();
    ASSERT_EQ(testing::run_clinbench(
                  "run --model gguf:" + model + common + " --output-dir " + (dir / name).string(),
                  output),
              0)
        << output;
  }

  std::string compared;
  ASSERT_EQ(
      testing::run_clinbench("compare " + (dir / "model-a").string() + " " + (dir / "model-b").string() +
                        " --output-dir " + (dir / "compare").string(),
                    compared),
      0)
      << compared;
  // Both models carry the same general.name, so the folder tells them apart.
  EXPECT_NE(compared.find("(model-b) | clinbench"), std::string::npos) << compared;
  EXPECT_NE(compared.find("| medqa | acc |"), std::string::npos) << compared;
  EXPECT_NE(compared.find("McNemar exact"), std::string::npos) << compared;
  nlohmann::json json = nlohmann::json::parse(read_file(dir / "compare" / "compare.json"));
  for (const nlohmann::json& row : json["comparisons"]) {
    EXPECT_EQ(row["n"], 24) << row;
    // ECE is a biased statistic (binning): a percentile bootstrap interval of its difference
    // need not contain the point estimate. Every other row's interval must.
    if (row["metric"] != "ece") {
      EXPECT_LE(row["ci_low"].get<double>(), row["difference"].get<double>() + 1e-12) << row;
      EXPECT_GE(row["ci_high"].get<double>(), row["difference"].get<double>() - 1e-12) << row;
    }
    EXPECT_GT(row["p_value"].get<double>(), 0.0) << row;
    EXPECT_LE(row["p_value"].get<double>(), row["p_holm"].get<double>()) << row;
  }
  for (const nlohmann::json& score : json["scores"]) {
    EXPECT_TRUE(score["ci_low"].is_number()) << score;
  }
  if (tasks.find("meqsum") != std::string::npos) {
    EXPECT_NE(compared.find("| meqsum | rougeL |"), std::string::npos) << compared;
  }

  plant(dir / "model-a" / "samples" / "medqa.jsonl");
  std::string reported;
  ASSERT_EQ(testing::run_clinbench("report " + (dir / "model-a").string() + " " +
                              (dir / "model-b").string() + " -o " + (dir / "report.html").string(),
                          reported),
            0)
      << reported;
  testing::report_expect_browser_passes(dir / "report.html", dir,
                                        {"chart-scores", "chart-forest", "chart-rates"});
}

}  // namespace
}  // namespace clinbench
