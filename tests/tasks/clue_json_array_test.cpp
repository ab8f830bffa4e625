// MeDiSumQA and MeDiSumCode read CLUE's JSON arrays (its eval json.loads MeDiSumQA.json and
// MeDiSumCode.json) as well as JSONL (clue-differences.md D17), with errors that still name
// the file, line and field.
#include <gtest/gtest.h>

#include <string>

#include "clinbench/kinds.h"
#include "clinbench/tasks.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::filesystem::path fixtures() { return testing::test_data_dir() / "fixtures" / "clinical"; }

// The JSONL fixture as one JSON array, an element per line, pretty-printed as CLUE's files are.
std::string as_json_array(const std::filesystem::path& jsonl) {
  std::string array = "[\n";
  for (const nlohmann::json& record : testing::read_jsonl(jsonl)) {
    array += (array.size() > 2 ? ",\n" : "") + record.dump(4);
  }
  return array + "\n]\n";
}

TaskData load(const std::string& task, const std::filesystem::path& data_dir) {
  return task_data_load(task_spec_find(task), TaskDataOptions{data_dir, -1, -1, 1234});
}

std::string load_error(const std::string& task, const std::filesystem::path& data_dir) {
  try {
    load(task, data_dir);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ClueJsonArray, MedisumTasksReadAnArrayAsTheyReadJsonl) {
  std::filesystem::path dir = testing::work_dir("clue_json_array");
  for (const char* task : {"medisumqa", "medisumcode"}) {
    std::filesystem::path file = dir / task / (std::string(task) + ".jsonl");
    std::filesystem::create_directories(file.parent_path());
    write_file_atomic(file, "\xEF\xBB\xBF  \n" + as_json_array(fixtures() / task / file.filename()));
    TaskData from_jsonl = load(task, fixtures());
    TaskData from_array = load(task, dir);
    ASSERT_EQ(from_array.examples.size(), from_jsonl.examples.size()) << task;
    ASSERT_EQ(from_array.shots.size(), from_jsonl.shots.size()) << task;
    EXPECT_EQ(from_array.dataset_items, from_jsonl.dataset_items) << task;
    for (size_t i = 0; i < from_jsonl.examples.size(); ++i) {
      EXPECT_EQ(from_array.examples[i].id, from_jsonl.examples[i].id) << task;
      EXPECT_EQ(from_array.examples[i].reference, from_jsonl.examples[i].reference) << task;
      EXPECT_EQ(from_array.examples[i].fields, from_jsonl.examples[i].fields) << task;
    }
  }
}

TEST(ClueJsonArray, ErrorsNameFileLineAndField) {
  std::filesystem::path dir = testing::work_dir("clue_json_array_errors");
  std::filesystem::path file = dir / "medisumqa" / "medisumqa.jsonl";
  std::filesystem::create_directories(file.parent_path());
  // The third element lacks the reference field "Answer".
  write_file_atomic(file,
                    "[\n"
                    "  {\"without_discharge_summary\": \"Letter one.\", \"Question\": \"Q1?\", \"Answer\": \"A1\"},\n"
                    "  {\"without_discharge_summary\": \"Letter two.\", \"Question\": \"Q2?\", \"Answer\": \"A2\"},\n"
                    "  {\"without_discharge_summary\": \"Letter three.\", \"Question\": \"Q3?\"}\n"
                    "]\n");
  std::string message = load_error("medisumqa", dir);
  EXPECT_NE(message.find(file.string() + ":4"), std::string::npos) << message;
  EXPECT_NE(message.find("'Answer'"), std::string::npos) << message;
  // An element that is not a record.
  write_file_atomic(file, "[\n  {\"Question\": \"Q1?\", \"Answer\": \"A1\", \"without_discharge_summary\": \"L\"},\n  7\n]\n");
  message = load_error("medisumqa", dir);
  EXPECT_NE(message.find(file.string() + ":3"), std::string::npos) << message;
  EXPECT_NE(message.find("each element of the top-level array must be a JSON object"), std::string::npos) << message;
  // Still JSONL when the file does not start with "[": a broken line is named.
  write_file_atomic(file, "{\"Question\": \"Q1?\", \"Answer\": \"A1\", \"without_discharge_summary\": \"L\"}\n{broken\n");
  message = load_error("medisumqa", dir);
  EXPECT_NE(message.find(file.string() + ":2"), std::string::npos) << message;
}

TEST(ClueJsonArray, FormatNameRoundTrips) {
  EXPECT_EQ(dataset_format_from_name("jsonl_or_json_array"), DatasetFormat::jsonl_or_json_array);
  EXPECT_EQ(dataset_format_name(DatasetFormat::jsonl_or_json_array), "jsonl_or_json_array");
  EXPECT_EQ(task_spec_find("medisumqa").read_options.format, DatasetFormat::jsonl_or_json_array);
  EXPECT_EQ(task_spec_find("medisumcode").read_options.format, DatasetFormat::jsonl_or_json_array);
}

}  // namespace
}  // namespace clinbench
