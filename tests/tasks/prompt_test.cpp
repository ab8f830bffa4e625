// Rendered prompts against golden files written from lm-evaluation-harness's conventions and the
// Llama-3 chat template (tests/data/golden/prompts/make_prompt_golden.py).
#include <gtest/gtest.h>

#include "clinbench/kinds.h"
#include "clinbench/prompt.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::string golden(const std::string& name) {
  return read_file(testing::test_data_dir() / "golden" / "prompts" / name);
}

class PromptGolden : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    backend_ = open_backend("gguf:" + testing::tiny_model("llama-bpe", "llama3").string(), BackendOptions{}).release();
  }
  static void TearDownTestSuite() { delete backend_; }
  static Backend* backend_;
};
Backend* PromptGolden::backend_ = nullptr;

TEST_F(PromptGolden, MedqaZeroShotIsTheHarnessPrompt) {
  TaskSpec spec = task_spec_find("medqa");
  TaskData data = task_data_load(spec, {testing::shared_data_dir(), 1, 0, 1234});
  std::vector<PromptedExample> prompts = task_prompts_build(spec, data, *backend_);
  ASSERT_EQ(prompts.size(), 1u);
  EXPECT_EQ(prompts[0].prompt, golden("medqa_item0_0shot.txt"));
  EXPECT_EQ(prompts[0].option_continuations, (std::vector<std::string>{" A", " B", " C", " D"}));
  ASSERT_EQ(prompts[0].option_requests.size(), 4u);
  EXPECT_EQ(prompts[0].option_requests[1].context, prompts[0].prompt);
}

TEST_F(PromptGolden, MedqaTwoShotPutsAnsweredShotsFirst) {
  TaskSpec spec = task_spec_find("medqa");
  TaskData data = task_data_load(spec, {testing::shared_data_dir(), 1, 2, 1234});
  EXPECT_EQ(task_prompts_build(spec, data, *backend_)[0].prompt, golden("medqa_item2_2shot.txt"));
}

TEST_F(PromptGolden, MedqaGenUsesTheModelsChatTemplate) {
  TaskSpec spec = task_spec_find("medqa_gen");
  TaskData data = task_data_load(spec, {testing::shared_data_dir(), 1, 0, 1234});
  std::vector<PromptedExample> prompts = task_prompts_build(spec, data, *backend_);
  EXPECT_EQ(prompts[0].prompt, golden("medqa_gen_item0_llama3.txt"));
  EXPECT_EQ(prompts[0].generation.prompt, prompts[0].prompt);
  EXPECT_EQ(prompts[0].generation.chat.messages.size(), 2u);
  EXPECT_EQ(prompts[0].generation.max_tokens, spec.max_tokens);
}

TEST(PromptGrammar, OneLetterOfTheOptions) {
  EXPECT_EQ(prompt_letter_grammar(4), "root ::= \"A\" | \"B\" | \"C\" | \"D\"");
}

}  // namespace
}  // namespace clinbench
