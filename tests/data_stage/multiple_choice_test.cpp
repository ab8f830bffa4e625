#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clinbench/data.h"
#include "data_test_util.h"

namespace clinbench {
namespace {

using ::testing::ElementsAre;
using testing::error_message;
using testing::error_prefix;
using ::testing::HasSubstr;
using testing::write_data_file;

std::filesystem::path fixture(const std::string& name) {
  return testing::test_data_dir() / "fixtures" / "data" / name;
}

DatasetReadOptions format(DatasetFormat value) {
  DatasetReadOptions options;
  options.format = value;
  return options;
}

Record record_of(nlohmann::json fields, int64_t line, int64_t position = 0,
                 std::string source = "d.jsonl") {
  Record record;
  record.fields = std::move(fields);
  record.line = line;
  record.position = position;
  record.source = std::move(source);
  return record;
}

MultipleChoiceMapping medqa_mapping() {
  MultipleChoiceMapping mapping;
  mapping.question_field = "question";
  mapping.options_field = "options";
  mapping.answer_field = "answer_idx";
  return mapping;
}

TEST(AnswerEncoding, NamesRoundTrip) {
  for (AnswerEncoding value : {AnswerEncoding::letter, AnswerEncoding::index0,
                               AnswerEncoding::index1, AnswerEncoding::text}) {
    EXPECT_EQ(answer_encoding_from_name(answer_encoding_name(value)), value);
  }
  EXPECT_THAT(error_message([] { answer_encoding_from_name("number"); }),
              HasSubstr("unknown answer encoding 'number'"));
}

TEST(MapMultipleChoice, OptionsObjectAndLetterAnswer) {
  std::vector<Record> records = {
      record_of({{"question", "Q?"},
                 {"options", {{"A", "a"}, {"B", "b"}, {"C", "c"}, {"D", "d"}}},
                 {"answer_idx", "C"},
                 {"answer", "c"},
                 {"meta_info", "step1"}},
                1)};
  auto items = map_multiple_choice(records, medqa_mapping());
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].id, "0");
  EXPECT_EQ(items[0].question, "Q?");
  EXPECT_THAT(items[0].options, ElementsAre("a", "b", "c", "d"));
  EXPECT_EQ(items[0].answer_index, 2);
  EXPECT_EQ(items[0].line, 1);
  EXPECT_EQ(items[0].source, "d.jsonl");
  // Fields the mapping did not use are kept for templates.
  EXPECT_EQ(items[0].extra, (nlohmann::json{{"answer", "c"}, {"meta_info", "step1"}}));
}

TEST(MapMultipleChoice, LetterAnswersAreTrimmedAndCaseInsensitive) {
  std::vector<Record> records = {
      record_of({{"question", "Q"}, {"options", {"x", "y"}}, {"answer_idx", " b "}}, 1)};
  EXPECT_EQ(map_multiple_choice(records, medqa_mapping())[0].answer_index, 1);
}

TEST(MapMultipleChoice, AnswerNotAmongTheOptionsNamesLineAndField) {
  std::vector<Record> records = {
      record_of({{"question", "Q"}, {"options", {{"A", "a"}, {"B", "b"}}}, {"answer_idx", "A"}}, 1),
      record_of({{"question", "Q"}, {"options", {{"A", "a"}, {"B", "b"}}}, {"answer_idx", "E"}}, 2,
                1)};
  EXPECT_THAT(error_message([&] { map_multiple_choice(records, medqa_mapping()); }),
              HasSubstr("d.jsonl:2: field 'answer_idx': answer 'E' is not among the 2 options "
                        "(A-B)"));
  records[1].fields["answer_idx"] = "AB";
  EXPECT_THAT(error_message([&] { map_multiple_choice(records, medqa_mapping()); }),
              HasSubstr("d.jsonl:2: field 'answer_idx': expected an answer letter (A-B), found "
                        "'AB'"));
}

TEST(MapMultipleChoice, OptionKeysMustBeConsecutiveLetters) {
  std::vector<Record> records = {record_of(
      {{"question", "Q"}, {"options", {{"A", "a"}, {"C", "c"}}}, {"answer_idx", "A"}}, 9)};
  EXPECT_THAT(error_message([&] { map_multiple_choice(records, medqa_mapping()); }),
              HasSubstr("d.jsonl:9: field 'options.C': option keys must be the letters A, B, C, "
                        "... in order without gaps; expected 'B' here"));
}

