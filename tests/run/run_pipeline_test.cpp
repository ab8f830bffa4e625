// run_pipeline (clinbench/run.h) called in-process on a generated model: it writes what the
// `clinbench run` command writes, prints nothing, and reports its progress and outcome to the
// observer.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include <nlohmann/json.hpp>

#include "clinbench/core.h"
#include "clinbench/run.h"
#include "test_support.h"

namespace clinbench {
namespace {

// Everything a run tells its observer, kept for the assertions.
class RecordingObserver : public RunObserver {
 public:
  struct Stage {
    std::string label, unit;
    std::vector<RunProgressUpdate> updates;
  };

  void note(const std::string& message) override {
    std::lock_guard<std::mutex> lock(mutex_);
    notes.push_back(message);
  }
  std::unique_ptr<RunProgress> progress(const std::string& label, const std::string& unit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    stages.push_back({label, unit, {}});
    return std::make_unique<Recorder>(*this, stages.size() - 1);
  }
  void run_finished(const RunOutcome& outcome) override {
    std::lock_guard<std::mutex> lock(mutex_);
    finished.push_back(outcome);
  }

  std::vector<std::string> notes;
  std::vector<Stage> stages;
  std::vector<RunOutcome> finished;

 private:
  class Recorder : public RunProgress {
   public:
    Recorder(RecordingObserver& owner, size_t stage) : owner_(owner), stage_(stage) {}
    void update(const RunProgressUpdate& update) override {
      std::lock_guard<std::mutex> lock(owner_.mutex_);
      owner_.stages[stage_].updates.push_back(update);
    }

   private:
    RecordingObserver& owner_;
    size_t stage_;
  };
  std::mutex mutex_;
};

// results.json without what differs between two runs of the same thing: when and how it was
// started, where its cache is, and wall times.
nlohmann::json without_run_circumstances(nlohmann::json results) {
  for (const char* key : {"created_at", "command_line", "cache"}) results["config"].erase(key);
  for (auto& [task, entry] : results["tasks"].items()) {
    entry.erase("seconds");
    entry.erase("compute");
  }
  return results;
}

TEST(RunPipeline, WritesWhatTheCommandWritesAndPrintsNothing) {
  std::filesystem::path dir = testing::work_dir("run_pipeline_library");
  const std::string model = "gguf:" + testing::tiny_model("llama-spm", "mistral").string();
  testing::CommandOutcome command = testing::run_clinbench(
      "run --model " + model + " --tasks medqa,medqa_gen --limit 12 --threads 2 --data-dir " +
      testing::shared_data_dir().string() + " --output-dir " + (dir / "command").string());
  ASSERT_EQ(command.status, 0) << command.output;

  RunSettings settings;
  settings.model_spec = model;
  settings.tasks = {"medqa", "medqa_gen"};
  settings.limit = 12;
  settings.backend.threads = 2;
  settings.data_dir = testing::shared_data_dir();
  settings.output_dir = dir / "library";
  RecordingObserver observer;
  ::testing::internal::CaptureStdout();
  RunOutcome outcome = run_pipeline(settings, &observer);
  std::string printed = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(printed, "");  // the library never prints: the table is the CLI's

  // The same results and samples as the command's.
  nlohmann::json from_command = nlohmann::json::parse(read_file(dir / "command" / "results.json"));
  nlohmann::json from_library = nlohmann::json::parse(read_file(dir / "library" / "results.json"));
  EXPECT_EQ(without_run_circumstances(from_library), without_run_circumstances(from_command));
  EXPECT_EQ(from_library["tasks"]["medqa"]["n"], 12);
  for (const char* task : {"medqa", "medqa_gen"}) {
    std::vector<nlohmann::json> a = testing::read_jsonl(dir / "command" / "samples" / (std::string(task) + ".jsonl"));
    std::vector<nlohmann::json> b = testing::read_jsonl(dir / "library" / "samples" / (std::string(task) + ".jsonl"));
    ASSERT_EQ(a.size(), 12u) << task;
    EXPECT_EQ(a, b) << task;
  }

  // The outcome is what was written, and the observer saw it once.
  EXPECT_EQ(outcome.status, 0);
  EXPECT_TRUE(outcome.missing.empty());
  EXPECT_EQ(outcome.output_dir, settings.output_dir);
  EXPECT_EQ(results_to_json(outcome.results), from_library);
  ASSERT_EQ(observer.finished.size(), 1u);
  EXPECT_EQ(results_to_json(observer.finished[0].results), from_library);

  // Progress: one stage per task, counted in requests, ending at its total.
  ASSERT_EQ(observer.stages.size(), 2u);
  for (size_t t = 0; t < 2; ++t) {
    const RecordingObserver::Stage& stage = observer.stages[t];
    EXPECT_EQ(stage.label, settings.tasks[t]);
    EXPECT_EQ(stage.unit, "requests");
    ASSERT_FALSE(stage.updates.empty()) << stage.label;
    EXPECT_GT(stage.updates.back().total, 0) << stage.label;
    EXPECT_EQ(stage.updates.back().done, stage.updates.back().total) << stage.label;
    EXPECT_EQ(stage.updates.back().failures, 0) << stage.label;
  }
  // What the command shows on stderr before the model loads.
  EXPECT_NE(std::find(observer.notes.begin(), observer.notes.end(), "loading " + model), observer.notes.end());
  EXPECT_NE(command.output.find("loading " + model), std::string::npos) << command.output;
}

TEST(RunPipeline, CheckingTasksLoadsNoModelAndWritesNothing) {
  std::filesystem::path dir = testing::work_dir("run_pipeline_check_only");
  RunSettings settings;
  settings.model_spec = "gguf:/nonexistent/model.gguf";  // never opened
  settings.tasks = {"medqa"};
  settings.limit = 3;
  settings.data_dir = testing::shared_data_dir();
  settings.output_dir = dir / "never";
  settings.check_tasks_only = true;
  RecordingObserver observer;
  RunOutcome outcome = run_pipeline(settings, &observer);
  EXPECT_EQ(outcome.status, 0);
  EXPECT_TRUE(outcome.results.tasks.empty());
  EXPECT_FALSE(std::filesystem::exists(settings.output_dir));
  EXPECT_TRUE(observer.notes.empty());
  EXPECT_TRUE(observer.finished.empty());

  settings.tasks = {"medqa", "medqa"};
  EXPECT_THROW(run_pipeline(settings), Error);  // no observer: errors are thrown, never printed
}

}  // namespace
}  // namespace clinbench
