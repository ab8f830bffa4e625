// LongHealth draws and document fitting follow the protocol (clinical-tasks.md, Task details).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "clinbench/kinds.h"
#include "clinbench/prompt.h"
#include "clinbench/tasks.h"
#include "clinbench/sample_scoring.h"
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

TEST(LongHealth, Task1OffersTheAnswerLettersFirstInAnswerLocationOrderThenTheOthersInFileOrder) {
  TaskData data = load("longhealth_task1");
  ASSERT_EQ(data.examples.size(), 3u * 2u * 5u);  // patients x questions x draws
  const Example& first = data.examples[0];
  EXPECT_EQ(first.id, "patient_01/q1/draw0");
  EXPECT_EQ(first.options.size(), 5u);
  EXPECT_EQ(multiple_choice_letter(first.answer_index), "B");  // the option containing `correct`
  EXPECT_EQ(first.fields["document_ids"],
            nlohmann::json({"patient_01/text_1", "patient_01/text_0", "patient_01/text_2", "patient_01/text_3"}));
  EXPECT_EQ(first.fields["answer_document_count"], 1);
  // patient_01's second question lists text_2 before text_0 in answer_location (the published
  // {text_i: {start, end}} layout): CLUE offers them in that order, then the rest in file order.
  const Example& second = data.examples[5];
  ASSERT_EQ(second.id, "patient_01/q2/draw0");
  EXPECT_EQ(second.fields["document_ids"],
            nlohmann::json({"patient_01/text_2", "patient_01/text_0", "patient_01/text_1", "patient_01/text_3"}));
  EXPECT_EQ(second.fields["answer_document_count"], 2);
  // Every draw of a task-1 question offers the same letters in the same order; only the shuffle
  // of what was kept differs (seeded per draw).
  EXPECT_EQ(data.examples[6].fields["document_ids"], second.fields["document_ids"]);
  EXPECT_NE(data.examples[6].fields["draw_seed"], second.fields["draw_seed"]);
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
  // random.sample(other patients' 8 letters, min(10, 8)): all of them, in the draw's order.
  EXPECT_EQ(first.fields["document_ids"].size(), 1u + 8u);
}

TEST(LongHealth, Task3HasNoAnswerLetterAndTheAnswerIsF) {
  TaskData data = load("longhealth_task3");
  for (const Example& example : data.examples) {
    EXPECT_EQ(multiple_choice_letter(example.answer_index), "F");
    EXPECT_EQ(example.fields["answer_document_count"], 0);
    std::string patient = example.fields["patient"];
    for (const auto& id : example.fields["document_ids"]) {
      EXPECT_FALSE(id.get<std::string>().starts_with(patient + "/")) << example.id;
    }
  }
}

// CLUE's single loop alternates: j even is a task-3 draw, j odd a task-2 draw, each seeded here by
// (run seed, patient, question, j) so the two tasks can run apart and still draw as that loop.
TEST(LongHealth, DrawsAreSeededPerQuestionAndDrawAndRecorded) {
  TaskData a = load("longhealth_task2", 7), b = load("longhealth_task2", 7), c = load("longhealth_task2", 8);
  EXPECT_EQ(a.examples[3].fields["document_ids"], b.examples[3].fields["document_ids"]);
  EXPECT_EQ(a.examples[3].fields["draw_seed"], b.examples[3].fields["draw_seed"]);
  EXPECT_NE(a.examples[3].fields["draw_seed"], c.examples[3].fields["draw_seed"]);
  EXPECT_NE(a.examples[0].fields["draw_seed"], a.examples[1].fields["draw_seed"]);
  // seed 7: 7 * 2^32 + (patient 0 << 20 | question 0 << 8 | j = 2 * 1 + 1)
  EXPECT_EQ(a.examples[1].fields["draw_seed"], std::to_string(7ull * 4294967296ull + 3));
  TaskData task3 = load("longhealth_task3", 7);
  EXPECT_EQ(task3.examples[1].fields["draw_seed"], std::to_string(7ull * 4294967296ull + 2));
}

// The draws of one question are one cluster (cluster_by: question_id): intervals and tests
// resample questions, not draws.
TEST(LongHealth, TheDrawsOfAQuestionShareAClusterKey) {
  for (const char* task : {"longhealth_task1", "longhealth_task2", "longhealth_task3"}) {
    EXPECT_EQ(task_spec_find(task).cluster_by, "question_id") << task;
  }
  TaskData data = load("longhealth_task1");
  std::set<std::string> questions;
  for (size_t e = 0; e < data.examples.size(); ++e) {
    const std::string key = data.examples[e].fields["question_id"];
    questions.insert(key);
    EXPECT_EQ(key, data.examples[e - e % 5].fields["question_id"].get<std::string>()) << data.examples[e].id;
  }
  EXPECT_EQ(data.examples[0].fields["question_id"], "patient_01/q1");
  EXPECT_EQ(questions.size(), 3u * 2u);  // patients x questions
}

