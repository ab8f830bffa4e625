// Which BERTScore model and layer score each task: the study's per-task models (SciBERT layer 8
// for MeQSum, Bio_ClinicalBERT layer 9 for problem lists and MeDiSumQA), several in one run.
#include "clinbench/bertscore_selection.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "clinbench/kinds.h"
#include "clinbench/tasks.h"

namespace clinbench {
namespace {

std::vector<TaskSpec> specs_of(const std::vector<std::string>& names) {
  std::vector<TaskSpec> specs;
  for (const std::string& name : names) specs.push_back(task_spec_find(name));
  return specs;
}

std::string error_of(const std::vector<std::string>& tasks, const std::vector<std::string>& arguments) {
  try {
    std::vector<BertScoreModelArgument> models = bertscore_model_arguments_parse(arguments);
    bertscore_choose(specs_of(tasks), models, std::nullopt);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(BertScoreSelection, BuiltinTasksDeclareTheStudysModelAndLayer) {
  EXPECT_EQ(task_spec_find("meqsum").bertscore_model, "scibert");
  EXPECT_EQ(task_spec_find("meqsum").bertscore_layer, 8);
  for (const char* name : {"problem_summary", "medisumqa"}) {
    EXPECT_EQ(task_spec_find(name).bertscore_model, "bio_clinicalbert") << name;
    EXPECT_EQ(task_spec_find(name).bertscore_layer, 9) << name;
  }
}

TEST(BertScoreSelection, ArgumentsNamedAndUnnamed) {
  std::vector<std::string> arguments = {"scibert=gguf:/m/scibert.gguf", "gguf:/m/any=thing.gguf"};
  std::vector<BertScoreModelArgument> models = bertscore_model_arguments_parse(arguments);
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].name, "scibert");
  EXPECT_EQ(models[0].spec, "gguf:/m/scibert.gguf");
  EXPECT_EQ(models[1].name, "");
  EXPECT_EQ(models[1].spec, "gguf:/m/any=thing.gguf");  // an "=" in the path is the path's
  auto error = [](std::vector<std::string> given) {
    try {
      bertscore_model_arguments_parse(given);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error({"scibert"}).find("expected gguf:PATH or NAME=gguf:PATH"), std::string::npos);
  EXPECT_NE(error({"sci bert=gguf:/m"}).find("letters, digits"), std::string::npos);
  EXPECT_NE(error({"a=gguf:/x", "a=gguf:/y"}).find("'a' is given twice"), std::string::npos);
  EXPECT_NE(error({"gguf:/x", "gguf:/y"}).find("only one model may be unnamed"), std::string::npos);
  EXPECT_NE(error({"a=gguf:"}).find("the path is empty"), std::string::npos);
  // Read as model specs: a scheme that serves no embeddings is refused like any other text.
  EXPECT_NE(error({"a=openai:http://127.0.0.1:8080/v1"}).find("expected gguf:PATH or NAME=gguf:PATH"), std::string::npos);
  EXPECT_NE(error({"gguf:"}).find("the path is empty"), std::string::npos);
}

TEST(BertScoreSelection, EachTaskGetsItsNamedModelAtTheStudysLayer) {
  std::vector<TaskSpec> specs = specs_of({"meqsum", "problem_summary", "medisumqa", "mednli", "medqa"});
  std::vector<std::string> arguments = {"bio_clinicalbert=gguf:/m/clinical.gguf", "scibert=gguf:/m/sci.gguf"};
  std::vector<BertScoreModelArgument> models = bertscore_model_arguments_parse(arguments);
  auto choices = bertscore_choose(specs, models, std::nullopt);
  ASSERT_EQ(choices.size(), 5u);
  ASSERT_TRUE(choices[0]);
  EXPECT_EQ(choices[0]->model, 1u);
  EXPECT_EQ(choices[0]->layer, 8);
  EXPECT_EQ(choices[0]->layer_source, "task");
  for (size_t t : {1u, 2u}) {
    ASSERT_TRUE(choices[t]);
    EXPECT_EQ(choices[t]->model, 0u);
    EXPECT_EQ(choices[t]->layer, 9);
  }
  EXPECT_FALSE(choices[3]);  // MedNLI reports no ROUGE
  EXPECT_FALSE(choices[4]);  // multiple choice
  nlohmann::json described = bertscore_choice_json(*choices[0], models);
  EXPECT_EQ(described["model_name"], "scibert");
  EXPECT_EQ(described["task_model"], "scibert");
  EXPECT_EQ(described["layer_requested"], 8);
  EXPECT_EQ(described["layer_source"], "task");
}

TEST(BertScoreSelection, LayerFlagOverridesEveryTask) {
  std::vector<std::string> arguments = {"scibert=gguf:/m/sci.gguf", "bio_clinicalbert=gguf:/m/c.gguf"};
  std::vector<BertScoreModelArgument> models = bertscore_model_arguments_parse(arguments);
  auto choices = bertscore_choose(specs_of({"meqsum", "medisumqa"}), models, 0);
  EXPECT_EQ(choices[0]->layer, 0);
  EXPECT_EQ(choices[0]->layer_source, "--bertscore-layer");
  EXPECT_EQ(choices[1]->layer, 0);
}

TEST(BertScoreSelection, OneUnnamedModelServesTasksThatNameOneModel) {
  std::vector<std::string> arguments = {"gguf:/m/clinical.gguf"};
  std::vector<BertScoreModelArgument> models = bertscore_model_arguments_parse(arguments);
  auto choices = bertscore_choose(specs_of({"problem_summary", "medisumqa"}), models, std::nullopt);
  ASSERT_TRUE(choices[0] && choices[1]);
  EXPECT_EQ(choices[0]->layer, 9);  // the task's layer, not the last
  nlohmann::json described = bertscore_choice_json(*choices[0], models);
  EXPECT_TRUE(described["model_name"].is_null());
  EXPECT_EQ(described["task_model"], "bio_clinicalbert");
  // A named model takes its tasks; the unnamed one the rest.
  arguments = {"scibert=gguf:/m/sci.gguf", "gguf:/m/clinical.gguf"};
  models = bertscore_model_arguments_parse(arguments);
  choices = bertscore_choose(specs_of({"meqsum", "problem_summary", "medisumqa"}), models, std::nullopt);
  EXPECT_EQ(choices[0]->model, 0u);
  EXPECT_EQ(choices[1]->model, 1u);
  EXPECT_EQ(choices[2]->model, 1u);
}

TEST(BertScoreSelection, AmbiguousOrMissingModelsNameTheTaskAndTheFlag) {
  // One unnamed model cannot be SciBERT for MeQSum and Bio_ClinicalBERT for the problem lists.
  std::string message = error_of({"meqsum", "problem_summary"}, {"gguf:/m/one.gguf"});
  EXPECT_NE(message.find("'meqsum' and 'problem_summary'"), std::string::npos) << message;
  EXPECT_NE(message.find("--bertscore-model scibert=gguf:PATH --bertscore-model bio_clinicalbert=gguf:PATH"),
            std::string::npos)
      << message;
  message = error_of({"meqsum", "medisumqa"}, {"scibert=gguf:/m/sci.gguf"});
  EXPECT_NE(message.find("task 'medisumqa' is scored with the BERTScore model 'bio_clinicalbert'"), std::string::npos)
      << message;
  EXPECT_NE(message.find("--bertscore-model bio_clinicalbert=gguf:PATH"), std::string::npos) << message;
  // A task that lists BERTScore needs a model; without one given, others are simply not scored.
  TaskSpec listing = task_spec_find("meqsum");
  listing.metrics = {"rougeL", "bertscore_f1"};
  std::vector<TaskSpec> specs = {listing};
  EXPECT_THROW(bertscore_choose(specs, {}, std::nullopt), Error);
  auto none = bertscore_choose(specs_of({"meqsum", "problem_summary"}), {}, std::nullopt);
  EXPECT_FALSE(none[0] || none[1]);
}

TEST(BertScoreSelection, TaskFileKeysAreChecked) {
  auto error = [](const std::string& extra) {
    std::string yaml =
        "name: t\ndataset: {path: x.jsonl}\nkind: generation\nmapping: {reference: r}\nscoring: generate\n"
        "prompt: {user: \"{q}\"}\nmetrics: [rouge1]\n" + extra;
    try {
      task_spec_parse(yaml, "t.yaml");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error("bertscore: {model: scibert, layer: 8}\noutput_cleanup: [strip]\n"), "");
  EXPECT_NE(error("bertscore: {model: scibert, layers: 8}\n").find("t.yaml:8: field 'bertscore.layers': unknown key"),
            std::string::npos)
      << error("bertscore: {model: scibert, layers: 8}\n");
  EXPECT_NE(error("bertscore: {layer: -1}\n").find("bertscore.layer"), std::string::npos);
  EXPECT_NE(error("bertscore: {model: \"sci bert\"}\n").find("bertscore.model"), std::string::npos);
  std::string multiple_choice =
      "name: m\ndataset: {path: x.jsonl}\nmapping: {question: q, options: o, answer: a}\nprompt: {user: \"{q}\"}\n"
      "metrics: [acc]\noutput_cleanup: [strip]\n";
  try {
    task_spec_parse(multiple_choice, "m.yaml");
    ADD_FAILURE() << "a log-likelihood task has no generated answer to clean";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("only for scoring: generate"), std::string::npos) << e.what();
  }
  EXPECT_NE(error("output_cleanup: [strip, dotall]\n").find("t.yaml:8: field 'output_cleanup': unknown step 'dotall'"),
            std::string::npos)
      << error("output_cleanup: [strip, dotall]\n");
}

}  // namespace
}  // namespace clinbench
