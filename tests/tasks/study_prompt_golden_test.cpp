// The prompt of the first item of every task of the reference study, on every study-model twin,
// byte for byte against an independent reference: CLUE's own message-building code and the
// models' published templates rendered by Jinja2 as transformers does
// (tests/data/golden/study_prompts/make_study_prompts.py). The twins carry the real tokenizers,
// special tokens and templates, so this checks task prompts, the prompt-format rule, the Jinja
// engine and the templates' text together.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clinbench/kinds.h"
#include "clinbench/prompt.h"
#include "clinbench/tasks.h"
#include "test_support.h"

namespace clinbench {
namespace {

const nlohmann::json& golden() {
  static const nlohmann::json json = nlohmann::json::parse(
      read_file(testing::test_data_dir() / "golden" / "study_prompts" / "study_prompts.json"));
  return json;
}

// Where the reference read each task's data (the script's arguments, in the same order).
std::filesystem::path data_dir_of(const std::string& task) {
  if (task == "mednli" || task == "problem_summary" || task == "medisumcode") {
    return testing::test_data_dir() / "fixtures" / "clinical";
  }
  if (task == "medqa_gen" || task == "mmlu_medical_gen" || task == "pubmedqa_gen") return testing::shared_data_dir();
  return testing::test_data_dir() / "golden" / "study_prompts" / "data";
}

// The twins declare their trained contexts (up to 131,072 tokens); a 4,096-token window keeps the
// KV cache small whatever window the engine would pick, and every prompt here fits it.
BackendOptions small_window() {
  BackendOptions options;
  options.context_length = 4096;
  return options;
}

class StudyPromptGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(StudyPromptGolden, EveryTaskRendersAsTheReference) {
  const std::string twin = GetParam();
  ASSERT_TRUE(golden().contains(twin)) << twin;
  const nlohmann::json& expected = golden()[twin];
  std::unique_ptr<Backend> backend = open_backend("gguf:" + testing::study_twin(twin).string(), small_window());
  // The format the model's template implies is the one the reference derived from it.
  EXPECT_EQ(chat_format_name(backend->chat_format()), expected["prompt_format"].get<std::string>());
  ASSERT_EQ(expected["prompts"].size(), 11u);
  for (const auto& [task, prompt] : expected["prompts"].items()) {
    SCOPED_TRACE(twin + " / " + task);
    TaskSpec spec = task_spec_find(task);
    TaskData data = task_data_load(spec, {data_dir_of(task), /*limit=*/1, /*num_fewshot=*/-1, /*seed=*/1234});
    std::vector<PromptedExample> prompts = task_prompts_build(spec, data, *backend);
    ASSERT_EQ(prompts.size(), 1u);
    EXPECT_EQ(prompts[0].truncated_tokens, 0);
    EXPECT_EQ(prompts[0].prompt, prompt.get<std::string>());
  }
}

INSTANTIATE_TEST_SUITE_P(Twins, StudyPromptGolden,
                         ::testing::Values("Meta-Llama-3-8B-Instruct", "Mistral-7B-Instruct-v0.1", "Mistral-7B-v0.1",
                                           "zephyr-7b-beta", "Mixtral-8x7B-Instruct-v0.1",
                                           "Phi-3-mini-128k-instruct"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) {
                             if (c == '-' || c == '.') c = '_';
                           }
                           return name;
                         });

// A declared format overrides the template's: the Llama-3 twin declared instruct-no-system
// renders the system prompt inside the first user turn, as CLUE does without --model_has_system.
TEST(StudyPromptFormat, ADeclaredFormatOverridesTheTemplates) {
  BackendOptions options = small_window();
  options.prompt_format = ChatFormat::template_system_folded;
  std::unique_ptr<Backend> backend =
      open_backend("gguf:" + testing::study_twin("Meta-Llama-3-8B-Instruct").string(), options);
  TaskSpec spec = task_spec_find("mednli");
  TaskData data = task_data_load(spec, {data_dir_of("mednli"), 1, -1, 1234});
  std::string prompt = task_prompts_build(spec, data, *backend)[0].prompt;
  EXPECT_EQ(prompt.rfind("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n" + spec.system_prompt +
                             "\n\n\nSENTENCE_1:",
                         0),
            0u)
      << prompt.substr(0, 300);
  EXPECT_EQ(prompt.find("<|start_header_id|>system"), std::string::npos);
}

}  // namespace
}  // namespace clinbench
