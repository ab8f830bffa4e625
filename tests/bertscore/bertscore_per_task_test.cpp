// BERTScore as the study ran it, end to end: MeQSum with the model named scibert at layer 8,
// problem lists and MeDiSumQA with bio_clinicalbert at layer 9, both in one run
// (clue-differences.md D5). Generated 10-layer BERT GGUFs stand in for the two models.
#include <gtest/gtest.h>

#include <fstream>

#include "clinbench/core.h"
#include "test_support.h"

namespace clinbench {
namespace {

testing::TinyModelShape ten_layers(uint64_t seed) {
  testing::TinyModelShape shape;
  shape.layers = 10;
  shape.seed = seed;
  return shape;
}

// MeQSum's first lines (real data) beside the clinical fixtures: one data folder for the three tasks.
std::filesystem::path data_folder() {
  std::filesystem::path dir = testing::work_dir("bertscore_per_task_data");
  std::ifstream meqsum(testing::shared_data_dir() / "meqsum" / "meqsum.jsonl");
  std::string line, head;
  for (int i = 0; i < 6 && std::getline(meqsum, line); ++i) head += line + "\n";
  for (const char* folder : {"meqsum", "problem_summary", "medisumqa"}) std::filesystem::create_directories(dir / folder);
  write_file_atomic(dir / "meqsum" / "meqsum.jsonl", head);
  for (const char* file : {"problem_summary/BioNLP2023-1A-Test.csv", "medisumqa/medisumqa.jsonl"}) {
    write_file_atomic(dir / file, read_file(testing::test_data_dir() / "fixtures" / "clinical" / file));
  }
  return dir;
}

TEST(BertScorePerTask, EachTaskUsesItsNamedModelAtTheStudysLayer) {
  std::filesystem::path out = testing::work_dir("bertscore_per_task");
  std::filesystem::path scibert = testing::tiny_bert_model(ten_layers(8));
  std::filesystem::path clinical = testing::tiny_bert_model(ten_layers(9));
  std::string model = "gguf:" + testing::tiny_model("llama-spm", "mistral").string();
  std::string output;
  int status = testing::run_clinbench(
      "run --model " + model + " --tasks meqsum,problem_summary,medisumqa --limit 2 --threads 2" +
          " --bertscore-model scibert=gguf:" + scibert.string() + " --bertscore-model bio_clinicalbert=gguf:" +
          clinical.string() + " --data-dir " + data_folder().string() + " --output-dir " + out.string(),
      output);
  ASSERT_EQ(status, 0) << output;
  nlohmann::json results = nlohmann::json::parse(read_file(out / "results.json"));
  struct Expected {
    const char* task;
    const char* name;
    std::filesystem::path file;
    int layer;
  };
  for (const Expected& expected : {Expected{"meqsum", "scibert", scibert, 8},
                                   Expected{"problem_summary", "bio_clinicalbert", clinical, 9},
                                   Expected{"medisumqa", "bio_clinicalbert", clinical, 9}}) {
    const nlohmann::json& task = results["tasks"][expected.task];
    ASSERT_TRUE(task.contains("bertscore")) << expected.task << task;
    const nlohmann::json& bertscore = task["bertscore"];
    EXPECT_EQ(bertscore["model"], "gguf:" + expected.file.string()) << expected.task;
    EXPECT_EQ(bertscore["sha256"], sha256_file_hex(expected.file)) << expected.task;
    EXPECT_EQ(bertscore["model_name"], expected.name) << expected.task;
    EXPECT_EQ(bertscore["task_model"], expected.name) << expected.task;
    EXPECT_EQ(bertscore["layer"], expected.layer) << expected.task;
    EXPECT_EQ(bertscore["model_layers"], 10) << expected.task;
    EXPECT_EQ(bertscore["layer_source"], "task") << expected.task;
    EXPECT_TRUE(task["metrics"].contains("bertscore_f1")) << expected.task;
  }
  EXPECT_EQ(results["config"]["bertscore_models"].size(), 2u);
  // What the scores were computed on: CLUE's clean-up, as each task declares it.
  EXPECT_EQ(results["config"]["task_details"]["medisumqa"]["output_cleanup"],
            nlohmann::json::array({"strip", "phi_end_split"}));
  EXPECT_EQ(results["config"]["task_details"]["meqsum"]["output_cleanup"],
            nlohmann::json::array({"phi_end_split", "cut_self_prompting"}));
  // Two models, each loaded once, at its layer.
  EXPECT_NE(output.find("layer 8 of 10"), std::string::npos) << output;
  EXPECT_NE(output.find("layer 9 of 10"), std::string::npos) << output;
}

TEST(BertScorePerTask, OneUnnamedModelForTwoNamedModelsStopsBeforeAnyWork) {
  std::filesystem::path out = testing::work_dir("bertscore_per_task_ambiguous");
  std::string model = "gguf:" + testing::tiny_model("llama-spm", "mistral").string();
  std::string output;
  int status = testing::run_clinbench("run --model " + model + " --tasks meqsum,medisumqa --limit 1" +
                                          " --bertscore-model gguf:" + testing::tiny_bert_model(ten_layers(8)).string() +
                                          " --data-dir " + data_folder().string() + " --output-dir " + out.string(),
                                      output);
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("--bertscore-model scibert=gguf:PATH --bertscore-model bio_clinicalbert=gguf:PATH"),
            std::string::npos)
      << output;
  EXPECT_EQ(output.find("loading gguf:"), std::string::npos) << output;  // before the evaluated model
}

TEST(BertScorePerTask, TheTasksLayerMustExistInTheModel) {
  std::filesystem::path out = testing::work_dir("bertscore_per_task_layer");
  std::string model = "gguf:" + testing::tiny_model("llama-spm", "mistral").string();
  std::string output;
  // The default two-layer model has no layer 8: the message names the task and the flag.
  int status = testing::run_clinbench("run --model " + model + " --tasks meqsum --limit 1 --bertscore-model gguf:" +
                                          testing::tiny_bert_model().string() + " --data-dir " +
                                          data_folder().string() + " --output-dir " + out.string(),
                                      output);
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("task 'meqsum', BERTScore layer 8 (task)"), std::string::npos) << output;
  EXPECT_NE(output.find("--bertscore-layer"), std::string::npos) << output;
}

}  // namespace
}  // namespace clinbench
