// The leakage workflow end to end on generated models: audit flags planted items, run
// --exclude-ids reports the clean subset beside the full set, compare pairs it, and audit
// --model scores Min-K% Prob under a base and a "fine-tune".
#include <gtest/gtest.h>

#include <fstream>

#include "clinbench/audit.h"
#include "clinbench/kinds.h"
#include "test_support.h"

namespace clinbench {
namespace {

class CleanSubsetRun : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::work_dir(std::string("audit_clean_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  std::string data() const { return " --data-dir " + testing::shared_data_dir().string(); }
  std::filesystem::path dir_;
  std::string base_ = "gguf:" + testing::tiny_model("llama-spm").string();
  std::string tuned_ = "gguf:" + testing::tiny_model("llama-spm", "", testing::TinyModelShape{.seed = 7}).string();
};

TEST_F(CleanSubsetRun, RunAndCompareReportTheCleanSubsetBesideTheFullSet) {
  // Items 2 and 5 of MedQA planted in a corpus, flagged by the audit.
  TaskSpec spec = task_spec_find("medqa");
  TaskData items = task_data_load(spec, TaskDataOptions{testing::shared_data_dir(), 20, 0, 1234});
  std::string corpus;
  for (size_t i : {2u, 5u}) {
    std::string text;
    for (const std::string& piece : audit_item_texts(spec, items, items.examples[i])) text += piece + " ";
    corpus += nlohmann::json{{"text", text}}.dump() + "\n";
  }
  std::ofstream(dir_ / "corpus.jsonl") << corpus;
  testing::CommandOutcome outcome = testing::run_clinbench("audit --tasks medqa --limit 20" + data() + " --corpus " +
                                                           (dir_ / "corpus.jsonl").string() + " --output-dir " +
                                                           (dir_ / "audit").string());
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  ASSERT_EQ(read_file(dir_ / "audit" / "flagged.tsv"), "medqa\t2\nmedqa\t5\n");

  for (const auto& [name, model] : {std::pair{"base", base_}, std::pair{"tuned", tuned_}}) {
    outcome = testing::run_clinbench("run --model " + model + " --tasks medqa --limit 20 --threads 2" + data() +
                                     " --bootstrap-resamples 500 --exclude-ids " + (dir_ / "audit" / "flagged.tsv").string() +
                                     " --output-dir " + (dir_ / name).string());
    ASSERT_EQ(outcome.status, 0) << outcome.output;
    EXPECT_NE(outcome.output.find("clean subset"), std::string::npos) << outcome.output;
  }

  nlohmann::json results = nlohmann::json::parse(read_file(dir_ / "base" / "results.json"));
  std::vector<nlohmann::json> samples = testing::read_jsonl(dir_ / "base" / "samples" / "medqa.jsonl");
  std::vector<nlohmann::json> audited = testing::read_jsonl(dir_ / "audit" / "medqa.jsonl");
  ASSERT_EQ(samples.size(), 20u);
  ASSERT_EQ(audited.size(), 20u);
  double clean_sum = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(samples[i]["id"], audited[i]["id"]);  // the audit names items as the run does
    bool excluded = i == 2 || i == 5;
    EXPECT_EQ(samples[i].value("excluded", false), excluded) << i;
    if (!excluded) clean_sum += samples[i]["scores"]["acc"].get<double>();
  }
  const nlohmann::json& task = results["tasks"]["medqa"];
  EXPECT_EQ(task["n"], 20);
  ASSERT_TRUE(task.contains("clean_subset")) << task;
  const nlohmann::json& clean = task["clean_subset"];
  EXPECT_EQ(clean["n"], 18);
  EXPECT_EQ(clean["excluded"], 2);
  EXPECT_DOUBLE_EQ(clean["metrics"]["acc"]["value"].get<double>(), clean_sum / 18);
  EXPECT_LE(clean["metrics"]["acc"]["ci_low"].get<double>(), clean["metrics"]["acc"]["value"].get<double>());
  EXPECT_GE(clean["metrics"]["acc"]["ci_high"].get<double>(), clean["metrics"]["acc"]["value"].get<double>());
  EXPECT_TRUE(clean["metrics"].contains("acc_norm"));
  EXPECT_EQ(results["config"]["exclude_ids"]["path"], (dir_ / "audit" / "flagged.tsv").string());

  // compare picks the runs' own marks up; --exclude-ids adds to them.
  outcome = testing::run_clinbench("compare " + (dir_ / "base").string() + " " + (dir_ / "tuned").string() +
                                   " --resamples 300 --output-dir " + (dir_ / "compare").string());
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("## Clean subset beside the full set"), std::string::npos) << outcome.output;
  nlohmann::json compared = nlohmann::json::parse(read_file(dir_ / "compare" / "compare.json"));
  // The clean subset repeats every row of the runs' own metrics (the calibration rows, derived
  // from the option log-likelihoods, are given for the full set only).
  size_t own_metric_rows = 0;
  for (const auto& row : compared["comparisons"]) own_metric_rows += row["metric"] == "acc" || row["metric"] == "acc_norm";
  ASSERT_EQ(compared["clean_comparisons"].size(), own_metric_rows);
  for (const auto& row : compared["clean_comparisons"]) {
    EXPECT_EQ(row["n"], 18);
    EXPECT_EQ(row["excluded"], 2);
  }
  EXPECT_TRUE(std::filesystem::exists(dir_ / "compare" / "compare_pairs_clean.csv"));

