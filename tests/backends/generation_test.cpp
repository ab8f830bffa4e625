// Continuous batching must not change what greedy decoding produces.
#include <gtest/gtest.h>

#include <map>

#include "clinbench/backends.h"
#include "backend_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::vector<GenerationRequest> clinical_prompts() {
  const std::vector<std::string>& texts = testing::clinical_prompt_texts();
  std::vector<GenerationRequest> requests;
  for (size_t i = 0; i < texts.size(); ++i) {
    GenerationRequest request;
    request.prompt = texts[i];
    request.max_tokens = 12 + int32_t(i) * 3;  // different lengths: slots free at different times
    requests.push_back(request);
  }
  return requests;
}

std::map<size_t, GenerationResponse> run(Backend& backend, const std::vector<GenerationRequest>& requests) {
  std::map<size_t, GenerationResponse> out;
  backend.generate(requests, [&](size_t i, GenerationResponse&& r) {
    EXPECT_FALSE(out.count(i));
    out[i] = std::move(r);
  }, {});
  EXPECT_EQ(out.size(), requests.size());
  return out;
}

class GreedyBatchingTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GreedyBatchingTest, AloneEqualsBatchedWithSevenOthers) {
  std::vector<GenerationRequest> requests = clinical_prompts();
  BackendOptions alone_options;
  alone_options.threads = 2;
  alone_options.parallel = 1;
  auto alone = open_backend("gguf:" + testing::tiny_model(GetParam()).string(), alone_options);
  BackendOptions batched_options = alone_options;
  batched_options.parallel = 8;
  auto batched = open_backend("gguf:" + testing::tiny_model(GetParam()).string(), batched_options);

