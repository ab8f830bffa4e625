// run_suite (clinbench/suite.h) called in-process: it tells its observer each model as it
// starts and each run as it finishes, returns the comparison for the caller to print, and
// prints nothing itself.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "clinbench/core.h"
#include "clinbench/suite.h"
#include "test_support.h"

namespace clinbench {
namespace {

class RecordingSuiteObserver : public SuiteObserver {
 public:
  void note(const std::string& message) override { notes.push_back(message); }
  void run_finished(const RunOutcome& outcome) override { finished.push_back(outcome.output_dir.filename().string()); }
  void suite_model_started(const Suite& suite, size_t index) override { started.push_back(suite.models[index].name); }

  std::vector<std::string> notes, finished, started;
};

TEST(RunSuite, ObserverSeesEachModelAndTheCallerGetsTheComparison) {
  std::filesystem::path dir = testing::work_dir("run_suite_library");
  testing::TinyModelShape other;
  other.seed = 3;
  std::ofstream(dir / "suite.yaml")
      << "name: library_suite\n"
         "tasks: [medqa]\n"
         "limit: 6\n"
         "models:\n"
         "  - name: first\n"
         "    model: gguf:" << testing::tiny_model("llama-spm", "mistral").string() << "\n"
         "  - name: second\n"
         "    model: gguf:" << testing::tiny_model("llama-spm", "mistral", other).string() << "\n";
  RunSettings defaults;
  defaults.data_dir = testing::shared_data_dir();
  defaults.output_dir = dir / "out";
  defaults.allow_absolute_paths = true;  // the models are outside the suite's folder
  defaults.backend.threads = 2;
  RecordingSuiteObserver observer;
  ::testing::internal::CaptureStdout();
  SuiteOutcome outcome = run_suite(dir / "suite.yaml", defaults, &observer);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");

  EXPECT_EQ(outcome.status, 0);
  EXPECT_TRUE(outcome.failed_models.empty());
  EXPECT_EQ(observer.started, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(observer.finished, (std::vector<std::string>{"first", "second"}));
  ASSERT_TRUE(outcome.compared);
  EXPECT_EQ(outcome.comparison_dir, dir / "out" / "compare");
  ASSERT_FALSE(outcome.comparison_markdown.empty());
  EXPECT_NE(read_file(dir / "out" / "compare" / "compare.md").find(outcome.comparison_markdown), std::string::npos);
  // The report is written where the chart libraries are installed, else the caller learns why.
  EXPECT_NE(outcome.report_file.empty(), outcome.report_error.empty());
  if (!outcome.report_file.empty()) {
    EXPECT_TRUE(std::filesystem::exists(outcome.report_file));
  }
  nlohmann::json second = nlohmann::json::parse(read_file(dir / "out" / "second" / "results.json"));
  EXPECT_EQ(second["tasks"]["medqa"]["n"], 6);
}

}  // namespace
}  // namespace clinbench
