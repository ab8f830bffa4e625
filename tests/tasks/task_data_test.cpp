// Built-in tasks read the real public data in ../shared/data, and fixtures in the published
// layouts of the sets that cannot be shipped.
#include <gtest/gtest.h>

#include <fstream>

#include "clinbench/kinds.h"
#include "clinbench/tasks.h"
#include "test_support.h"

namespace clinbench {
namespace {

TaskData load(const std::string& task, const std::filesystem::path& data_dir, int64_t limit = -1,
              int32_t shots = -1) {
  return task_data_load(task_spec_find(task), TaskDataOptions{data_dir, limit, shots, 1234});
}

std::string load_error(const std::string& task, const std::filesystem::path& data_dir) {
  try {
    load(task, data_dir);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TaskData, RealPublicSetsHaveThePublishedCounts) {
  std::filesystem::path shared = testing::shared_data_dir();
  EXPECT_EQ(load("medqa", shared).examples.size(), 1273u);
  EXPECT_EQ(load("medqa_gen", shared).examples.size(), 1273u);
  EXPECT_EQ(load("mmlu_medical", shared).examples.size(), 1089u);
  TaskData pubmedqa = load("pubmedqa", shared);
  EXPECT_EQ(pubmedqa.examples.size(), 500u);
  EXPECT_EQ(pubmedqa.dataset_items, 500);
  // PubMedQA ids are the PMIDs; options are fixed.
  EXPECT_EQ(pubmedqa.examples[0].options, (std::vector<std::string>{"yes", "no", "maybe"}));
  EXPECT_GT(std::stoll(pubmedqa.examples[0].id), 1000);
}

TEST(TaskData, MedqaFirstItemMapsItsFields) {
  TaskData data = load("medqa", testing::shared_data_dir(), 3);
  ASSERT_EQ(data.examples.size(), 3u);
  const Example& first = data.examples[0];
  EXPECT_EQ(first.id, "0");
  EXPECT_EQ(first.line, 1);
  EXPECT_EQ(first.options.size(), 4u);
  EXPECT_NE(first.fields["question"].get<std::string>().find("junior orthopaedic surgery resident"), std::string::npos);
  EXPECT_EQ(first.fields["answer_letter"], "B");  // "Tell the attending that he cannot fail to disclose this mistake"
}

TEST(TaskData, ShotsAreTheFirstItemsAndAreNotScored) {
  TaskData data = load("medqa", testing::shared_data_dir(), 10, 3);
  ASSERT_EQ(data.shots.size(), 3u);
  EXPECT_EQ(data.shots[0].id, "0");
  EXPECT_EQ(data.examples.front().id, "3");
  EXPECT_EQ(data.examples.size(), 10u);
}

// The published layouts of sets clinbench cannot ship, written as a data folder.
std::filesystem::path fixture_data_dir() {
  std::filesystem::path dir = testing::work_dir("task_data_fixtures");
  std::filesystem::path fixtures = testing::test_data_dir() / "fixtures" / "data";
  std::filesystem::create_directories(dir / "medmcqa");
  std::filesystem::create_directories(dir / "medbullets");
  std::filesystem::create_directories(dir / "nejm");
  std::filesystem::create_directories(dir / "jama");
  std::filesystem::copy_file(fixtures / "medmcqa" / "dev.json", dir / "medmcqa" / "dev.json");
  std::filesystem::copy_file(fixtures / "medbullets" / "medbullets_op4.csv", dir / "medbullets" / "medbullets_op4.csv");
  std::filesystem::copy_file(fixtures / "medbullets" / "medbullets_op5.csv", dir / "medbullets" / "medbullets_op5.csv");
  std::filesystem::copy_file(fixtures / "case_challenges" / "cases.jsonl", dir / "jama" / "cases.jsonl");
  std::filesystem::copy_file(fixtures / "case_challenges" / "cases.jsonl", dir / "nejm" / "cases.jsonl");
  return dir;
}

TEST(TaskData, FixtureLayoutsOfUnshippableSets) {
  std::filesystem::path dir = fixture_data_dir();
  TaskData medmcqa = load("medmcqa", dir);
  ASSERT_FALSE(medmcqa.examples.empty());
  EXPECT_EQ(medmcqa.examples[0].options.size(), 4u);
  EXPECT_FALSE(medmcqa.examples[0].id.empty());
  EXPECT_EQ(load("medbullets_op4", dir).examples[0].options.size(), 4u);
  EXPECT_EQ(load("medbullets_op5_gen", dir).examples[0].options.size(), 5u);
  TaskData jama = load("jama_case_challenges", dir);
  ASSERT_FALSE(jama.examples.empty());
  EXPECT_NE(jama.examples[0].fields["context"].get<std::string>().find("45-year-old man"), std::string::npos);
}

TEST(TaskData, MissingDataSaysWhereItIsExpected) {
  std::string error = load_error("medmcqa", testing::work_dir("task_data_empty"));
  EXPECT_NE(error.find("medmcqa/dev.json"), std::string::npos) << error;
  EXPECT_NE(error.find("--data-dir"), std::string::npos) << error;
}

TEST(TaskData, MalformedLineIsNamedBeforeAnyModelWork) {
  std::filesystem::path dir = testing::work_dir("task_data_malformed");
  std::filesystem::create_directories(dir / "medqa");
  std::ofstream(dir / "medqa" / "US_4_options_test.jsonl")
      << R"({"question": "q1", "options": {"A": "a", "B": "b"}, "answer_idx": "A"})" << "\n"
      << R"({"question": "q2", "options": {"A": "a", "B": "b"}, "answer_idx": "E"})" << "\n";
  std::string error = load_error("medqa", dir);
  EXPECT_NE(error.find("US_4_options_test.jsonl:2"), std::string::npos) << error;
  EXPECT_NE(error.find("answer_idx"), std::string::npos) << error;
}

TEST(TaskData, TaskPathsCannotLeaveTheDataDirectory) {
  std::filesystem::path file = testing::work_dir("task_data_escape") / "escape.yaml";
  std::ofstream(file) << "name: escape\ndataset:\n  path: ../../etc/passwd\n  format: csv\nmapping:\n"
                         "  question: q\n  option_fields: [a, b]\n  answer: c\nprompt:\n  user: \"{question}\"\n"
                         "metrics: [acc]\n";
  try {
    task_data_load(task_spec_find(file.string()), TaskDataOptions{testing::shared_data_dir(), -1, -1, 1});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("leaves the data directory"), std::string::npos) << e.what();
  }
}

TEST(TaskData, AbsolutePathsNeedTheUsersPermission) {
  std::filesystem::path dir = testing::work_dir("task_data_absolute");
  std::ofstream(dir / "items.jsonl") << R"({"q": "Which?", "o": {"A": "x", "B": "y"}, "a": "B"})" << "\n";
  std::filesystem::path file = dir / "absolute.yaml";
  std::ofstream(file) << "name: absolute\ndataset:\n  path: " << (dir / "items.jsonl").string()
                      << "\n  fewshot_path: " << (dir / "items.jsonl").string()
                      << "\nmapping:\n  question: q\n  options: o\n  answer: a\nprompt:\n  user: \"{question}\"\n"
                         "metrics: [acc]\n";
  TaskSpec spec = task_spec_find(file.string());
  TaskDataOptions options{testing::shared_data_dir(), -1, 0, 1};
  try {
    task_data_load(spec, options);
    FAIL() << "an absolute data path was read without --allow-absolute-paths";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(file.string() + ": field 'dataset.path': '" + (dir / "items.jsonl").string() +
                           "' is an absolute path"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("--allow-absolute-paths"), std::string::npos) << message;
  }
  options.allow_absolute_paths = true;
  TaskData data = task_data_load(spec, options);
  ASSERT_EQ(data.examples.size(), 1u);
  EXPECT_EQ(data.examples[0].answer_index, 1);
}

// Same class as fuzz/regressions/suite_yaml/long_model_file_name.yaml: a data file name longer
// than the system allows made std::filesystem::exists throw filesystem_error (the CLI's
// "internal error") instead of saying where the data was expected.
TEST(TaskData, DataFileNamesTheSystemRefusesAreErrors) {
  std::filesystem::path file = testing::work_dir("task_data_long_name") / "long.yaml";
  std::ofstream(file) << "name: long\ndataset:\n  path: " << std::string(300, 'a')
                      << ".jsonl\nmapping:\n  question: q\n  options: o\n  answer: a\nprompt:\n"
                         "  user: \"{question}\"\nmetrics: [acc]\n";
  try {
    task_data_load(task_spec_find(file.string()), TaskDataOptions{testing::shared_data_dir(), -1, 0, 1});
    FAIL();
  } catch (const Error& e) {
    // The path is resolved (symlinks) before anything else, so the system's refusal comes from
    // there: an error naming the file and the field, never filesystem_error.
    EXPECT_NE(std::string(e.what()).find("field 'dataset.path'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("long.yaml"), std::string::npos) << e.what();
  }
}

TEST(TaskTemplate, RendersFieldsOptionsAndLiteralBraces) {
  TaskSpec spec = task_spec_find("medqa");
  Example example;
  example.fields = {{"question", "Which enzyme?"}, {"note", "x"}};
  example.options = {"Troponin", "Myoglobin"};
  EXPECT_EQ(task_template_render(spec.user_template, example, spec), "Question: Which enzyme?\nA. Troponin\nB. Myoglobin\nAnswer:");
  EXPECT_EQ(task_template_render("{{literal}} {note}", example, spec), "{literal} x");
  EXPECT_THROW(task_template_render("{missing}", example, spec), Error);
}

}  // namespace
}  // namespace clinbench