TEST(MapMultipleChoice, MissingAndWrongTypeFields) {
  std::vector<Record> records = {record_of({{"options", {"a", "b"}}, {"answer_idx", "A"}}, 4)};
  EXPECT_THAT(error_message([&] { map_multiple_choice(records, medqa_mapping()); }),
              HasSubstr("d.jsonl:4: field 'question': missing"));
  records[0].fields["question"] = "Q";
  records[0].fields["options"] = "a, b";
  EXPECT_THAT(error_message([&] { map_multiple_choice(records, medqa_mapping()); }),
              HasSubstr("d.jsonl:4: field 'options': expected an object of strings, found a JSON "
                        "string"));
}

TEST(MapMultipleChoice, DuplicateIdsNameBothLines) {
  MultipleChoiceMapping mapping = medqa_mapping();
  mapping.id_field = "id";
  std::vector<Record> records;
  for (int i = 0; i < 3; ++i) {
    records.push_back(record_of({{"id", i == 2 ? "x1" : "x" + std::to_string(i)},
                                 {"question", "Q"},
                                 {"options", {"a", "b"}},
                                 {"answer_idx", "A"}},
                                10 + i, i));
  }
  EXPECT_THAT(error_message([&] { map_multiple_choice(records, mapping); }),
              HasSubstr("d.jsonl:12: field 'id': duplicate id 'x1' (first at d.jsonl:11)"));
}

TEST(MapMultipleChoice, IdsFromKeysOrPositions) {
  Record keyed = record_of({{"question", "Q"}, {"options", {"a", "b"}}, {"answer_idx", "A"}}, 1);
  keyed.key = "21645374";
  EXPECT_EQ(map_multiple_choice({keyed}, medqa_mapping())[0].id, "21645374");
  // Positions restart in each file of a glob: ids then carry the file name.
  std::vector<Record> glob = {
      record_of({{"question", "Q"}, {"options", {"a", "b"}}, {"answer_idx", "A"}}, 1, 0,
                "mmlu/anatomy_test.csv"),
      record_of({{"question", "Q"}, {"options", {"a", "b"}}, {"answer_idx", "A"}}, 1, 0,
                "mmlu/virology_test.csv")};
  auto items = map_multiple_choice(glob, medqa_mapping());
  EXPECT_EQ(items[0].id, "anatomy_test.csv:0");
  EXPECT_EQ(items[1].id, "virology_test.csv:0");
}

TEST(MapMultipleChoice, ContextJoinsStringsAndLists) {
  MultipleChoiceMapping mapping;
  mapping.question_field = "QUESTION";
  mapping.context_fields = {"CONTEXTS", "NOTE"};
  mapping.fixed_options = {"yes", "no", "maybe"};
  mapping.answer_field = "final_decision";
  mapping.answer_encoding = AnswerEncoding::text;
  std::vector<Record> records = {record_of(
      {{"QUESTION", "Q"}, {"CONTEXTS", {"c1", "c2"}}, {"NOTE", "n"}, {"final_decision", "maybe"}},
      1)};
  auto items = map_multiple_choice(records, mapping);
  EXPECT_EQ(items[0].context, "c1\nc2\nn");
  EXPECT_THAT(items[0].options, ElementsAre("yes", "no", "maybe"));
  EXPECT_EQ(items[0].answer_index, 2);
  records[0].fields["final_decision"] = "perhaps";
  EXPECT_THAT(error_message([&] { map_multiple_choice(records, mapping); }),
              HasSubstr("d.jsonl:1: field 'final_decision': answer 'perhaps' matches none of the "
                        "options' texts"));
}

TEST(MapMultipleChoice, TextAnswers) {
  MultipleChoiceMapping mapping = medqa_mapping();
  mapping.answer_field = "answer";
  mapping.answer_encoding = AnswerEncoding::text;
  Record record = record_of(
      {{"question", "Q"}, {"options", {"Aspirin", "Heparin "}}, {"answer", "Heparin "}}, 3);
  EXPECT_EQ(map_multiple_choice({record}, mapping)[0].answer_index, 1);
  record.fields["answer"] = " heparin";  // no exact match: trimmed, case-insensitive
  EXPECT_EQ(map_multiple_choice({record}, mapping)[0].answer_index, 1);
  record.fields["options"] = {"Heparin", "heparin"};
  record.fields["answer"] = "HEPARIN";
  EXPECT_THAT(error_message([&] { map_multiple_choice({record}, mapping); }),
              HasSubstr("d.jsonl:3: field 'answer': answer 'HEPARIN' matches several options (A, "
                        "B)"));
}

