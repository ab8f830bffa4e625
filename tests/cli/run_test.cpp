// `clinbench run` end to end, as a user runs it: the real binary as a child process.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "clinbench/core.h"
#include "test_support.h"

namespace clinbench {
namespace {

class RunCommand : public ::testing::Test {
 protected:
  // Mistral-7B-Instruct-v0.1 template on its SentencePiece vocab: no system role, so the
  // generated-answer task also exercises the system-folding rule.
  std::string model_ = "gguf:" + testing::tiny_model("llama-spm", "mistral").string();
  std::string data_ = "--data-dir " + testing::shared_data_dir().string();
};

TEST_F(RunCommand, ResultsDoNotDependOnBatchSize) {
  std::filesystem::path dir = testing::work_dir("cli_run_batches");
  const std::string tasks = "--tasks medqa,medqa_gen,pubmedqa --limit 50 --threads 2 ";
  testing::CommandOutcome large = testing::run_clinbench("run --model " + model_ + " " + tasks + data_ + " --batch-size 512 --parallel 8 --output-dir " + (dir / "large").string());
  ASSERT_EQ(large.status, 0) << large.output;
  testing::CommandOutcome small = testing::run_clinbench("run --model " + model_ + " " + tasks + data_ + " --batch-size 7 --parallel 3 --output-dir " + (dir / "small").string());
  ASSERT_EQ(small.status, 0) << small.output;
  EXPECT_NE(large.output.find("medqa_gen"), std::string::npos) << large.output;  // the table

  nlohmann::json a = nlohmann::json::parse(read_file(dir / "large" / "results.json"));
  nlohmann::json b = nlohmann::json::parse(read_file(dir / "small" / "results.json"));
  EXPECT_EQ(a["format_version"], 1);
  EXPECT_EQ(a["model"]["fingerprint"].get<std::string>().size(), 64u);
  for (const char* task : {"medqa", "medqa_gen", "pubmedqa"}) {
    EXPECT_EQ(a["tasks"][task]["n"], 50) << task;
    EXPECT_EQ(a["tasks"][task]["metrics"], b["tasks"][task]["metrics"]) << task;
    EXPECT_EQ(a["tasks"][task]["prompt_sha256"], b["tasks"][task]["prompt_sha256"]) << task;
    for (const auto& [name, metric] : a["tasks"][task]["metrics"].items()) {
      double value = metric["value"];
      EXPECT_GE(value, 0.0);
      EXPECT_LE(value, 1.0);
      EXPECT_LE(metric["ci_low"].get<double>(), value);
      EXPECT_GE(metric["ci_high"].get<double>(), value);
    }
    std::vector<nlohmann::json> samples_a = testing::read_jsonl(dir / "large" / "samples" / (std::string(task) + ".jsonl"));
    std::vector<nlohmann::json> samples_b = testing::read_jsonl(dir / "small" / "samples" / (std::string(task) + ".jsonl"));
    ASSERT_EQ(samples_a.size(), 50u);
    ASSERT_EQ(samples_b.size(), 50u);
    for (size_t i = 0; i < samples_a.size(); ++i) {
      EXPECT_EQ(samples_a[i]["id"], samples_b[i]["id"]);
      EXPECT_EQ(samples_a[i]["prompt"], samples_b[i]["prompt"]);
      EXPECT_EQ(samples_a[i]["extracted"], samples_b[i]["extracted"]) << task << " " << i;
      EXPECT_EQ(samples_a[i]["scores"], samples_b[i]["scores"]) << task << " " << i;
      if (samples_a[i].contains("response")) {
        EXPECT_EQ(samples_a[i]["response"], samples_b[i]["response"]);
      }
      if (samples_a[i].contains("option_loglikelihoods")) {
        for (size_t o = 0; o < samples_a[i]["option_loglikelihoods"].size(); ++o) {
          EXPECT_NEAR(samples_a[i]["option_loglikelihoods"][o]["logprob"].get<double>(),
                      samples_b[i]["option_loglikelihoods"][o]["logprob"].get<double>(), 1e-3);
        }
      }
    }
  }
  // PubMedQA samples carry the PMID as id.
  EXPECT_GT(std::stoll(testing::read_jsonl(dir / "large" / "samples" / "pubmedqa.jsonl")[0]["id"].get<std::string>()), 1000);
}

// --split-mode, --tensor-split and --main-gpu are recorded; on the CPU (no offload) they change
// no number, so the model's fingerprint stays and a run with them is served from the cache of a
// run without them. (With offload, gpu_placement_fingerprint keeps a row split's cache apart.)
TEST_F(RunCommand, GpuPlacementIsRecordedAndOnTheCpuKeepsTheCache) {
  std::filesystem::path dir = testing::work_dir("cli_run_gpu_placement");
  std::filesystem::remove_all(dir);
  const std::string common = "run --model " + model_ + " --tasks medqa,medqa_gen --limit 6 --threads 2 " + data_ +
                             " --cache " + (dir / "cache.sqlite").string() + " --output-dir ";
  testing::CommandOutcome plain = testing::run_clinbench(common + (dir / "plain").string() + " --gpu-layers 0");
  ASSERT_EQ(plain.status, 0) << plain.output;
  testing::CommandOutcome split = testing::run_clinbench(common + (dir / "split").string() +
                                                         " --gpu-layers 0 --split-mode row --tensor-split 3,1 --main-gpu 1");
  ASSERT_EQ(split.status, 0) << split.output;
  nlohmann::json a = nlohmann::json::parse(read_file(dir / "plain" / "results.json"));
  nlohmann::json b = nlohmann::json::parse(read_file(dir / "split" / "results.json"));
  EXPECT_EQ(a["config"]["backend_options"]["split_mode"], "layer");
  EXPECT_EQ(a["config"]["backend_options"]["tensor_split"], nlohmann::json::array());
  EXPECT_EQ(b["config"]["backend_options"]["split_mode"], "row");
  EXPECT_EQ(b["config"]["backend_options"]["tensor_split"], nlohmann::json::parse("[3.0, 1.0]"));
  EXPECT_EQ(b["config"]["backend_options"]["main_gpu"], 1);
  EXPECT_EQ(a["model"]["fingerprint"], b["model"]["fingerprint"]);
  for (const char* task : {"medqa", "medqa_gen"}) {
    EXPECT_EQ(b["tasks"][task]["requests"]["computed"], 0) << task;
    EXPECT_EQ(b["tasks"][task]["requests"]["from_cache"], b["tasks"][task]["requests"]["total"]) << task;
    EXPECT_EQ(a["tasks"][task]["metrics"], b["tasks"][task]["metrics"]) << task;
  }

  testing::CommandOutcome bad_mode = testing::run_clinbench(common + (dir / "bad").string() + " --split-mode diagonal");
  EXPECT_NE(bad_mode.status, 0);
  EXPECT_NE(bad_mode.output.find("--split-mode"), std::string::npos) << bad_mode.output;
  testing::CommandOutcome bad_share = testing::run_clinbench(common + (dir / "bad").string() + " --tensor-split 1,-1");
  EXPECT_NE(bad_share.status, 0);
  EXPECT_NE(bad_share.output.find("--tensor-split"), std::string::npos) << bad_share.output;
}

TEST_F(RunCommand, BadDataStopsBeforeTheModelLoads) {
  std::filesystem::path dir = testing::work_dir("cli_run_bad_data");
  std::filesystem::create_directories(dir / "medqa");
  std::ofstream(dir / "medqa" / "US_4_options_test.jsonl") << R"({"question": "q", "options": {"A": "a"}, )" << "\n";
  testing::CommandOutcome outcome = testing::run_clinbench("run --model gguf:/nonexistent/model.gguf --tasks medqa --data-dir " + dir.string() +
                                  " --output-dir " + (dir / "out").string());
  EXPECT_EQ(outcome.status, 1) << outcome.output;
  EXPECT_NE(outcome.output.find("US_4_options_test.jsonl:1"), std::string::npos) << outcome.output;
  EXPECT_EQ(outcome.output.find("model file not found"), std::string::npos) << outcome.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "results.json"));
}