  std::map<size_t, GenerationResponse> together = run(*batched, requests);
  for (size_t i = 0; i < requests.size(); ++i) {
    std::vector<GenerationRequest> one = {requests[i]};
    GenerationResponse single = run(*alone, one)[0];
    ASSERT_EQ(single.status, RequestStatus::ok) << single.error;
    EXPECT_EQ(together[i].tokens, single.tokens) << "prompt " << i;
    EXPECT_EQ(together[i].text, single.text) << "prompt " << i;
    EXPECT_FALSE(single.tokens.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Vocabs, GreedyBatchingTest, ::testing::Values("llama-spm", "llama-bpe"),
                         testing::vocab_test_name);

// Prompts behind one long few-shot block: the block is decoded once (the root) and branched into
// every slot; what each prompt generates is what it generates alone.
TEST(Generation, SharedPrefixIsDecodedOnceAndChangesNothing) {
  const std::string shots = testing::stiff_neck_shots();
  std::vector<GenerationRequest> requests;
  for (int q = 0; q < 24; ++q) {
    GenerationRequest request;
    request.prompt = shots + "Question: Case " + std::to_string(q * 37 % 100) + ": chest pain. Next step?\nAnswer:";
    request.max_tokens = 6 + q % 5;
    requests.push_back(request);
  }
  BackendOptions options;
  options.threads = 2;
  options.batch_size = 64;
  options.parallel = 1;
  auto alone = open_backend("gguf:" + testing::tiny_model("llama-spm").string(), options);
  options.parallel = 8;
  auto batched = open_backend("gguf:" + testing::tiny_model("llama-spm").string(), options);

  std::map<size_t, GenerationResponse> together = run(*batched, requests);
  int64_t unshared = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    GenerationResponse single = run(*alone, {requests[i]})[0];
    ASSERT_EQ(single.status, RequestStatus::ok) << single.error;
    EXPECT_EQ(together[i].tokens, single.tokens) << "prompt " << i;
    unshared += single.prompt_tokens + int64_t(single.tokens.size());
  }
  int32_t block = alone->count_tokens(shots);
  ASSERT_GT(block, 200);
  int64_t decoded = batched->compute_counters().tokens_decoded;
  // Unshared, the block alone would be decoded 24 times.
  EXPECT_LT(decoded, unshared - 20 * int64_t(block)) << "unshared " << unshared << ", block " << block;
}

// A cache that holds the root and one prompt at most: requests wait for cells, roots give way,
// and every prompt is still answered exactly as alone.
TEST(Generation, TightCacheAnswersEveryPromptOfTwoGroups) {
  std::vector<GenerationRequest> requests;
  for (const char* group : {"Discharge letter: the patient was admitted with pneumonia and treated. ",
                            "Radiology report: the chest film shows a left lower lobe opacity. "}) {
    std::string block;
    for (int i = 0; i < 6; ++i) block += group;
    for (int q = 0; q < 5; ++q) {
      GenerationRequest request;
      request.prompt = block + "Question " + std::to_string(q) + ": what next?\nAnswer:";
      request.max_tokens = 5;
      requests.push_back(request);
    }
  }
  BackendOptions options;
  options.threads = 2;
  options.context_length = 256;
  options.kv_size = 256;
  options.parallel = 1;
  auto alone = open_backend("gguf:" + testing::tiny_model("llama-spm").string(), options);
  options.parallel = 4;
  auto batched = open_backend("gguf:" + testing::tiny_model("llama-spm").string(), options);
  std::map<size_t, GenerationResponse> together = run(*batched, requests);
  ASSERT_EQ(together.size(), requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    ASSERT_EQ(together[i].status, RequestStatus::ok) << together[i].error;
    GenerationResponse single = run(*alone, {requests[i]})[0];
    EXPECT_EQ(together[i].tokens, single.tokens) << "prompt " << i;
  }
}

TEST(Generation, StopsAtMaxTokensAndReportsLength) {
  BackendOptions options;
  options.threads = 2;
  auto backend = open_backend("gguf:" + testing::tiny_model("llama-spm").string(), options);
  GenerationRequest request;
  request.prompt = "The patient";
  request.max_tokens = 5;
  auto out = run(*backend, {request});
  EXPECT_EQ(out[0].finish, FinishReason::length);
  EXPECT_EQ(out[0].tokens.size(), 5u);
}

TEST(Generation, StopStringEndsGenerationAndIsExcluded) {
  BackendOptions options;
  options.threads = 2;
  auto backend = open_backend("gguf:" + testing::tiny_model("llama-spm").string(), options);
  GenerationRequest request;
  request.prompt = "The patient";
  request.max_tokens = 20;
  std::string full = run(*backend, {request})[0].text;
  ASSERT_GE(full.size(), 4u);
  // Stop on a piece of the greedy output: the text must end right before it.
  std::string stop = full.substr(full.size() / 2, 2);
  request.stop = {stop};
  GenerationResponse stopped = run(*backend, {request})[0];
  EXPECT_EQ(stopped.finish, FinishReason::stop);
  EXPECT_EQ(stopped.text, full.substr(0, full.find(stop)));
}

TEST(Generation, GrammarConstrainsTheAnswerToOneLetter) {
  BackendOptions options;
  options.threads = 2;
  auto backend = open_backend("gguf:" + testing::tiny_model("llama-bpe").string(), options);
  GenerationRequest request;
  request.prompt = "Question: Which is correct?\nA: one\nB: two\nC: three\nD: four\nAnswer:";
  request.max_tokens = 4;
  request.grammar = "root ::= [A-D]";
  GenerationResponse out = run(*backend, {request})[0];
  ASSERT_EQ(out.status, RequestStatus::ok) << out.error;
  ASSERT_EQ(out.text.size(), 1u) << out.text;
  EXPECT_GE(out.text[0], 'A');
  EXPECT_LE(out.text[0], 'D');
}

TEST(Generation, PromptThatDoesNotFitIsRefused) {
  BackendOptions options;
  options.threads = 2;
  options.context_length = 32;
  auto backend = open_backend("gguf:" + testing::tiny_model("llama-spm").string(), options);
  GenerationRequest request;
  request.prompt = "word word word word word word word word word word word word word word";
  request.max_tokens = 20;
  GenerationResponse out = run(*backend, {request})[0];
  EXPECT_EQ(out.status, RequestStatus::context_overflow);
  EXPECT_TRUE(out.text.empty());
}

}  // namespace
}  // namespace clinbench
