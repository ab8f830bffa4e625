// A whole suite on generated models, in process (run_suite is what `clinbench run --suite`
// calls): suites/demo.yaml runs both models into OUTPUT/NAME/, compares the pair into
// OUTPUT/compare/ and writes OUTPUT/report.html.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "clinbench/suite.h"
#include "test_support.h"

namespace clinbench {
namespace {

TEST(SuiteModel, DemoSuiteRunsComparesAndReports) {
  std::filesystem::path dir = testing::work_dir("suite_model");
  std::filesystem::create_directories(dir / "models");
  testing::TinyModelShape base_shape;
  base_shape.seed = 1;
  testing::TinyModelShape tuned_shape;
  tuned_shape.seed = 2;
  std::filesystem::copy_file(testing::tiny_model("llama-spm", "mistral", base_shape),
                             dir / "models" / "base.gguf");
  std::filesystem::copy_file(testing::tiny_model("llama-spm", "mistral", tuned_shape),
                             dir / "models" / "tuned.gguf");
  setenv("CLINBENCH_SUITE_MODELS", (dir / "models").c_str(), 1);

  RunSettings defaults;
  defaults.data_dir = testing::shared_data_dir();
  defaults.output_dir = dir / "out";
  defaults.allow_absolute_paths = true;  // the models are outside the suite's folder
  defaults.backend.threads = 2;
  defaults.backend.parallel = 10;
  int status = run_suite(testing::source_dir() / "suites" / "demo.yaml", defaults).status;
  unsetenv("CLINBENCH_SUITE_MODELS");
  ASSERT_EQ(status, 0);

  for (const char* model : {"test-base", "test-tuned"}) {
    nlohmann::json results = nlohmann::json::parse(read_file(dir / "out" / model / "results.json"));
    EXPECT_EQ(results["tasks"]["medqa"]["n"], 10) << model;
    EXPECT_EQ(results["config"]["limit"], 10) << model;
  }
  nlohmann::json compared =
      nlohmann::json::parse(read_file(dir / "out" / "compare" / "compare.json"));
  ASSERT_FALSE(compared["comparisons"].empty());
  EXPECT_EQ(compared["comparisons"][0]["fine_tune"], "test-tuned");  // the suite's names
  EXPECT_EQ(compared["comparisons"][0]["base"], "test-base");
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "compare" / "compare.md"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "report.html"));
}

}  // namespace
}  // namespace clinbench
