// LongHealth prompts byte for byte against an independent Python reference of CLUE's
// eval_LongHealth.py (tests/data/golden/longhealth/make_longhealth_golden.py: CLUE's own
// create_prompt and sample_distractions, CPython's random seeded per draw, python3-jinja2 with the
// published Meta-Llama-3-8B-Instruct template): letter order, distractor draw, shuffle, joins,
// options, and the system/user join for each chat format (D8, D9, D10, D14). Then the whole prompt
// of every task on every study-model twin in its default format, rendered by the reference with
// the twins' published templates (imported from ../study_prompts/make_study_prompts.py).
#include <gtest/gtest.h>

#include <fstream>

#include "clinbench/kinds.h"
#include "clinbench/prompt.h"
#include "clinbench/tasks.h"
#include "test_support.h"

namespace clinbench {
namespace {

nlohmann::json golden() {
  std::ifstream in(testing::test_data_dir() / "golden" / "longhealth" / "longhealth_prompts_golden.json");
  return nlohmann::json::parse(in);
}

struct Built {
  TaskData data;
  std::vector<PromptedExample> prompts;
  const PromptedExample& by_id(const std::string& id) const {
    for (size_t e = 0; e < data.examples.size(); ++e) {
      if (data.examples[e].id == id) return prompts[e];
    }
    throw Error("no example " + id);
  }
};

Built build(const std::string& task, const Backend& backend, uint64_t seed) {
  Built built;
  built.data = task_data_load(task_spec_find(task),
                              TaskDataOptions{testing::test_data_dir() / "fixtures" / "clinical", -1, -1, seed});
  built.prompts = task_prompts_build(task_spec_find(task), built.data, backend);
  return built;
}

std::string without_prefix(const std::string& text, const std::string& prefix) {
  return text.starts_with(prefix) ? text.substr(prefix.size()) : text;
}

TEST(LongHealthGolden, PromptsEqualCluesForEveryChatFormat) {
  const nlohmann::json expected = golden();
  const std::string system = expected["system"];
  const uint64_t seed = expected["seed"];
  auto llama3 = open_backend("gguf:" + testing::tiny_model("llama-bpe", "llama3").string(), BackendOptions{});
  auto no_system = open_backend("gguf:" + testing::tiny_model("llama-spm", "mistral").string(), BackendOptions{});
  auto base = open_backend("gguf:" + testing::tiny_model("llama-spm", "none").string(), BackendOptions{});
  ASSERT_EQ(llama3->chat_format(), ChatFormat::template_with_system);
  ASSERT_EQ(no_system->chat_format(), ChatFormat::template_system_folded);
  ASSERT_EQ(base->chat_format(), ChatFormat::plain_text);
  ASSERT_EQ(expected["items"].size(), 12u);
  for (const std::string task : {"longhealth_task1", "longhealth_task2", "longhealth_task3"}) {
    Built with_system = build(task, *llama3, seed), folded = build(task, *no_system, seed), plain = build(task, *base, seed);
    for (const nlohmann::json& item : expected["items"]) {
      if (item["task"] != task) continue;
      const std::string id = item["id"], user = item["user"];
      SCOPED_TRACE(task + " " + id);
      const PromptedExample& chat = with_system.by_id(id);
      ASSERT_EQ(chat.generation.chat.messages.size(), 2u);
      EXPECT_EQ(chat.generation.chat.messages[0].content, system);
      EXPECT_EQ(chat.generation.chat.messages[1].content, user);
      // The whole Llama-3 prompt; the template's BOS text is the renderer's business (D7): the
      // Jinja template writes it, llama.cpp's built-in renderer leaves it to the tokenizer.
      const std::string bos = "<|begin_of_text|>";
      EXPECT_EQ(without_prefix(chat.prompt, bos), without_prefix(item["llama3_prompt"].get<std::string>(), bos));
      // No system role: one user turn sys_prompt + prompt, no separator (eval_LongHealth.py:271, 360).
      const PromptedExample& one_turn = folded.by_id(id);
      ASSERT_EQ(one_turn.generation.chat.messages.size(), 1u);
      EXPECT_EQ(one_turn.generation.chat.messages[0].role, "user");
      EXPECT_EQ(one_turn.generation.chat.messages[0].content, system + user);
      // A base model: sys_prompt + "\n\n\n" + prompt, nothing after (eval_LongHealth.py:282, 369).
      EXPECT_EQ(plain.by_id(id).prompt, system + "\n\n\n" + user);
    }
  }
}

// The twins declare their trained contexts (up to 131,072 tokens); a 4,096-token window keeps the
// KV cache small, and every fixture prompt fits it.
BackendOptions small_window() {
  BackendOptions options;
  options.context_length = 4096;
  return options;
}

class LongHealthTwinGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(LongHealthTwinGolden, EveryTaskRendersAsTheReference) {
  const std::string twin = GetParam();
  const nlohmann::json expected = golden();
  ASSERT_TRUE(expected["twin_formats"].contains(twin)) << twin;
  const uint64_t seed = expected["seed"];
  std::unique_ptr<Backend> backend = open_backend("gguf:" + testing::study_twin(twin).string(), small_window());
  // The format the twin's template implies is the one the reference derived from it.
  EXPECT_EQ(chat_format_name(backend->chat_format()), expected["twin_formats"][twin].get<std::string>());
  ASSERT_EQ(expected["items"].size(), 12u);
  size_t checked = 0;
  for (const std::string task : {"longhealth_task1", "longhealth_task2", "longhealth_task3"}) {
    Built built = build(task, *backend, seed);
    for (const nlohmann::json& item : expected["items"]) {
      if (item["task"] != task) continue;
      const std::string id = item["id"];
      SCOPED_TRACE(twin + " " + task + " " + id);
      const PromptedExample& prompted = built.by_id(id);
      EXPECT_EQ(prompted.truncated_tokens, 0);
      // Whole prompt, BOS text included: the twins render with their own Jinja templates, which
      // write bos_token as transformers does.
      EXPECT_EQ(prompted.prompt, item["twin_prompts"][twin].get<std::string>());
      ++checked;
    }
  }
  EXPECT_EQ(checked, 12u);
}

INSTANTIATE_TEST_SUITE_P(Twins, LongHealthTwinGolden,
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

}  // namespace
}  // namespace clinbench
