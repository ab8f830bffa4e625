// LongHealth draws and document fitting follow the protocol (clinical-tasks.md, Task details).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "clinbench/prompt.h"
#include "clinbench/tasks.h"
#include "metrics/sample_scoring.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::filesystem::path fixtures() { return testing::test_data_dir() / "fixtures" / "clinical"; }

TaskData load(const std::string& task, uint64_t seed = 1234) {
  return task_data_load(task_spec_find(task), TaskDataOptions{fixtures(), -1, -1, seed});
}

bool holds(const nlohmann::json& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST(LongHealth, Task1OffersTheAnswerLettersFirstThenThePatientsOwn) {
  TaskData data = load("longhealth_task1");
  ASSERT_EQ(data.examples.size(), 3u * 2u * 5u);  // patients x questions x draws
  const Example& first = data.examples[0];
  EXPECT_EQ(first.id, "patient_01/q1/draw0");
  EXPECT_EQ(first.options.size(), 5u);
  EXPECT_EQ(multiple_choice_letter(first.answer_index), "B");  // the option containing `correct`
  EXPECT_EQ(first.fields["document_ids"][0], "patient_01/text_1");
  for (const auto& id : first.fields["document_ids"]) EXPECT_TRUE(id.get<std::string>().starts_with("patient_01/"));
  EXPECT_EQ(first.fields["document_ids"].size(), 4u);
}

TEST(LongHealth, Task2AddsDistractorsAndOptionF) {
  TaskData data = load("longhealth_task2");
  const Example& first = data.examples[0];
  ASSERT_EQ(first.options.size(), 6u);
  EXPECT_EQ(first.options[5], "Question cannot be answered with provided documents");
  EXPECT_EQ(multiple_choice_letter(first.answer_index), "B");
  EXPECT_EQ(first.fields["document_ids"][0], "patient_01/text_1");
  EXPECT_TRUE(holds(first.fields["document_ids"], "patient_02/text_0"));
  EXPECT_FALSE(holds(first.fields["document_ids"], "patient_01/text_0"));  // the patient's other letters are not distractors
}

TEST(LongHealth, Task3HasNoAnswerLetterAndTheAnswerIsF) {
  TaskData data = load("longhealth_task3");
  for (const Example& example : data.examples) {
    EXPECT_EQ(multiple_choice_letter(example.answer_index), "F");
    std::string patient = example.fields["patient"];
    for (const auto& id : example.fields["document_ids"]) {
      EXPECT_FALSE(id.get<std::string>().starts_with(patient + "/")) << example.id;
    }
  }
}

TEST(LongHealth, DrawsAreSeededAndRecorded) {
  TaskData a = load("longhealth_task2", 7), b = load("longhealth_task2", 7), c = load("longhealth_task2", 8);
  EXPECT_EQ(a.examples[3].fields["document_ids"], b.examples[3].fields["document_ids"]);
  EXPECT_EQ(a.examples[3].fields["draw_seed"], b.examples[3].fields["draw_seed"]);
  EXPECT_NE(a.examples[3].fields["draw_seed"], c.examples[3].fields["draw_seed"]);
  // Repeats of one question are different draws.
  EXPECT_NE(a.examples[0].fields["draw_seed"], a.examples[1].fields["draw_seed"]);
}

TEST(LongHealth, LettersAreFittedToTheBudgetTheOverflowingOneCut) {
  auto backend = open_backend("gguf:" + testing::tiny_model("llama-spm", "mistral").string(), BackendOptions{});
  TaskSpec spec = task_spec_find("longhealth_task1");
  int32_t system_tokens = backend->count_tokens(spec.system_prompt);
  spec.documents_budget = system_tokens + 300;  // room for about one and a half letters
  TaskData data = task_data_load(spec, TaskDataOptions{fixtures(), 1, -1, 1234});
  std::vector<PromptedExample> prompts = prompt_build(spec, data, *backend);
  ASSERT_EQ(prompts.size(), 1u);
  const nlohmann::json& details = prompts[0].details;
  ASSERT_TRUE(details.contains("document_cut")) << details;
  EXPECT_TRUE(holds(details["documents"], "patient_01/text_1")) << details;  // the answer letter is kept
  EXPECT_EQ(details["documents"].size(), 2u) << details;
  EXPECT_EQ(details["document_budget_tokens"], 300);
  EXPECT_NE(prompts[0].prompt.find("tolerated it well"), std::string::npos);
  EXPECT_EQ(prompts[0].prompt.find("F: Question cannot"), std::string::npos);  // task 1 has no option F
}

// The engine-friendly option: one draw per patient and repeat, so every question of a patient in
// one repeat sees the same letters in the same order (a prefix computed once), recorded per sample.
TEST(LongHealth, PerPatientDocumentOrderIsSharedByThePatientsQuestions) {
  TaskSpec spec = task_spec_find("longhealth_task2");
  spec.longhealth.document_order = "patient";
  TaskData data = task_data_load(spec, TaskDataOptions{fixtures(), -1, -1, 1234});
  std::map<std::string, nlohmann::json> order_by_draw;  // "patient/drawN" -> document_ids
  std::set<std::string> answer_letters_first;
  for (const Example& example : data.examples) {
    std::string patient = example.fields["patient"];
    std::string draw = patient + example.id.substr(example.id.rfind('/'));
    auto [found, inserted] = order_by_draw.emplace(draw, example.fields["document_ids"]);
    EXPECT_EQ(found->second, example.fields["document_ids"]) << example.id;
    EXPECT_EQ(example.fields["document_order"], "patient");
    // This question's own answer letters are among the patient's, which come first.
    for (const auto& id : example.fields["answer_letter_ids"]) {
      EXPECT_TRUE(holds(example.fields["document_ids"], patient + "/" + id.get<std::string>())) << example.id;
    }
  }
  EXPECT_EQ(order_by_draw.size(), 3u * 5u);  // patients x repeats
  EXPECT_NE(order_by_draw["patient_01/draw0"], order_by_draw["patient_01/draw1"]);

  // The rendered prompts of two questions of one patient and repeat share everything up to the question.
  auto backend = open_backend("gguf:" + testing::tiny_model("llama-spm", "mistral").string(), BackendOptions{});
  std::vector<PromptedExample> prompts = prompt_build(spec, data, *backend);
  const std::string& q1 = prompts[0].prompt;  // patient_01/q1/draw0
  const std::string& q2 = prompts[5].prompt;  // patient_01/q2/draw0
  ASSERT_EQ(data.examples[5].id.substr(data.examples[5].id.rfind('/')), "/draw0");
  size_t documents_end = q1.find("--------------END DOCUMENTS--------------");
  ASSERT_NE(documents_end, std::string::npos);
  EXPECT_EQ(q1.substr(0, documents_end), q2.substr(0, documents_end));
  EXPECT_EQ(prompts[0].details["document_order"], "patient");
}

TEST(LongHealth, TheStudysAnswerRule) {
  TaskSpec spec = task_spec_find("longhealth_task3");
  Example example;
  example.options = {"a", "b", "c", "d", "e", "Question cannot be answered with provided documents"};
  example.answer_index = 5;
  auto score = [&](const std::string& text) {
    GenerationResponse response;
    response.text = text;
    return score_generation(spec, example, response, ScoringResources{});
  };
  EXPECT_EQ(score("The correct answer is F: Question cannot be answered.").values["acc"], 1.0);
  SampleScore hallucinated = score("The correct answer is B: Radiotherapy.");
  EXPECT_EQ(hallucinated.values["hallucination_rate"], 1.0);
  EXPECT_EQ(hallucinated.values["acc"], 0.0);
  SampleScore unparsed = score("I think it is F.");
  EXPECT_EQ(unparsed.values["acc"], 0.0);
  EXPECT_EQ(unparsed.values["hallucination_rate"], 0.0);
  EXPECT_EQ(unparsed.status, "extraction_failed");
}

}  // namespace
}  // namespace clinbench
