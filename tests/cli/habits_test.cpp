// What users bring from other harnesses, as they type it: a bare .gguf path, lm-eval's option
// spellings and fractional --limit, a mistyped option; and the commands for results folders
// (`runs`, `report DIR`), --quiet, and the demo's comparison. The real binary, a tiny model.
#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "clinbench/core.h"
#include "test_support.h"

namespace clinbench {
namespace {

class Habits : public ::testing::Test {
 protected:
  std::string model_path_ = testing::tiny_model("llama-spm", "mistral").string();
  std::string data_ = " --data-dir " + testing::shared_data_dir().string() + " --threads 2";
};

TEST_F(Habits, LmEvalSpellingsABareGgufPathAndAFractionalLimit) {
  std::filesystem::path dir = testing::work_dir("cli_habits_lm_eval");
  testing::CommandOutcome outcome = testing::run_clinbench("run --model " + model_path_ + " --tasks pubmedqa --limit 0.01"
                                                           " --num_fewshot 0 --output_path " + (dir / "out").string() + data_);
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  nlohmann::json results = nlohmann::json::parse(read_file(dir / "out" / "results.json"));
  EXPECT_EQ(results["model"]["spec"], "gguf:" + model_path_);
  EXPECT_EQ(results["config"]["num_fewshot"], 0);
  EXPECT_EQ(results["config"]["limit_fraction"], 0.01);  // recorded as a fraction, not a count
  EXPECT_EQ(results["config"]["limit"], -1);
  const nlohmann::json& task = results["tasks"]["pubmedqa"];
  int64_t items = task["dataset_items"];
  ASSERT_GT(items, 100);
  EXPECT_EQ(task["n"], int64_t(std::ceil(double(items) * 0.01)));  // rounded up, as lm-eval does
}

TEST_F(Habits, LimitOutsideItsRangeIsRefusedBeforeTheModelLoads) {
  for (const char* limit : {"0", "-1", "1.5", "abc", "0.0"}) {
    testing::CommandOutcome outcome =
        testing::run_clinbench(std::string("run --model gguf:/nonexistent/m.gguf --tasks pubmedqa --limit ") + limit + data_);
    EXPECT_NE(outcome.status, 0) << limit;
    EXPECT_NE(outcome.output.find("a whole number, 1 or more"), std::string::npos) << limit << ": " << outcome.output;
    EXPECT_NE(outcome.output.find("between 0 and 1"), std::string::npos) << outcome.output;
    EXPECT_EQ(outcome.output.find("nonexistent"), std::string::npos) << "the model was opened: " << outcome.output;
  }
}

TEST_F(Habits, AMistypedOptionGetsTheNearestOne) {
  testing::CommandOutcome outcome =
      testing::run_clinbench("run --model " + model_path_ + " --tasks pubmedqa --num-fewshots 3" + data_);
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.output.find("unknown option --num-fewshots for `clinbench run`; did you mean --num-fewshot?"),
            std::string::npos)
      << outcome.output;
  outcome = testing::run_clinbench("report --outptu x.html somewhere");
  EXPECT_NE(outcome.output.find("did you mean --output?"), std::string::npos) << outcome.output;
  outcome = testing::run_clinbench("run --model " + model_path_ + " --tasks pubmedqa --frobnicate" + data_);
  EXPECT_NE(outcome.output.find("unknown option --frobnicate for `clinbench run`; see `clinbench run --help`"),
            std::string::npos)
      << outcome.output;
}

TEST_F(Habits, DemoHelpHasNoServerOptions) {
  testing::CommandOutcome outcome = testing::run_clinbench("demo --help");
  EXPECT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("--threads"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("--quiet"), std::string::npos) << outcome.output;
  for (const char* server : {"--model-name", "--api-key-env", "--concurrency", "--first-token-logprobs", "openai"}) {
    EXPECT_EQ(outcome.output.find(server), std::string::npos) << server << " in\n" << outcome.output;
  }
}

TEST_F(Habits, QuietRunsAndAFolderOfRunsIsListedAndReported) {
  std::filesystem::path dir = testing::work_dir("cli_habits_runs");
  const std::string common = " --tasks pubmedqa,medqa --limit 12" + data_;
  testing::CommandOutcome loud = testing::run_clinbench("run --model " + model_path_ + common + " --output-dir " +
                                                        (dir / "results" / "suite" / "a").string());
  ASSERT_EQ(loud.status, 0) << loud.output;
  EXPECT_NE(loud.output.find("elapsed"), std::string::npos) << loud.output;  // the progress lines
  testing::TinyModelShape other;
  other.seed = 5;
  std::string other_model = testing::tiny_model("llama-spm", "mistral", other).string();
  testing::CommandOutcome quiet = testing::run_clinbench("run --quiet --model " + other_model + common +
                                                         " --output-dir " + (dir / "results" / "b").string());
  ASSERT_EQ(quiet.status, 0) << quiet.output;
  EXPECT_EQ(quiet.output.find("elapsed"), std::string::npos) << quiet.output;
  EXPECT_NE(quiet.output.find("pubmedqa"), std::string::npos) << "the results table still prints";

  testing::CommandOutcome listed = testing::run_clinbench("runs " + (dir / "results").string());
  ASSERT_EQ(listed.status, 0) << listed.output;
  for (const char* expected : {"suite/a ", "b ", "pubmedqa", "medqa", " acc ", "12 ", "2 run(s)"}) {
    EXPECT_NE(listed.output.find(expected), std::string::npos) << expected << " in\n" << listed.output;
  }
  testing::CommandOutcome as_json = testing::run_clinbench("runs --json " + (dir / "results").string());
  ASSERT_EQ(as_json.status, 0) << as_json.output;
  nlohmann::json runs = nlohmann::json::parse(as_json.output);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0]["folder"], "b");
  EXPECT_EQ(runs[1]["folder"], "suite/a");
  nlohmann::json results = nlohmann::json::parse(read_file(dir / "results" / "suite" / "a" / "results.json"));
  EXPECT_EQ(runs[1]["tasks"][0]["task"], "pubmedqa");
  EXPECT_EQ(runs[1]["tasks"][0]["metric"], "acc");
  EXPECT_EQ(runs[1]["tasks"][0]["value"], results["tasks"]["pubmedqa"]["metrics"]["acc"]["value"]);
  EXPECT_EQ(runs[1]["date"], results["config"]["created_at"]);

  // `report DIR` finds every run below DIR.
  testing::CommandOutcome reported =
      testing::run_clinbench("report " + (dir / "results").string() + " -o " + (dir / "report.html").string());
  ASSERT_EQ(reported.status, 0) << reported.output;
  EXPECT_NE(reported.output.find("2 runs found"), std::string::npos) << reported.output;
  std::string html = read_file(dir / "report.html");
  EXPECT_NE(html.find((dir / "results" / "suite" / "a").string()), std::string::npos);
  EXPECT_NE(html.find((dir / "results" / "b").string()), std::string::npos);
  testing::CommandOutcome empty = testing::run_clinbench("report " + (dir / "results" / "suite" / "a" / "samples").string());
  EXPECT_NE(empty.status, 0);
  EXPECT_NE(empty.output.find("no run (a folder with results.json) at or below"), std::string::npos) << empty.output;
}