TEST(MapMultipleChoice, IndexAnswers) {
  MultipleChoiceMapping mapping = medqa_mapping();
  mapping.answer_field = "cop";
  mapping.answer_encoding = AnswerEncoding::index0;
  Record record = record_of({{"question", "Q"}, {"options", {"a", "b", "c"}}, {"cop", "2"}}, 5);
  EXPECT_EQ(map_multiple_choice({record}, mapping)[0].answer_index, 2);
  mapping.answer_encoding = AnswerEncoding::index1;
  EXPECT_EQ(map_multiple_choice({record}, mapping)[0].answer_index, 1);
  record.fields["cop"] = 0;
  EXPECT_THAT(error_message([&] { map_multiple_choice({record}, mapping); }),
              HasSubstr("d.jsonl:5: field 'cop': answer index 0 is not among the 3 options (1 to "
                        "3, 1-based)"));
}

TEST(MapMultipleChoice, EmptyOptionIsAnErrorUnlessTrailingAndAllowedToVary) {
  MultipleChoiceMapping mapping;
  mapping.question_field = "question";
  mapping.option_fields = {"opa", "opb", "opc", "opd", "ope"};
  mapping.answer_field = "answer_idx";
  Record record = record_of({{"question", "Q"},
                             {"opa", "a"},
                             {"opb", "b"},
                             {"opc", "c"},
                             {"opd", "d"},
                             {"ope", " "},
                             {"answer_idx", "D"}},
                            7, 0, "medbullets.csv");
  EXPECT_THAT(error_message([&] { map_multiple_choice({record}, mapping); }),
              HasSubstr("medbullets.csv:7: field 'ope': option E is empty (when items have "
                        "different numbers of options, set options_may_vary"));
  mapping.options_may_vary = true;
  EXPECT_THAT(map_multiple_choice({record}, mapping)[0].options, ElementsAre("a", "b", "c", "d"));
  record.fields["opb"] = "";
  EXPECT_THAT(error_message([&] { map_multiple_choice({record}, mapping); }),
              HasSubstr("medbullets.csv:7: field 'opb': option B is empty but a later option is "
                        "not"));
  record.fields.erase("opb");
  record.fields.erase("ope");
  EXPECT_THAT(error_message([&] { map_multiple_choice({record}, mapping); }),
              HasSubstr("medbullets.csv:7: field 'opb': option B is empty"));
  mapping.options_may_vary = false;
  EXPECT_THAT(error_message([&] { map_multiple_choice({record}, mapping); }),
              HasSubstr("medbullets.csv:7: field 'opb': missing"));
}

TEST(MapMultipleChoice, TooFewOptions) {
  std::vector<Record> records = {
      record_of({{"question", "Q"}, {"options", {{"A", "only"}}}, {"answer_idx", "A"}}, 2)};
  EXPECT_THAT(error_message([&] { map_multiple_choice(records, medqa_mapping()); }),
              HasSubstr("d.jsonl:2: field 'options': an item needs 2 to 26 options, found 1"));
}

TEST(MapMultipleChoice, MappingMustBeComplete) {
  MultipleChoiceMapping mapping = medqa_mapping();
  mapping.fixed_options = {"yes", "no"};
  EXPECT_THAT(error_message([&] { map_multiple_choice({}, mapping); }),
              HasSubstr("set exactly one of options_field, option_fields and fixed_options"));
  mapping = medqa_mapping();
  mapping.answer_field.clear();
  EXPECT_THAT(error_message([&] { map_multiple_choice({}, mapping); }),
              HasSubstr("no answer_field"));
}

// --- published layouts, as fixtures
// ---------------------------------------------------------------