TEST_F(RunCommand, PromptsLongerThanTheContextAreRefusedAndCounted) {
  std::filesystem::path dir = testing::work_dir("cli_run_overflow");
  testing::CommandOutcome outcome = testing::run_clinbench("run --model " + model_ + " --tasks medqa " + data_ +
                                  " --limit 20 --ctx-size 150 --threads 2 --output-dir " + dir.string());
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  nlohmann::json results = nlohmann::json::parse(read_file(dir / "results.json"));
  nlohmann::json statuses = results["tasks"]["medqa"]["statuses"];
  EXPECT_EQ(results["tasks"]["medqa"]["n"], 20);
  ASSERT_TRUE(statuses.contains("context_overflow")) << statuses;
  int64_t counted = 0;
  for (const auto& [status, count] : statuses.items()) counted += count.get<int64_t>();
  EXPECT_EQ(counted, 20);  // every item is accounted for
  EXPECT_NE(outcome.output.find("context_overflow"), std::string::npos) << outcome.output;
}

TEST_F(RunCommand, HelpExplainsTheFlags) {
  testing::CommandOutcome outcome = testing::run_clinbench("run --help");
  EXPECT_EQ(outcome.status, 0);
  for (const char* flag : {"--model", "--tasks", "--limit", "--num-fewshot", "--seed", "--output-dir", "--data-dir"}) {
    EXPECT_NE(outcome.output.find(flag), std::string::npos) << flag;
  }
}

