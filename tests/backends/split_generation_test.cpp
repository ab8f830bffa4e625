// Generation on a KV cache with one stream per sequence (split_kv_cache.h) must give the tokens
// of the unified cache and of each prompt alone, a shared root included.
#include <gtest/gtest.h>

#include <map>

#include "backends/llama/generator.h"
#include "backends/llama/llama_session.h"
#include "backend_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

struct Generated {
  std::map<size_t, GenerationResponse> responses;
  int32_t sequences = 0;    // n_seq_max of the context that decoded them
  int32_t stream_cells = 0; // cells one sequence could use there
};

Generated generate(LlamaSession& session, const std::vector<GenerationRequest>& requests, int32_t parallel,
                   KvLayout layout) {
  Generated out;
  generate_batched(session, requests, parallel, [&](size_t i, GenerationResponse&& response) {
    EXPECT_FALSE(out.responses.count(i));
    out.responses[i] = std::move(response);
    out.sequences = int32_t(llama_n_seq_max(session.context()));
    out.stream_cells = int32_t(llama_n_ctx_seq(session.context()));
  }, {}, layout);
  EXPECT_EQ(out.responses.size(), requests.size());
  return out;
}

std::vector<GenerationRequest> mixed_prompts() {
  const std::vector<std::string> texts = testing::clinical_prompt_texts_and({
      "Q: Which drug reverses warfarin?\nA:",
      "A 45-year-old man presents with",
      "Findings: no acute cardiopulmonary process.",
      "Q: Which vitamin deficiency causes scurvy?\nA:",
  });
  std::vector<GenerationRequest> requests;
  for (size_t i = 0; i < texts.size(); ++i) {
    GenerationRequest request;
    request.prompt = texts[i];
    request.max_tokens = 10 + int32_t(i % 5) * 4;  // slots free at different times
    requests.push_back(request);
  }
  return requests;
}

class SplitGenerationTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SplitGenerationTest, SplitCacheGivesTheTokensOfTheUnifiedCacheAndOfEachPromptAlone) {
  BackendOptions options;
  options.threads = 2;
  options.parallel = 8;
  LlamaSession session(testing::tiny_model(GetParam()), options);
  std::vector<GenerationRequest> requests = mixed_prompts();

  Generated split = generate(session, requests, 8, KvLayout::split);
  Generated unified = generate(session, requests, 8, KvLayout::unified);
  EXPECT_EQ(split.sequences, 9);  // 8 slots and the root, a stream each
  EXPECT_LT(split.stream_cells, session.kv_size());
  EXPECT_EQ(unified.sequences, session.max_sequences());
  EXPECT_EQ(unified.stream_cells, session.kv_size());
  for (size_t i = 0; i < requests.size(); ++i) {
    ASSERT_EQ(split.responses[i].status, RequestStatus::ok) << split.responses[i].error;
    Generated alone = generate(session, {requests[i]}, 1, KvLayout::unified);
    EXPECT_FALSE(alone.responses[0].tokens.empty());
    EXPECT_EQ(split.responses[i].tokens, alone.responses[0].tokens) << "prompt " << i;
    EXPECT_EQ(split.responses[i].text, alone.responses[0].text) << "prompt " << i;
    EXPECT_EQ(unified.responses[i].tokens, alone.responses[0].tokens) << "prompt " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Vocabs, SplitGenerationTest, ::testing::Values("llama-spm", "llama-bpe"),
                         testing::vocab_test_name);

// The root (a few-shot block and more) is decoded once on its own stream and copied whole into
// each slot's stream; a prompt that shares less than the root has the rest removed again.
TEST(SplitGeneration, SharedRootIsCopiedIntoEachStreamAndChangesNothing) {
  const std::string shots = testing::stiff_neck_shots();
  std::vector<GenerationRequest> requests;
  for (int q = 0; q < 24; ++q) {
    GenerationRequest request;
    // Neighbours after sorting share "Case 1", "Case 2"...: roots longer than what the next
    // group of prompts shares with them.
    request.prompt = shots + "Question: Case " + std::to_string(q * 37 % 100) +
                     " of the ward round, chest pain at rest. Next step?\nAnswer:";
    request.max_tokens = 6 + q % 5;
    requests.push_back(request);
  }
  BackendOptions options;
  options.threads = 2;
  options.batch_size = 64;
  options.parallel = 8;
  LlamaSession session(testing::tiny_model("llama-spm"), options);
  const int32_t block = int32_t(session.tokenize(shots, true).size());
  ASSERT_GT(block, 200);

  const int64_t before = session.counters().tokens_decoded;
  Generated split = generate(session, requests, 8, KvLayout::split);
  const int64_t decoded = session.counters().tokens_decoded - before;
  EXPECT_EQ(split.sequences, 9);
  int64_t unshared = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    Generated alone = generate(session, {requests[i]}, 1, KvLayout::unified);
    ASSERT_EQ(split.responses[i].status, RequestStatus::ok) << split.responses[i].error;
    EXPECT_EQ(split.responses[i].tokens, alone.responses[0].tokens) << "prompt " << i;
    unshared += alone.responses[0].prompt_tokens + int64_t(alone.responses[0].tokens.size());
  }
  // Unshared, the block alone would be decoded 24 times.
  EXPECT_LT(decoded, unshared - 20 * int64_t(block)) << "unshared " << unshared << ", block " << block;
}

// Automatic: as many slots as streams (each as long as the longest request) fit in the unified
// cache's cells; the unified cache when not even two do, and for one slot.
TEST(SplitGeneration, AutomaticLayoutTakesTheStreamsThatFitTheUnifiedCells) {
  BackendOptions options;
  options.threads = 2;
  options.context_length = 256;
  options.kv_size = 1024;  // 4 streams of 256 cells
  LlamaSession session(testing::tiny_model("llama-spm"), options);
  std::vector<GenerationRequest> requests = mixed_prompts();
  for (GenerationRequest& request : requests) request.max_tokens = 4;

  EXPECT_EQ(generate(session, requests, 4, KvLayout::automatic).sequences, 5);
  Generated eight = generate(session, requests, 8, KvLayout::automatic);
  EXPECT_EQ(eight.sequences, 5);  // 4 slots of the 8 asked for
  EXPECT_EQ(generate(session, requests, 1, KvLayout::automatic).sequences, session.max_sequences());
  // Fewer requests than slots: streams for the requests only.
  EXPECT_EQ(generate(session, {requests[0], requests[1]}, 4, KvLayout::automatic).sequences, 3);

  options.kv_size = 256;  // one stream's worth: unified
  LlamaSession tight(testing::tiny_model("llama-spm"), options);
  Generated unified = generate(tight, requests, 8, KvLayout::automatic);
  EXPECT_EQ(unified.sequences, tight.max_sequences());
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(eight.responses[i].tokens, unified.responses[i].tokens) << "prompt " << i;
  }
}

}  // namespace
}  // namespace clinbench
