// The shipped suites/reference_study.yaml, as a user fills it in, through `clinbench run --suite`:
// its models replaced by study-model twins (one pair per family, so all three declared prompt
// formats run), its tasks by those with small fixtures. Every model answers every item, each
// records the prompt format the suite declares for it, and the compare table has a row per pair
// and task.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "clinbench/core.h"
#include "test_support.h"

namespace clinbench {
namespace {

const char* const kTasks[] = {"mednli",           "meqsum",           "problem_summary", "medisumqa",
                              "medisumcode",      "longhealth_task1", "longhealth_task2", "longhealth_task3"};

struct StandIn {
  const char* twin;  // make-test-model --like NAME
  int seed;          // a fine-tune's weights differ from its base's, so the compare has differences
  const char* format;
};

// The suite's models kept here, one pair per family, and what the suite declares for each.
const std::map<std::string, StandIn> kKept = {
    {"Meta-Llama-3-8B-Instruct", {"Meta-Llama-3-8B-Instruct", 1, "instruct"}},
    {"Llama3-OpenBioLLM-8B", {"Meta-Llama-3-8B-Instruct", 2, "instruct"}},
    {"Mistral-7B-Instruct-v0.1", {"Mistral-7B-Instruct-v0.1", 1, "instruct-no-system"}},
    {"BioMistral-7B", {"Mistral-7B-Instruct-v0.1", 2, "instruct-no-system"}},
    {"Mistral-7B-v0.1", {"Mistral-7B-v0.1", 1, "base"}},
    {"internistai-base-7b-v0.2", {"Mistral-7B-v0.1", 2, "base"}},
};

std::filesystem::path fixture_data_dir() {
  std::filesystem::path dir = testing::work_dir("cli_reference_study_data");
  std::filesystem::path clinical = testing::test_data_dir() / "fixtures" / "clinical";
  std::filesystem::path own = testing::test_data_dir() / "golden" / "study_prompts" / "data";
  for (const char* task : {"mednli", "problem_summary", "medisumcode", "longhealth"}) {
    std::filesystem::create_directory_symlink(clinical / task, dir / task);
  }
  for (const char* task : {"meqsum", "medisumqa"}) std::filesystem::create_directory_symlink(own / task, dir / task);
  // MeDiSumCode checks predicted codes against the public ICD-10-CM code set.
  std::filesystem::create_directory_symlink(testing::shared_data_dir() / "icd10cm", dir / "icd10cm");
  return dir;
}

std::string trimmed(const std::string& line) {
  size_t begin = line.find_first_not_of(' ');
  return begin == std::string::npos ? "" : line.substr(begin);
}

// The suite as a user edits it: kept models' FILL_IN replaced by their twin (relative to the
// suite's folder), other models and their pairs removed, the task list replaced.
std::string filled_in_suite(const std::string& shipped, std::set<std::string>& declared_models) {
  std::istringstream in(shipped);
  std::ostringstream out;
  std::string line;
  std::string section;
  bool keep_model = true;
  std::string model;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != ' ' && line[0] != '#') {
      section = line.substr(0, line.find(':'));
      out << line << "\n";
      if (section == "tasks") {
        for (const char* task : kTasks) out << "  - " << task << "\n";
      }
      continue;
    }
    const std::string body = trimmed(line);
    if (section == "tasks" && body.starts_with("- ")) continue;
    if (section == "models" && body.starts_with("- name: ")) {
      model = body.substr(8);
      keep_model = kKept.contains(model);
    }
    if (section == "models" && !keep_model && !body.starts_with("#")) continue;
    if (section == "models" && body == "model: FILL_IN") {
      out << "    model: gguf:" << model << ".gguf\n";
      continue;
    }
    if (section == "models" && body.starts_with("prompt_format: ")) declared_models.insert(model);
    if (section == "pairs" && body.starts_with("- {fine_tune: ")) {
      std::string fine_tune = body.substr(14, body.find(',') - 14);
      if (!kKept.contains(fine_tune)) continue;
    }
    out << line << "\n";
  }
  return out.str();
}

TEST(ReferenceStudySuite, RunsOnTwinsWithDeclaredFormatsAndCompares) {
  std::filesystem::path dir = testing::work_dir("cli_reference_study_suite");
  std::filesystem::path data = fixture_data_dir();
  std::set<std::string> declared_models;
  const std::string suite =
      filled_in_suite(read_file(testing::source_dir() / "suites" / "reference_study.yaml"), declared_models);
  for (const auto& [name, stand_in] : kKept) {
    EXPECT_TRUE(declared_models.contains(name)) << name << " has no prompt_format in the suite";
    testing::CommandOutcome made =
        testing::run_clinbench(std::string("make-test-model --like ") + stand_in.twin + " --seed " +
                               std::to_string(stand_in.seed) + " --out " + (dir / (name + ".gguf")).string());
    ASSERT_EQ(made.status, 0) << made.output;
  }
  std::ofstream(dir / "reference_study.yaml") << suite;

  std::filesystem::path out = dir / "out";
  testing::CommandOutcome ran = testing::run_clinbench(
      "run --suite " + (dir / "reference_study.yaml").string() +
      " --limit 1 --threads 2 --allow-absolute-paths --data-dir " + data.string() +
      " --output-dir " + out.string());
  ASSERT_EQ(ran.status, 0) << ran.output << "\n--- suite ---\n" << suite;

  for (const auto& [name, stand_in] : kKept) {
    SCOPED_TRACE(name);
    nlohmann::json results = nlohmann::json::parse(read_file(out / name / "results.json"));
    EXPECT_EQ(results["model"]["details"]["chat_format_declared"], true);
    for (const char* task : kTasks) {
      SCOPED_TRACE(task);
      const nlohmann::json& entry = results["tasks"][task];
      EXPECT_EQ(entry["n"], 1);
      // No refused item: every item's request came back (an unextractable answer is still an
      // answer here; random weights rarely give a parseable one, and that is a scoring status).
      EXPECT_EQ(entry["answered"], entry["n"]) << entry["statuses"];
      EXPECT_TRUE(entry["failed"].empty()) << entry["failed"];
      EXPECT_FALSE(entry["statuses"].contains("context_overflow")) << entry["statuses"];
      EXPECT_FALSE(entry["statuses"].contains("backend_error")) << entry["statuses"];
      EXPECT_EQ(results["config"]["task_details"][task]["chat_format"], stand_in.format);
    }
  }

  ASSERT_TRUE(std::filesystem::exists(out / "compare" / "compare.md")) << ran.output;
  const std::string table = read_file(out / "compare" / "compare.md");
  for (const auto& [fine_tune, base] : {std::pair{"Llama3-OpenBioLLM-8B", "Meta-Llama-3-8B-Instruct"},
                                        std::pair{"BioMistral-7B", "Mistral-7B-Instruct-v0.1"},
                                        std::pair{"internistai-base-7b-v0.2", "Mistral-7B-v0.1"}}) {
    for (const char* task : kTasks) {
      const std::string row_start = std::string("| ") + task + " | ";
      const std::string row_pair = std::string(" | ") + fine_tune + " | " + base + " | ";
      bool found = false;
      std::istringstream rows(table);
      for (std::string row; std::getline(rows, row);) {
        found = found || (row.starts_with(row_start) && row.find(row_pair) != std::string::npos);
      }
      EXPECT_TRUE(found) << task << ": " << fine_tune << " vs " << base << "\n" << table;
    }
  }
  EXPECT_TRUE(std::filesystem::exists(out / "report.html"));
}

}  // namespace
}  // namespace clinbench