TEST_F(Habits, DemoComparesAFineTuneWithItsBaseAndWritesTheReport) {
  std::filesystem::path dir = testing::work_dir("cli_habits_demo");
  testing::CommandOutcome outcome = testing::run_clinbench("demo --threads 2 --output-dir " + dir.string());
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  for (const char* run : {"base", "fine-tune"}) {
    nlohmann::json results = nlohmann::json::parse(read_file(dir / run / "results.json"));
    EXPECT_EQ(results["tasks"]["demo_clinical"]["n"], 24) << run;
    EXPECT_EQ(results["model"]["details"]["name"], std::string("demo ") + run + " (random weights)");
  }
  nlohmann::json compared = nlohmann::json::parse(read_file(dir / "compare" / "compare.json"));
  ASSERT_FALSE(compared["comparisons"].empty());
  EXPECT_EQ(compared["comparisons"][0]["fine_tune"], "demo fine-tune (random weights)");
  EXPECT_EQ(compared["comparisons"][0]["base"], "demo base (random weights)");
  EXPECT_NE(outcome.output.find("| demo_clinical | acc |"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("report: " + (dir / "report.html").string()), std::string::npos) << outcome.output;
  EXPECT_GT(std::filesystem::file_size(dir / "report.html"), 10000u);
}

}  // namespace
}  // namespace clinbench
