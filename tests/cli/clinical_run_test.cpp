// The study's clinical tasks run end to end on fixtures in their published layouts.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "clinbench/core.h"
#include "test_support.h"

namespace clinbench {
namespace {

int run_clinbench(const std::string& arguments, std::string& output) {
  std::string command = testing::clinbench_binary().string() + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int raw = pclose(pipe);
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

std::vector<nlohmann::json> read_samples(const std::filesystem::path& file) {
  std::vector<nlohmann::json> samples;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) samples.push_back(nlohmann::json::parse(line));
  return samples;
}

TEST(ClinicalRun, EveryStudyTaskRunsOnItsFixture) {
  std::filesystem::path out = testing::work_dir("cli_clinical_run");
  std::string model = "gguf:" + testing::tiny_model("llama-spm", "mistral").string();
  std::string output;
  int status = run_clinbench("run --model " + model +
                                 " --tasks mednli,problem_summary,medisumqa,medisumcode --threads 2 --data-dir " +
                                 (testing::test_data_dir() / "fixtures" / "clinical").string() + " --icd10cm " +
                                 (testing::shared_data_dir() / "icd10cm" / "icd10cm_order_2019.txt").string() +
                                 " --output-dir " + out.string(),
                             output);
  ASSERT_EQ(status, 0) << output;
  nlohmann::json results = nlohmann::json::parse(read_file(out / "results.json"));
  EXPECT_EQ(results["tasks"]["mednli"]["n"], 3);
  EXPECT_TRUE(results["tasks"]["mednli"]["metrics"].contains("exact_acc"));
  EXPECT_TRUE(results["tasks"]["problem_summary"]["metrics"].contains("rougeL"));
  EXPECT_EQ(results["tasks"]["problem_summary"]["shots"], 3);
  EXPECT_EQ(results["tasks"]["medisumqa"]["n"], 3);
  EXPECT_TRUE(results["tasks"]["medisumcode"]["metrics"].contains("valid_code_rate"));
  EXPECT_FALSE(results["config"]["icd10cm"].is_null());
  for (const nlohmann::json& sample : read_samples(out / "samples" / "medisumcode.jsonl")) {
    ASSERT_TRUE(sample["details"].contains("invalid_codes")) << sample;
    EXPECT_TRUE(sample["details"]["invalid_codes"].is_array());
    // The answer prefix ends the prompt: the model continues after "ICD-10 Codes: ".
    EXPECT_TRUE(sample["prompt"].get<std::string>().ends_with("ICD-10 Codes: ")) << sample["prompt"];
  }
}

TEST(ClinicalRun, LongInputsAreCutToFitAndCounted) {
  std::filesystem::path out = testing::work_dir("cli_clinical_truncate");
  std::string model = "gguf:" + testing::tiny_model("llama-spm", "mistral").string();
  std::string output;
  // A 400-token window leaves 200 for the prompt after MeQSum's 200 new tokens: long inquiries must be cut.
  int status = run_clinbench("run --model " + model + " --tasks meqsum --limit 4 --num-fewshot 0 --threads 2 " +
                                 "--ctx-size 400 --data-dir " + testing::shared_data_dir().string() +
                                 " --output-dir " + out.string(),
                             output);
  ASSERT_EQ(status, 0) << output;
  nlohmann::json results = nlohmann::json::parse(read_file(out / "results.json"));
  nlohmann::json meqsum = results["tasks"]["meqsum"];
  EXPECT_EQ(meqsum["n"], 4);
  EXPECT_GT(meqsum["truncated"].get<int64_t>(), 0) << meqsum;
  int64_t marked = 0;
  for (const nlohmann::json& sample : read_samples(out / "samples" / "meqsum.jsonl")) {
    if (!sample.contains("truncated")) continue;
    ++marked;
    EXPECT_EQ(sample["truncated"]["field"], "CHQ");
    EXPECT_GT(sample["truncated"]["removed_tokens"].get<int64_t>(), 0);
    EXPECT_EQ(sample["status"], "ok") << sample;  // cut to fit, so it ran
  }
  EXPECT_EQ(marked, meqsum["truncated"].get<int64_t>());
  EXPECT_NE(output.find("truncated"), std::string::npos) << output;
}

}  // namespace
}  // namespace clinbench
