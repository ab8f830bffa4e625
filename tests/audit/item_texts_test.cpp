// Which text of an item the audit looks for: what its prompt shows, its options, its reference,
// its own documents.
#include <gtest/gtest.h>

#include <fstream>

#include "clinbench/audit.h"
#include "clinbench/kinds.h"
#include "test_support.h"

namespace clinbench {
namespace {

TEST(AuditItemTexts, MultipleChoiceIsQuestionThenOptions) {
  TaskSpec spec = task_spec_find("medqa");
  TaskData data = task_data_load(spec, TaskDataOptions{testing::shared_data_dir(), 2, 0, 1234});
  const Example& first = data.examples[0];
  std::vector<std::string> texts = audit_item_texts(spec, data, first);
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[0], first.fields["question"].get<std::string>());
  EXPECT_EQ(texts[1], first.options[0] + " " + first.options[1] + " " + first.options[2] + " " + first.options[3]);
}

TEST(AuditItemTexts, PubMedQaKeepsItsAbstractAndScoredOptions) {
  TaskSpec spec = task_spec_find("pubmedqa");
  TaskData data = task_data_load(spec, TaskDataOptions{testing::shared_data_dir(), 1, 0, 1234});
  std::vector<std::string> texts = audit_item_texts(spec, data, data.examples[0]);
  ASSERT_EQ(texts.size(), 3u);  // {context} and {question} of the template, then the options
  EXPECT_EQ(texts[0], data.examples[0].fields["context"].get<std::string>());
  EXPECT_EQ(texts[1], data.examples[0].fields["question"].get<std::string>());
  EXPECT_EQ(texts[2], "yes no maybe");
}

TEST(AuditItemTexts, GenerationIsTheShownFieldsAndTheReference) {
  std::filesystem::path dir = testing::work_dir("audit_item_texts_generation");
  std::ofstream(dir / "notes.jsonl") << R"({"id": "n1", "note": "Pt c/o chest pain.", "age": 54, "hidden": "not shown", "summary": "Chest pain."})"
                                     << "\n";
  std::ofstream(dir / "task.yaml") << "name: notes\nkind: generation\ndataset:\n  path: notes.jsonl\n  format: jsonl\n"
                                      "mapping:\n  id: id\n  reference: summary\nscoring: generate\n"
                                      "prompt:\n  user: \"Note ({age} years): {note}\\n{{literal}}\"\n"
                                      "generation:\n  max_tokens: 20\nmetrics: [rouge1]\n";
  TaskSpec spec = task_spec_find((dir / "task.yaml").string());
  TaskData data = task_data_load(spec, TaskDataOptions{dir, -1, 0, 1234});
  std::vector<std::string> texts = audit_item_texts(spec, data, data.examples[0]);
  EXPECT_EQ(texts, (std::vector<std::string>{"54", "Pt c/o chest pain.", "Chest pain."}));
}

TEST(AuditItemTexts, LongHealthIsQuestionOptionsAndThePatientsOwnLetters) {
  TaskSpec spec = task_spec_find("longhealth_task2");
  TaskData data = task_data_load(spec, TaskDataOptions{testing::test_data_dir() / "fixtures" / "clinical", -1, -1, 1234});
  const Example& first = data.examples[0];  // patient_01, whose draws list other patients' letters too
  std::vector<std::string> texts = audit_item_texts(spec, data, first);
  // In template order: {documents}, {question}, {options}.
  std::vector<std::string> expected;
  for (const char* letter : {"text_0", "text_1", "text_2", "text_3"}) {
    expected.push_back(data.documents.at("patient_01/" + std::string(letter)));
  }
  expected.push_back("Which treatment did Anna Example receive?");
  expected.push_back("Radiotherapy R-CHOP Watchful waiting Stem cell transplant Surgery Question cannot be answered "
                     "with provided documents");
  EXPECT_EQ(texts, expected);
}

}  // namespace
}  // namespace clinbench
