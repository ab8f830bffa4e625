// What a run finds in its output folder and its cache: another model's results stop it (unless
// --overwrite), what a killed run left half-written goes, and a cached answer computed under a
// larger context window is not served to a run whose window cannot hold it.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "clinbench/core.h"
#include "test_support.h"

namespace clinbench {
namespace {

class RunFolder : public ::testing::Test {
 protected:
  std::string model_ = "gguf:" + testing::tiny_model("llama-spm").string();
  std::string other_model_ = "gguf:" + testing::tiny_model("llama-bpe", "llama3").string();
  std::string common_ = " --threads 2 --bootstrap-resamples 500 --data-dir " + testing::shared_data_dir().string();
};

nlohmann::json results_of(const std::filesystem::path& dir) {
  return nlohmann::json::parse(read_file(dir / "results.json"));
}

// `--ctx-size 16` once reported normal scores from entries computed at the model's 4,096 (the
// cache answered); a fresh folder reported context overflow. Now both say: no item fits, so
// no value (not 0.000), and the run is incomplete.
TEST_F(RunFolder, AWindowTooSmallForEveryItemGivesNoValueFromTheCacheToo) {
  std::filesystem::path dir = testing::work_dir("cli_run_tiny_window");
  const std::string run = "run --model " + model_ + " --tasks medqa --limit 4" + common_ + " --cache " +
                          (dir / "cache.sqlite").string() + " --output-dir ";
  testing::CommandOutcome full = testing::run_clinbench(run + (dir / "full").string());
  ASSERT_EQ(full.status, 0) << full.output;
  EXPECT_FALSE(results_of(dir / "full")["tasks"]["medqa"]["metrics"]["acc"]["value"].is_null());

  testing::CommandOutcome tiny = testing::run_clinbench(run + (dir / "tiny").string() + " --ctx-size 16");
  EXPECT_EQ(tiny.status, 3) << tiny.output;
  EXPECT_NE(tiny.output.find("task 'medqa' has no answered item"), std::string::npos) << tiny.output;
  EXPECT_NE(tiny.output.find("n/a (no answered item: 4 context_overflow)"), std::string::npos) << tiny.output;
  nlohmann::json task = results_of(dir / "tiny")["tasks"]["medqa"];
  EXPECT_EQ(task["answered"], 0);
  EXPECT_EQ(task["failed"], (nlohmann::json{{"context_overflow", 4}}));
  for (const char* metric : {"acc", "acc_norm"}) {
    EXPECT_TRUE(task["metrics"][metric]["value"].is_null()) << task.dump();
    EXPECT_EQ(task["metrics"][metric]["reason"], "no answered item: 4 context_overflow");
  }
  for (const nlohmann::json& sample : testing::read_jsonl(dir / "tiny" / "samples" / "medqa.jsonl")) {
    EXPECT_EQ(sample["status"], "context_overflow");
    EXPECT_TRUE(sample["scores"].empty()) << sample["scores"].dump();
  }
}

TEST_F(RunFolder, AnotherModelsResultsStopTheRunUnlessOverwritten) {
  std::filesystem::path dir = testing::work_dir("cli_run_folder_owner");
  std::filesystem::path out = dir / "out";
  const std::string first = "run --model " + model_ + " --tasks medqa --limit 3" + common_ + " --output-dir " + out.string();
  ASSERT_EQ(testing::run_clinbench(first).status, 0);

  // A run killed while writing its samples left a temporary file (PID of a gone process).
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  std::filesystem::path leftover = out / "samples" / ("medqa.jsonl.tmp-" + std::to_string(child) + "-0123456789abcdef");
  write_file_atomic(leftover, std::string(5000, 'x'));

  const std::string second = "run --model " + other_model_ + " --tasks pubmedqa --limit 3" + common_ +
                             " --output-dir " + out.string();
  testing::CommandOutcome refused = testing::run_clinbench(second);
  EXPECT_EQ(refused.status, 1) << refused.output;
  EXPECT_NE(refused.output.find("holds the results of another model"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("--overwrite"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find("loading"), std::string::npos) << "stopped before the model loads";
  EXPECT_EQ(results_of(out)["model"]["spec"], model_);
  EXPECT_FALSE(std::filesystem::exists(leftover));
  EXPECT_NE(refused.output.find("removed 5000 bytes of temporary files"), std::string::npos) << refused.output;

  // The same model under another configuration stops too; the same configuration resumes.
  testing::CommandOutcome other_limit = testing::run_clinbench(
      "run --model " + model_ + " --tasks medqa --limit 2" + common_ + " --output-dir " + out.string());
  EXPECT_EQ(other_limit.status, 1) << other_limit.output;
  EXPECT_NE(other_limit.output.find("holds this model's results under another limit (3; this run: 2)"),
            std::string::npos) << other_limit.output;
  EXPECT_EQ(testing::run_clinbench(first).status, 0);

  testing::CommandOutcome overwritten = testing::run_clinbench(second + " --overwrite");
  ASSERT_EQ(overwritten.status, 0) << overwritten.output;
  EXPECT_EQ(results_of(out)["model"]["spec"], other_model_);
  EXPECT_TRUE(std::filesystem::exists(out / "samples" / "pubmedqa.jsonl"));
  EXPECT_FALSE(std::filesystem::exists(out / "samples" / "medqa.jsonl")) << "the first model's samples are gone";
}

}  // namespace
}  // namespace clinbench
