// CLUE's protocol where it is not LongHealth's: MeDiSumQA's shot and order (CPython's
// random.seed(1); random.shuffle), and the study's server truncation (TGI `truncate`: the whole
// prompt from the left, to per-task windows).
#include <gtest/gtest.h>

#include <fstream>

#include "clinbench/test_model.h"
#include "clinbench/kinds.h"
#include "clinbench/prompt.h"
#include "clinbench/tasks.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::filesystem::path fixtures() { return testing::test_data_dir() / "fixtures" / "clinical"; }

// eval_MeDiSumQA.py:89-90. The order comes from python3's own shuffle (golden file), and --seed
// does not move it.
TEST(ClueProtocol, MeDiSumQAShotAndOrderAreCPythonsSeedOneShuffle) {
  std::ifstream in(testing::test_data_dir() / "golden" / "python_random" / "python_random_golden.json");
  const std::vector<size_t> order = nlohmann::json::parse(in)["seed1_shuffle"]["4"].get<std::vector<size_t>>();
  ASSERT_EQ(order, (std::vector<size_t>{3, 0, 2, 1}));
  const std::vector<std::string> file_order = {"0", "1", "2", "3"};  // ids are file positions
  for (uint64_t seed : {1234ull, 99ull}) {
    TaskData data = task_data_load(task_spec_find("medisumqa"), TaskDataOptions{fixtures(), -1, -1, seed});
    ASSERT_EQ(data.shots.size(), 1u);
    EXPECT_EQ(data.shots[0].id, file_order[order[0]]);
    ASSERT_EQ(data.examples.size(), 3u);
    for (size_t e = 0; e < 3; ++e) EXPECT_EQ(data.examples[e].id, file_order[order[e + 1]]) << seed;
  }
}

TEST(ClueProtocol, ShufflePythonSeedNeedsShuffle) {
  const std::string yaml = "name: t\ndataset: {path: x.jsonl}\nkind: generation\nmapping: {reference: a}\n"
                           "scoring: generate\nprompt: {user: '{q}'}\nfewshot: {count: 1, shuffle_python_seed: 1}\n"
                           "metrics: [rougeL]\n";
  EXPECT_THROW(task_spec_parse(yaml, "t.yaml"), Error);
}

std::filesystem::path model_with_context(int32_t context) {
  std::filesystem::path path = testing::work_dir("clue_protocol_models") / ("ctx" + std::to_string(context) + ".gguf");
  if (std::filesystem::exists(path)) return path;
  TestModelOptions options;
  options.vocab_path = testing::llama_vocab("llama-spm");
  options.out_path = path;
  options.chat_template = "mistral";
  options.context_length = context;
  write_test_model(options);
  return path;
}

// eval_mednli.py:90 truncate = mpe - 200; eval_meqsum.py:109 min(mpe - 200, 24576); the others
// mpe - max_new_tokens (MeDiSumQA 200, problem summaries 100); LongHealth task 1 mpe - 50 and
// tasks 2 and 3 none (eval_LongHealth.py:290, 371-376).
TEST(ClueProtocol, EachTaskCutsTheWholePromptToItsOwnWindow) {
  auto backend = open_backend("gguf:" + model_with_context(32768).string(), BackendOptions{});
  ASSERT_EQ(backend->info().context_length, 32768);  // the trained context: no 16,384 cap
  auto keep_of = [&](const std::string& task, const std::filesystem::path& data_dir) {
    TaskData data = task_data_load(task_spec_find(task), TaskDataOptions{data_dir, 1, 0, 1234});
    return task_prompts_build(task_spec_find(task), data, *backend).at(0).generation.truncate_prompt_tokens;
  };
  EXPECT_EQ(keep_of("mednli", fixtures()), 32768 - 200);
  EXPECT_EQ(keep_of("meqsum", testing::shared_data_dir()), 24576);
  EXPECT_EQ(keep_of("medisumqa", fixtures()), 32768 - 200);
  EXPECT_EQ(keep_of("problem_summary", fixtures()), 32768 - 100);
  EXPECT_EQ(keep_of("medisumcode", fixtures()), 32768 - 200);
  EXPECT_EQ(keep_of("longhealth_task1", fixtures()), 32768 - 50);
  EXPECT_EQ(keep_of("longhealth_task2", fixtures()), 0);
  EXPECT_EQ(keep_of("longhealth_task3", fixtures()), 0);
}

// The engine keeps the prompt's last N tokens and says how many it cut.
TEST(ClueProtocol, TheEngineCutsFromTheLeftAndCountsIt) {
  auto backend = open_backend("gguf:" + model_with_context(512).string(), BackendOptions{});
  std::string long_text;
  for (int i = 0; i < 200; ++i) long_text += "word" + std::to_string(i) + " ";
  GenerationRequest request;
  request.prompt = long_text;
  request.max_tokens = 8;
  request.truncate_prompt_tokens = 100;
  std::vector<GenerationResponse> responses(2);
  GenerationRequest whole = request;
  whole.truncate_prompt_tokens = 0;
  whole.max_tokens = 500;  // does not fit and is not cut: refused
  std::vector<GenerationRequest> requests = {request, whole};
  backend->generate(requests, [&](size_t index, GenerationResponse&& response) { responses[index] = std::move(response); }, {});
  EXPECT_EQ(responses[0].status, RequestStatus::ok) << responses[0].error;
  EXPECT_EQ(responses[0].prompt_tokens, 100);
  EXPECT_EQ(responses[0].prompt_tokens_cut, backend->count_tokens(long_text) + 1 - 100);  // BOS included
  EXPECT_EQ(responses[1].status, RequestStatus::context_overflow);
  EXPECT_EQ(responses[1].prompt_tokens_cut, 0);
}

}  // namespace
}  // namespace clinbench