// Where `correct` occurs in several options CLUE's loop keeps the last; such questions are counted.
TEST(LongHealth, TheGoldIsTheLastOptionContainingCorrectAndSuchQuestionsAreCounted) {
  std::filesystem::path dir = testing::work_dir("longhealth_gold");
  std::filesystem::create_directories(dir / "longhealth");
  nlohmann::json file = nlohmann::json::parse(read_file(fixtures() / "longhealth" / "benchmark_v5.json"));
  file["patient_01"]["questions"][0]["correct"] = "R";  // in A "Radiotherapy", B "R-CHOP" and D below
  file["patient_01"]["questions"][0]["answer_d"] = "Stem cell transplant after R-CHOP";
  write_file_atomic(dir / "longhealth" / "benchmark_v5.json", file.dump());
  TaskData data = task_data_load(task_spec_find("longhealth_task1"), TaskDataOptions{dir, -1, -1, 1234});
  EXPECT_EQ(multiple_choice_letter(data.examples[0].answer_index), "D");  // A, B and D contain "R"
  EXPECT_EQ(data.examples[0].fields["gold_matches"], 3);
  EXPECT_EQ(data.notes["longhealth_questions_correct_in_several_options"], 1);
  EXPECT_EQ(load("longhealth_task1").notes["longhealth_questions_correct_in_several_options"], 0);
}

// CLUE's budget (eval_LongHealth.py:85-141) with the model's tokenizer: every count with BOS,
// the template counted with its placeholders, "NEW DOCUMENT" separators, the cut letter decoded
// with its BOS text, and an empty letter after a cut answer letter.
TEST(LongHealth, LettersAreFittedWithCluesArithmetic) {
  auto backend = open_backend("gguf:" + testing::tiny_model("llama-spm", "mistral").string(), BackendOptions{});
  ASSERT_TRUE(backend->info().details["adds_bos"].get<bool>());
  const std::string bos_text = backend->info().details["bos_text"];
  EXPECT_EQ(bos_text, "<s>");
  auto encode = [&](const std::string& text) { return backend->count_tokens(text) + 1; };
  TaskSpec spec = task_spec_find("longhealth_task1");
  TaskData data = task_data_load(spec, TaskDataOptions{fixtures(), 1, -1, 1234});
  const Example& example = data.examples[0];
  const int32_t fixed = encode(spec.system_prompt) + encode(spec.user_template) +
                        encode(example.fields["question"].get<std::string>()) + encode(task_template_render("{options}", example, spec));
  const int32_t separator = encode("\n\n-------------- NEW DOCUMENT --------------\n\n");
  const std::string answer_letter = data.documents.at("patient_01/text_1");
  const int32_t answer_tokens = encode(answer_letter);
  // Room for the answer letter and 40 tokens of the next (text_0), which is cut.
  spec.longhealth->token_budget = fixed + answer_tokens + separator + 40;
  std::vector<PromptedExample> prompts = task_prompts_build(spec, data, *backend);
  ASSERT_EQ(prompts.size(), 1u);
  const nlohmann::json& details = prompts[0].details;
  EXPECT_EQ(details["document_budget_tokens"], answer_tokens + separator + 40);
  ASSERT_TRUE(details.contains("document_cut")) << details;
  EXPECT_EQ(details["document_cut"]["id"], "patient_01/text_0");
  EXPECT_EQ(details["document_cut"]["kept_tokens"], 40);
  EXPECT_FALSE(details.contains("empty_document"));  // a cut distractor ends the offering
  EXPECT_EQ(details["documents"].size(), 2u) << details;
  const std::string& prompt = prompts[0].prompt;
  EXPECT_NE(prompt.find(answer_letter), std::string::npos);
  // The cut letter: BOS text, then text_0's first 39 tokens.
  const std::string cut = bos_text + backend->truncate_to_tokens(data.documents.at("patient_01/text_0"), 39);
  EXPECT_NE(prompt.find(cut), std::string::npos);
  EXPECT_EQ(prompt.find("F: Question cannot"), std::string::npos);  // task 1 has no option F

  // An answer letter that does not fit is cut, then CLUE's second loop adds an empty letter.
  spec.longhealth->token_budget = fixed + 25;
  prompts = task_prompts_build(spec, data, *backend);
  EXPECT_EQ(prompts[0].details["document_cut"]["id"], "patient_01/text_1");
  EXPECT_EQ(prompts[0].details["document_cut"]["kept_tokens"], 25);
  EXPECT_EQ(prompts[0].details["empty_document"], "patient_01/text_0");
  EXPECT_EQ(prompts[0].details["documents"].size(), 2u);
}

// The engine-friendly option: one draw per patient and repeat, so every question of a patient in
// one repeat sees the same letters in the same order (a prefix computed once), recorded per sample.
TEST(LongHealth, PerPatientDocumentOrderIsSharedByThePatientsQuestions) {
  TaskSpec spec = task_spec_find("longhealth_task2");
  spec.longhealth->document_order = LongHealthDocumentOrder::patient;
  TaskData data = task_data_load(spec, TaskDataOptions{fixtures(), -1, -1, 1234});
  std::map<std::string, nlohmann::json> order_by_draw;  // "patient/drawN" -> document_ids
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
  std::vector<PromptedExample> prompts = task_prompts_build(spec, data, *backend);
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
    return score_generated_choice(spec, example, response, ScoringResources{});
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