TEST_F(RunCommand, UnknownModelSpecIsAClearError) {
  testing::CommandOutcome outcome = testing::run_clinbench("run --model onnx:x --tasks medqa --limit 1 " + data_ + " --output-dir " +
                                  testing::work_dir("cli_run_spec").string());
  EXPECT_EQ(outcome.status, 1);
  EXPECT_NE(outcome.output.find("expected gguf:PATH"), std::string::npos) << outcome.output;
}

// The study in one command, as a user types it: the shipped demo suite runs both models, compares
// the pair and writes the report.
TEST_F(RunCommand, SuiteRunsEveryModelComparesAndReports) {
  std::filesystem::path dir = testing::work_dir("cli_run_suite");
  std::filesystem::create_directories(dir / "models");
  testing::TinyModelShape base, tuned;
  base.seed = 1;
  tuned.seed = 2;
  std::filesystem::copy_file(testing::tiny_model("llama-spm", "mistral", base), dir / "models" / "base.gguf");
  std::filesystem::copy_file(testing::tiny_model("llama-spm", "mistral", tuned), dir / "models" / "tuned.gguf");
  setenv("CLINBENCH_SUITE_MODELS", (dir / "models").c_str(), 1);  // the suite file names its models by it
  testing::CommandOutcome outcome = testing::run_clinbench(
      "run --suite " + (testing::test_data_dir() / ".." / ".." / "suites" / "demo.yaml").string() + " " + data_ +
      " --allow-absolute-paths --threads 2 --parallel 10 --output-dir " + (dir / "out").string());
  unsetenv("CLINBENCH_SUITE_MODELS");
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  for (const char* model : {"test-base", "test-tuned"}) {
    nlohmann::json results = nlohmann::json::parse(read_file(dir / "out" / model / "results.json"));
    EXPECT_EQ(results["tasks"]["meqsum"]["n"], 10) << model;
  }
  std::string table = read_file(dir / "out" / "compare" / "compare.md");
  EXPECT_NE(table.find("| meqsum | rougeL | test-tuned | test-base |"), std::string::npos) << table;
  EXPECT_NE(table.find("McNemar exact"), std::string::npos) << table;
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "report.html"));
}

}  // namespace
}  // namespace clinbench