  std::ofstream(dir_ / "more.txt") << "# one more\nmedqa\t9\n";
  outcome = testing::run_clinbench("compare " + (dir_ / "base").string() + " " + (dir_ / "tuned").string() +
                                   " --resamples 300 --exclude-ids " + (dir_ / "more.txt").string() + " --output-dir " +
                                   (dir_ / "compare_more").string());
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  compared = nlohmann::json::parse(read_file(dir_ / "compare_more" / "compare.json"));
  for (const auto& row : compared["clean_comparisons"]) EXPECT_EQ(row["n"], 17);
}

TEST_F(CleanSubsetRun, AuditModelListsTheItemsWhoseMinKRisesMost) {
  testing::CommandOutcome outcome =
      testing::run_clinbench("audit --tasks medqa --limit 6 --threads 2" + data() + " --model " + base_ + " --model " +
                             tuned_ + " --top 3 --output-dir " + (dir_ / "audit").string());
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("Min-K% Prob (K = 20)"), std::string::npos) << outcome.output;
  nlohmann::json summary = nlohmann::json::parse(read_file(dir_ / "audit" / "audit.json"));
  ASSERT_EQ(summary["models"].size(), 2u);
  std::string base_name = summary["models"][0]["name"], tuned_name = summary["models"][1]["name"];
  EXPECT_NE(base_name, tuned_name);
  std::vector<nlohmann::json> lines = testing::read_jsonl(dir_ / "audit" / "medqa.jsonl");
  ASSERT_EQ(lines.size(), 6u);
  std::vector<std::pair<double, std::string>> rises;
  for (const nlohmann::json& line : lines) {
    EXPECT_FALSE(line.contains("overlap"));  // no corpus given
    double base = line["min_k_prob"][base_name], tuned = line["min_k_prob"][tuned_name];
    EXPECT_LT(base, 0);
    EXPECT_GT(line["min_k_tokens"][base_name].get<int>(), 20);
    EXPECT_DOUBLE_EQ(line["min_k_rise"][tuned_name].get<double>(), tuned - base);
    rises.push_back({tuned - base, line["id"]});
  }
  std::sort(rises.rbegin(), rises.rend());
  const nlohmann::json& top = summary["tasks"]["medqa"]["min_k_top_rises"][tuned_name];
  ASSERT_EQ(top.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(top[i]["id"], rises[i].second);
}

}  // namespace
}  // namespace clinbench
