// The study's clinical tasks read their published layouts (fictional fixtures in those layouts,
// tests/data/fixtures/clinical) with the protocol's transformations.
#include <gtest/gtest.h>

#include "clinbench/kinds.h"
#include "clinbench/tasks.h"
#include "clinbench/sample_scoring.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::filesystem::path fixtures() { return testing::test_data_dir() / "fixtures" / "clinical"; }

TaskData load(const std::string& task, int32_t shots = -1) {
  return task_data_load(task_spec_find(task), TaskDataOptions{fixtures(), -1, shots, 1234});
}

TEST(ClinicalTasks, EveryStudyTaskIsBuiltInWithValidMetrics) {
  for (const char* name : {"mednli", "meqsum", "problem_summary", "medisumqa", "medisumcode"}) {
    TaskSpec spec = task_spec_find(name);
    EXPECT_EQ(spec.kind, "generation") << name;
    EXPECT_EQ(spec.scoring, TaskScoring::generate) << name;
    EXPECT_NE(spec.citation.find("CLUE"), std::string::npos) << name;
    EXPECT_NO_THROW(scoring_check_metrics(spec)) << name;
  }
  EXPECT_EQ(task_spec_find("meqsum").answer_prefix, "Question: ");
  EXPECT_EQ(task_spec_find("problem_summary").answer_prefix, "Diagnoses/Patient problems: ");
  EXPECT_EQ(task_spec_find("medisumqa").answer_prefix, "Answer: ");
  EXPECT_EQ(task_spec_find("medisumcode").answer_prefix, "ICD-10 Codes: ");
  EXPECT_EQ(task_spec_find("mednli").max_tokens, 20);
  EXPECT_EQ(task_spec_find("meqsum").num_fewshot, 3);
  EXPECT_EQ(task_spec_find("medisumcode").num_fewshot, 1);
}

TEST(ClinicalTasks, PromptTextIsTheProtocolsByteForByte) {
  TaskSpec mednli = task_spec_find("mednli");
  EXPECT_EQ(mednli.user_template, "\nSENTENCE_1: {sentence1}\nSENTENCE_2: {sentence2}\n");
  EXPECT_TRUE(mednli.system_prompt.starts_with("You are a highly skilled assistant, specifically trained to assist "
                                               "medical professionals. You will recieve two sentences"));
  TaskSpec meqsum = task_spec_find("meqsum");
  EXPECT_EQ(meqsum.user_template,
            "--------------PATIENT INQUIRY--------------\n{CHQ}\n--------------END PATIENT INQUIRY--------------");
}

TEST(ClinicalTasks, MednliShotsAreTheFirstThreeItems) {
  TaskData data = load("mednli");
  ASSERT_EQ(data.shots.size(), 3u);
  EXPECT_EQ(data.shots[0].id, "fx-1");
  EXPECT_EQ(data.examples.size(), 3u);
  EXPECT_EQ(data.examples[0].id, "fx-4");
  EXPECT_EQ(data.examples[0].reference, "entailment");
}

TEST(ClinicalTasks, ProblemSummarySemicolonsBecomeCommas) {
  TaskData data = load("problem_summary", 0);
  ASSERT_EQ(data.examples.size(), 5u);
  EXPECT_EQ(data.examples[0].id, "fx-101.txt");
  // The protocol replaces each ";" by ", " literally, so "; " becomes ",  ".
  EXPECT_EQ(data.examples[0].reference, "Acute on chronic systolic heart failure,  hypertension");
  EXPECT_EQ(data.examples[2].reference, "Anterior ST elevation myocardial infarction");
}

TEST(ClinicalTasks, MedisumqaAcceptsBothLetterKeys) {
  TaskData data = load("medisumqa", 0);
  ASSERT_EQ(data.examples.size(), 4u);
  for (const Example& example : data.examples) {
    EXPECT_TRUE(example.fields.contains("without_discharge_summary")) << example.id;
    EXPECT_NE(example.fields["without_discharge_summary"].get<std::string>().find("Admission"), std::string::npos);
  }
}

TEST(ClinicalTasks, MedisumqaShuffleIsSeeded) {
  TaskSpec spec = task_spec_find("medisumqa");
  TaskData a = task_data_load(spec, {fixtures(), -1, 1, 7});
  TaskData b = task_data_load(spec, {fixtures(), -1, 1, 7});
  ASSERT_EQ(a.shots.size(), 1u);
  EXPECT_EQ(a.shots[0].id, b.shots[0].id);
  std::vector<std::string> order_a, order_b;
  for (const auto& e : a.examples) order_a.push_back(e.id);
  for (const auto& e : b.examples) order_b.push_back(e.id);
  EXPECT_EQ(order_a, order_b);
}

TEST(ClinicalTasks, MedisumcodeShotAnswerIsTheGoldCodesJoined) {
  TaskData data = load("medisumcode");
  ASSERT_EQ(data.shots.size(), 1u);
  EXPECT_EQ(data.shots[0].reference, "J189, E119, I10");
  EXPECT_EQ(data.examples[0].fields["reference_items"], nlohmann::json({"N179", "E875"}));
}

}  // namespace
}  // namespace clinbench
