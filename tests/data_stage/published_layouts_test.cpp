// The real public data sets in ../shared/data, read in place in the layouts their authors
// publish: counts, first and last items, and the read time of the largest file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "clinbench/data.h"
#include "data_test_util.h"

namespace clinbench {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::filesystem::path shared(const std::string& name) { return testing::shared_data_dir() / name; }

DatasetReadOptions format(DatasetFormat value) {
  DatasetReadOptions options;
  options.format = value;
  return options;
}

TEST(PublishedLayouts, MedQaUs4OptionsTest) {
  auto records =
      read_dataset(shared("medqa/US_4_options_test.jsonl"), format(DatasetFormat::jsonl));
  MultipleChoiceMapping mapping;
  mapping.question_field = "question";
  mapping.options_field = "options";
  mapping.answer_field = "answer_idx";
  auto items = map_multiple_choice(records, mapping);
  ASSERT_EQ(items.size(), 1273u);
  EXPECT_THAT(items[0].question, StartsWith("A junior orthopaedic surgery resident"));
  EXPECT_EQ(items[0].answer_index, 1);
  EXPECT_EQ(items[0].options[1], "Tell the attending that he cannot fail to disclose this mistake");
  EXPECT_EQ(items[0].id, "0");
  EXPECT_EQ(items.back().line, 1273);
  EXPECT_EQ(items.back().id, "1272");
  EXPECT_THAT(items.back().question, StartsWith("A 79-year-old man presents to the office"));
  EXPECT_EQ(items.back().options[items.back().answer_index],
            "Chronic obstructive pulmonary disease (COPD)");

  // The answer text and the answer letter agree on every item.
  mapping.answer_field = "answer";
  mapping.answer_encoding = AnswerEncoding::text;
  auto by_text = map_multiple_choice(records, mapping);
  for (size_t i = 0; i < items.size(); ++i) {
    ASSERT_EQ(by_text[i].answer_index, items[i].answer_index) << "item " << i;
  }
}

TEST(PublishedLayouts, MmluMedicalSixFiles) {
  DatasetReadOptions options;
  options.format = DatasetFormat::csv_headerless;
  options.columns = {"question", "A", "B", "C", "D", "answer"};
  auto pattern = shared("mmlu_medical/*_test.csv");
  auto files = dataset_glob_files(pattern);
  ASSERT_EQ(files.size(), 6u);
  EXPECT_EQ(files.front().filename(), "anatomy_test.csv");
  EXPECT_EQ(files.back().filename(), "professional_medicine_test.csv");

  auto records = read_dataset_glob(pattern, options);
  MultipleChoiceMapping mapping;
  mapping.question_field = "question";
  mapping.option_fields = {"A", "B", "C", "D"};
  mapping.answer_field = "answer";
  auto items = map_multiple_choice(records, mapping);
  ASSERT_EQ(items.size(), 1089u);
  EXPECT_EQ(items[0].id, "anatomy_test.csv:0");
  EXPECT_EQ(items[0].question,
            "A lesion causing compression of the facial nerve at the stylomastoid foramen will "
            "cause ipsilateral");
  EXPECT_EQ(items[0].options[2], "paralysis of the facial muscles, loss of taste and lacrimation.");
  EXPECT_EQ(items[0].answer_index, 0);
  EXPECT_EQ(items[1].question, "A \"dished face\" profile is often associated with");
  EXPECT_EQ(items.back().id, "professional_medicine_test.csv:271");
  EXPECT_THAT(items.back().question, StartsWith("A 52-year-old man is brought to the emergency"));
  EXPECT_EQ(items.back().options[items.back().answer_index],
            "Increases nitric oxide concentration");

  // Per-file counts, in file order.
  std::map<std::string, int> per_file;
  for (const Record& record : records) {
    ++per_file[std::filesystem::path(record.source).filename().string()];
  }
  EXPECT_EQ(per_file["anatomy_test.csv"], 135);
  EXPECT_EQ(per_file["clinical_knowledge_test.csv"], 265);
  EXPECT_EQ(per_file["college_biology_test.csv"], 144);
  EXPECT_EQ(per_file["college_medicine_test.csv"], 173);
  EXPECT_EQ(per_file["medical_genetics_test.csv"], 100);
  EXPECT_EQ(per_file["professional_medicine_test.csv"], 272);
}

MultipleChoiceMapping pubmedqa_mapping() {
  MultipleChoiceMapping mapping;
  mapping.question_field = "QUESTION";
  mapping.context_fields = {"CONTEXTS"};
  mapping.fixed_options = {"yes", "no", "maybe"};
  mapping.answer_field = "final_decision";
  mapping.answer_encoding = AnswerEncoding::text;
  return mapping;
}

TEST(PublishedLayouts, PubMedQaLabeledAndTestSelection) {
  auto records = read_dataset(shared("pubmedqa/ori_pqal.json"), format(DatasetFormat::json_object));
  ASSERT_EQ(records.size(), 1000u);
  EXPECT_EQ(records[0].key, "21645374");
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(records.back().key, "17559449");

  auto all = map_multiple_choice(records, pubmedqa_mapping());
  EXPECT_EQ(all[0].id, "21645374");
  EXPECT_EQ(all[0].question,
            "Do mitochondria play a role in remodelling lace plant leaves during programmed cell "
            "death?");
  EXPECT_THAT(all[0].context, StartsWith("Programmed cell death (PCD) is the regulated death"));
  EXPECT_THAT(all[0].context, HasSubstr(".\nThe following paper elucidates"));
  EXPECT_TRUE(all[0].extra.contains("LONG_ANSWER"));
  EXPECT_EQ(all.back().question,
            "Are sugars-free medicines more erosive than sugars-containing medicines?");
  EXPECT_EQ(all.back().options[all.back().answer_index], "no");

  auto test = select_records_by_key_file(records, shared("pubmedqa/test_ground_truth.json"));
  ASSERT_EQ(test.size(), 500u);
  EXPECT_EQ(test[0].key, "21645374");  // the order of ori_pqal.json
  EXPECT_EQ(test.back().key, "8921484");
  EXPECT_EQ(map_multiple_choice(test, pubmedqa_mapping()).size(), 500u);
}

TEST(PublishedLayouts, MeqSum) {
  auto records = read_dataset(shared("meqsum/meqsum.jsonl"), format(DatasetFormat::jsonl));
  ASSERT_EQ(records.size(), 1000u);
  EXPECT_EQ(record_field_string(records[0], "File"), "1-131188152.xml.txt");
  EXPECT_EQ(record_field_string(records[0], "Summary"), "Who manufactures cetirizine?");
  EXPECT_THAT(record_field_string(records[0], "CHQ"), StartsWith("SUBJECT: who and where"));
  EXPECT_EQ(record_field_string(records.back(), "File"), "1-131296355.xml.txt");
  EXPECT_EQ(record_field_string(records.back(), "Summary"),
            "What resources are available for elderly with age-related macular degeneration?");
  EXPECT_EQ(records.back().line, 1000);
}

TEST(PublishedLayouts, MedQuadReadsFast) {
  const auto start = std::chrono::steady_clock::now();
  auto records = read_dataset(shared("medquad/medquad.jsonl"), format(DatasetFormat::jsonl));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("medquad_read_seconds", std::to_string(seconds));
  std::printf("MedQuAD (25 MB, %zu records) read in %.3f s\n", records.size(), seconds);
  ASSERT_EQ(records.size(), 16407u);
  EXPECT_EQ(record_field_string(records[0], "id"), "0000001_1-1");
  EXPECT_EQ(record_field_string(records.back(), "id"), "0000440-7");
  EXPECT_EQ(record_field_string(records.back(), "question"),
            "How to prevent Parasites - Zoonotic Hookworm ?");
  // MedQuAD's ids are not unique (2,491 ids are shared by several question-answer pairs of one
  // page): a retrieval index must key its documents by position, not by id.
  std::set<std::string> ids;
  for (const Record& record : records) ids.insert(record_field_string(record, "id"));
  EXPECT_EQ(ids.size(), 12133u);
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
  // Optimized builds only; the bound leaves room for a loaded CI machine.
  EXPECT_LT(seconds, 2.0);
#endif
}

}  // namespace
}  // namespace clinbench
