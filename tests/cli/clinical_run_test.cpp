// The study's clinical tasks run end to end on fixtures in their published layouts.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "clinbench/core.h"
#include "test_support.h"

namespace clinbench {
namespace {

TEST(ClinicalRun, EveryStudyTaskRunsOnItsFixture) {
  std::filesystem::path out = testing::work_dir("cli_clinical_run");
  std::string model = "gguf:" + testing::tiny_model("llama-spm", "mistral").string();
  std::string output;
  int status = testing::run_clinbench("run --model " + model +
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
  for (const nlohmann::json& sample : testing::read_jsonl(out / "samples" / "medisumcode.jsonl")) {
    ASSERT_TRUE(sample["details"].contains("invalid_codes")) << sample;
    EXPECT_TRUE(sample["details"]["invalid_codes"].is_array());
    // The answer prefix ends the prompt: the model continues after "ICD-10 Codes: ".
    EXPECT_TRUE(sample["prompt"].get<std::string>().ends_with("ICD-10 Codes: ")) << sample["prompt"];
  }
}

// The run stores each LongHealth draw's cluster (its question) and counts the clusters its
// intervals resampled.
TEST(ClinicalRun, LongHealthDrawsAreStoredWithTheirQuestionAsCluster) {
  std::filesystem::path out = testing::work_dir("cli_clinical_clusters");
  std::string model = "gguf:" + testing::tiny_model("llama-spm", "mistral").string();
  std::string output;
  int status = testing::run_clinbench("run --model " + model + " --tasks longhealth_task1 --threads 2 --data-dir " +
                                          (testing::test_data_dir() / "fixtures" / "clinical").string() +
                                          " --output-dir " + out.string(),
                                      output);
  ASSERT_EQ(status, 0) << output;
  nlohmann::json results = nlohmann::json::parse(read_file(out / "results.json"));
  EXPECT_EQ(results["tasks"]["longhealth_task1"]["n"], 30);
  EXPECT_EQ(results["tasks"]["longhealth_task1"]["clusters"], 6);
  std::vector<nlohmann::json> samples = testing::read_jsonl(out / "samples" / "longhealth_task1.jsonl");
  ASSERT_EQ(samples.size(), 30u);
  for (size_t i = 0; i < samples.size(); ++i) {
    std::string id = samples[i]["id"];
    EXPECT_EQ(samples[i]["cluster"], id.substr(0, id.rfind("/draw"))) << id;
  }
}

// As the study's server (TGI `truncate`) cut: the whole rendered prompt from the left, to the
// window minus the new tokens (MeQSum: min(window - 200, 24576)).
TEST(ClinicalRun, LongInputsAreCutFromTheLeftToFitAndCounted) {
  std::filesystem::path out = testing::work_dir("cli_clinical_truncate");
  std::string model = "gguf:" + testing::tiny_model("llama-spm", "mistral").string();
  std::string output;
  // A 400-token window leaves 200 for the prompt after MeQSum's 200 new tokens: long inquiries must be cut.
  int status = testing::run_clinbench("run --model " + model + " --tasks meqsum --limit 4 --num-fewshot 0 --threads 2 " +
                                 "--ctx-size 400 --data-dir " + testing::shared_data_dir().string() +
                                 " --output-dir " + out.string(),
                             output);
  ASSERT_EQ(status, 0) << output;
  nlohmann::json results = nlohmann::json::parse(read_file(out / "results.json"));
  nlohmann::json meqsum = results["tasks"]["meqsum"];
  EXPECT_EQ(meqsum["n"], 4);
  EXPECT_GT(meqsum["truncated"].get<int64_t>(), 0) << meqsum;
  int64_t marked = 0;
  for (const nlohmann::json& sample : testing::read_jsonl(out / "samples" / "meqsum.jsonl")) {
    if (!sample.contains("truncated")) continue;
    ++marked;
    EXPECT_EQ(sample["truncated"]["side"], "left");
    EXPECT_GT(sample["truncated"]["removed_tokens"].get<int64_t>(), 0);
    EXPECT_EQ(sample["prompt_tokens"], 200) << sample;  // what was left of it: 400 - 200
    EXPECT_EQ(sample["status"], "ok") << sample;  // cut to fit, so it ran
  }
  EXPECT_EQ(marked, meqsum["truncated"].get<int64_t>());
  EXPECT_NE(output.find("truncated"), std::string::npos) << output;
  EXPECT_NE(output.find("smaller than the model's trained 4096"), std::string::npos) << output;
  EXPECT_EQ(results["model"]["details"]["context_window_source"], "--ctx-size");
}

// The acceptance run: MeQSum on the real data with a BERT-architecture model for BERTScore
// (one unnamed model, its last layer: the two-layer test model has no layer 8, MeQSum's own).
TEST(ClinicalRun, MeqsumReportsRougeAndBertscore) {
  std::filesystem::path out = testing::work_dir("cli_clinical_bertscore");
  std::string model = "gguf:" + testing::tiny_model("llama-spm", "mistral").string();
  std::string bert = "gguf:" + testing::tiny_bert_model().string();
  std::string output;
  int status = testing::run_clinbench("run --model " + model + " --tasks meqsum --limit 30 --threads 2 --parallel 16" +
                                          " --bertscore-model " + bert + " --bertscore-layer 0 --data-dir " +
                                          testing::shared_data_dir().string() + " --output-dir " + out.string(),
                                      output);
  ASSERT_EQ(status, 0) << output;
  nlohmann::json meqsum = nlohmann::json::parse(read_file(out / "results.json"))["tasks"]["meqsum"];
  EXPECT_EQ(meqsum["n"], 30);
  for (const char* metric : {"rouge1", "rouge2", "rougeL", "bertscore_precision", "bertscore_recall", "bertscore_f1"}) {
    ASSERT_TRUE(meqsum["metrics"].contains(metric)) << metric << meqsum;
    EXPECT_TRUE(meqsum["metrics"][metric]["value"].is_number()) << metric;
  }
  // The metric's settings say which model and layer produced it, and what was cut or empty.
  const nlohmann::json& config = meqsum["bertscore"];
  EXPECT_EQ(config["model"], bert);
  EXPECT_EQ(config["architecture"], "bert");
  EXPECT_EQ(config["layer"], config["model_layers"]);
  EXPECT_FALSE(config["layer_note"].get<std::string>().empty());
  EXPECT_EQ(config["pairs_scored"].get<int64_t>() + meqsum["statuses"].value("backend_error", 0) +
                meqsum["statuses"].value("context_overflow", 0),
            30);
  EXPECT_TRUE(config.contains("truncated_outputs"));
  EXPECT_TRUE(config.contains("empty_outputs"));
  double f1_sum = 0;
  std::vector<nlohmann::json> samples = testing::read_jsonl(out / "samples" / "meqsum.jsonl");
  ASSERT_EQ(samples.size(), 30u);
  for (const nlohmann::json& sample : samples) {
    double p = sample["scores"]["bertscore_precision"], r = sample["scores"]["bertscore_recall"];
    double f = sample["scores"]["bertscore_f1"];
    EXPECT_LE(std::abs(p), 1.0 + 1e-9);
    EXPECT_LE(std::abs(r), 1.0 + 1e-9);
    if (p + r > 0) {
      EXPECT_NEAR(f, 2 * p * r / (p + r), 1e-9) << sample["id"];
    }
    if (sample["status"] == "ok") {
      EXPECT_TRUE(sample["details"].contains("bertscore")) << sample["id"];
    }
    f1_sum += f;
  }
  EXPECT_NEAR(meqsum["metrics"]["bertscore_f1"]["value"].get<double>(), f1_sum / 30, 1e-9);
}

TEST(ClinicalRun, TaskListingBertscoreNeedsAModel) {
  std::filesystem::path out = testing::work_dir("cli_clinical_bertscore_missing");
  std::string yaml = read_file(testing::test_data_dir() / ".." / ".." / "tasks" / "meqsum.yaml");
  size_t metrics = yaml.find("metrics: [rouge1, rouge2, rougeL]");
  ASSERT_NE(metrics, std::string::npos);
  yaml.replace(metrics, std::string("metrics: [rouge1, rouge2, rougeL]").size(), "metrics: [rougeL, bertscore_f1]");
  write_file_atomic(out / "meqsum_bertscore.yaml", yaml);
  std::string model = "gguf:" + testing::tiny_model("llama-spm", "mistral").string();
  std::string output;
  int status = testing::run_clinbench("run --model " + model + " --tasks " + (out / "meqsum_bertscore.yaml").string() +
                                          " --limit 2 --data-dir " + testing::shared_data_dir().string() +
                                          " --output-dir " + (out / "run").string(),
                                      output);
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("--bertscore-model"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(out / "run" / "results.json"));
}

}  // namespace
}  // namespace clinbench