TEST(PublishedLayoutFixtures, MedMcqaDevJson) {
  auto records = read_dataset(fixture("medmcqa/dev.json"), format(DatasetFormat::jsonl));
  MultipleChoiceMapping mapping;
  mapping.id_field = "id";
  mapping.question_field = "question";
  mapping.option_fields = {"opa", "opb", "opc", "opd"};
  mapping.answer_field = "cop";
  mapping.answer_encoding = AnswerEncoding::index1;
  auto items = map_multiple_choice(records, mapping);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].id, "5d3a1c2e-0001-4a7b-9c11-000000000001");
  EXPECT_EQ(items[0].options[items[0].answer_index], "Abducens nerve");
  EXPECT_EQ(items[1].options[items[1].answer_index], "Ethosuximide");
  EXPECT_TRUE(items[1].extra["exp"].is_null());
  EXPECT_EQ(items[2].answer_index, 3);
  EXPECT_EQ(items[2].extra["choice_type"], "multi");
  EXPECT_EQ(items[2].line, 3);
}

MultipleChoiceMapping medbullets_mapping() {
  MultipleChoiceMapping mapping;
  mapping.question_field = "question";
  mapping.option_fields = {"opa", "opb", "opc", "opd", "ope"};
  mapping.options_may_vary = true;
  mapping.answer_field = "answer_idx";
  return mapping;
}

TEST(PublishedLayoutFixtures, MedbulletsOp4AndOp5WithOneMapping) {
  auto op4 = read_dataset(fixture("medbullets/medbullets_op4.csv"), format(DatasetFormat::csv));
  auto items4 = map_multiple_choice(op4, medbullets_mapping());
  ASSERT_EQ(items4.size(), 3u);
  EXPECT_EQ(items4[0].line, 2);
  EXPECT_EQ(items4[1].line, 4);  // the first question spans two lines
  EXPECT_THAT(items4[0].question, HasSubstr("weight gain.\nHer TSH"));
  EXPECT_EQ(items4[0].options.size(), 4u);
  EXPECT_EQ(items4[1].options[items4[1].answer_index], "Right coronary artery");
  EXPECT_EQ(items4[2].options[3], "SIADH, chronic");
  EXPECT_EQ(items4[0].extra["explanation"],
            "Primary hypothyroidism in an iodine-replete area is usually autoimmune "
            "(\"Hashimoto\").");

  auto op5 = read_dataset(fixture("medbullets/medbullets_op5.csv"), format(DatasetFormat::csv));
  auto items5 = map_multiple_choice(op5, medbullets_mapping());
  ASSERT_EQ(items5.size(), 2u);
  EXPECT_EQ(items5[0].options.size(), 5u);
  EXPECT_EQ(items5[0].options[items5[0].answer_index], "Parainfluenza virus");
  EXPECT_EQ(items5[1].options[items5[1].answer_index], "Hold warfarin and give oral vitamin K");

  // Without options_may_vary the op4 file's missing ope column is an error, not a silent drop.
  MultipleChoiceMapping strict = medbullets_mapping();
  strict.options_may_vary = false;
  EXPECT_THAT(
      error_message([&] { map_multiple_choice(op4, strict); }),
      HasSubstr(error_prefix(fixture("medbullets/medbullets_op4.csv"), 2, "ope") + "missing"));
}

MultipleChoiceMapping case_challenge_mapping() {
  MultipleChoiceMapping mapping;
  mapping.question_field = "question";
  mapping.context_fields = {"case"};
  mapping.options_field = "options";
  mapping.answer_field = "answer";
  return mapping;
}

TEST(PublishedLayoutFixtures, CaseChallengesAsJsonArrayAndJsonl) {
  auto array =
      read_dataset(fixture("case_challenges/cases.json"), format(DatasetFormat::json_array));
  auto items = map_multiple_choice(array, case_challenge_mapping());
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].line, 2);
  EXPECT_EQ(items[1].line, 14);
  EXPECT_EQ(items[0].options.size(), 5u);
  EXPECT_EQ(items[0].options[items[0].answer_index], "Infective endocarditis");
  EXPECT_THAT(items[0].context, HasSubstr("diastolic murmur.\nBlood cultures"));
  EXPECT_EQ(items[1].options[items[1].answer_index], "Papillary carcinoma");

  auto lines = read_dataset(fixture("case_challenges/cases.jsonl"), format(DatasetFormat::jsonl));
  auto jama = map_multiple_choice(lines, case_challenge_mapping());
  ASSERT_EQ(jama.size(), 2u);
  EXPECT_EQ(jama[1].options.size(), 4u);
  EXPECT_EQ(jama[1].options[jama[1].answer_index], "Anti-Smith");
}

}  // namespace
}  // namespace clinbench
